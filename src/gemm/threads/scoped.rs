//! The threads of the safe build (no `simd` feature): no `unsafe`, no
//! persistent pool.
//!
//! C is cut into consecutive row blocks by repeated
//! [`CView::split_rows`](crate::gemm::view::CView::split_rows) (one
//! `split_at_mut` each), so every part owns an ordinary `&mut [T]` and the
//! borrow checker proves the parts disjoint. The parts go into a queue
//! (a `Mutex<Vec<_>>`); `parts - 1` threads are started with
//! [`std::thread::Builder::spawn_scoped`] inside [`std::thread::scope`], and
//! they and the calling thread pop parts until the queue is empty, so a
//! part is run even when its thread could not be started (`spawn_scoped`
//! returns an error there, where `Scope::spawn` would panic) or is slow to
//! start. Each part runs the single-threaded loop nest, the arithmetic of
//! the default build's portable kernel.
//!
//! The price against the pool: every threaded product starts and joins its
//! threads (tens of microseconds), and allocates: the queue, the join
//! handles, the threads themselves and their packing buffers (thread-local,
//! so they die with the thread). Products too small to be split, and every
//! product with one thread, allocate nothing after warm-up, as in the
//! default build.

use super::{lock, spawn_checked, Split};
use crate::gemm::kernel::Kernel;
use crate::gemm::loops::{Problem, Share};
use crate::Scalar;
use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Mutex;

/// Runs the parts of `split` (row blocks of C) on scoped threads and the
/// calling thread; returns how many distinct threads ran at least one part.
/// A panic in a part is re-raised here after every part has run.
pub(super) fn run_parts<T: Scalar>(
    kernel: Kernel,
    p: &mut Problem<'_, '_, T>,
    split: &Split,
) -> usize {
    assert!(!split.split_n, "the safe build splits C by rows only");
    let (m, n, k, alpha, beta, a, b) = (p.m, p.n, p.k, p.alpha, p.beta, p.a, p.b);
    // Cut C into the parts' row blocks, top to bottom.
    let mut rest = p.c.sub(0, 0, m, n);
    let mut queue = Vec::with_capacity(split.parts);
    for i in 0..split.parts {
        let part = split.part(a, b, (m, n), i);
        debug_assert_eq!((part.i0, part.j0, part.n), (i * split.per, 0, n));
        let (c, below) = rest.split_rows(part.m);
        rest = below;
        queue.push(Problem {
            m: part.m,
            n: part.n,
            k,
            alpha,
            a: part.a,
            b: part.b,
            beta,
            c,
        });
    }
    let queue = Mutex::new(queue);
    let shapes = split.shapes;
    // Pops and runs parts until none are left; returns how many it ran and
    // the first panic.
    let work = || -> (usize, Option<Box<dyn Any + Send>>) {
        let mut panic = None;
        let mut ran = 0;
        loop {
            let Some(mut part) = lock(&queue).pop() else {
                return (ran, panic);
            };
            ran += 1;
            let r = catch_unwind(AssertUnwindSafe(|| {
                T::blocked(kernel, &mut part, Share::Part(&shapes))
            }));
            if let Err(payload) = r {
                panic.get_or_insert(payload);
            }
        }
    };
    let work = &work;
    let (threads, panic) = std::thread::scope(|s| {
        let mut handles = Vec::with_capacity(split.parts - 1);
        for _ in 1..split.parts {
            let spawned = spawn_checked(|| {
                std::thread::Builder::new()
                    .name("groundup-gemm".to_string())
                    .spawn_scoped(s, work)
            });
            match spawned {
                Ok(handle) => handles.push(handle),
                // No (more) threads: this thread runs what is left.
                Err(_) => break,
            }
        }
        let (ran, mut panic) = work();
        let mut threads = usize::from(ran > 0);
        for handle in handles {
            // `work` catches the parts' panics, so `join` fails only if the
            // thread itself could not run it; keep the first payload.
            match handle.join() {
                Ok((ran, None)) => threads += usize::from(ran > 0),
                Ok((ran, Some(payload))) => {
                    threads += usize::from(ran > 0);
                    panic.get_or_insert(payload);
                }
                Err(payload) => {
                    panic.get_or_insert(payload);
                }
            }
        }
        (threads, panic)
    });
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    threads
}
