//! Threads for large products: C is cut into as many blocks of whole
//! micro-tiles as there are threads (along `n` when C is wider than tall,
//! along `m` otherwise) and each block runs the single-threaded loop nest.
//! No element's arithmetic depends on the cut, so results are bit-identical
//! for any thread count.

use super::loops::{Operand, Problem};
use super::Config;
use crate::Scalar;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A product gets one thread per this many flops (2·m·n·k), at most the
/// configured count: below it, starting and joining a thread costs more than
/// it saves. 2·128·128·128 ≈ 4 MFLOP is about 50 µs of one core's work.
pub const MIN_FLOPS_PER_THREAD: usize = 2 * 128 * 128 * 128;

static THREADS: AtomicUsize = AtomicUsize::new(0);

fn default_threads() -> usize {
    let hw = std::thread::available_parallelism().map_or(1, |n| n.get());
    match std::env::var("GROUNDUP_THREADS") {
        Ok(v) if !v.trim().is_empty() => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                eprintln!("groundup: GROUNDUP_THREADS={v:?} is not a positive integer; using {hw}");
                hw
            }
        },
        _ => hw,
    }
}

/// The largest number of threads a product may use: [`set_threads`] if called,
/// else `GROUNDUP_THREADS`, else [`std::thread::available_parallelism`].
pub fn threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => {
            let n = default_threads();
            // Keep an explicit set_threads that raced us.
            let _ = THREADS.compare_exchange(0, n, Ordering::Relaxed, Ordering::Relaxed);
            THREADS.load(Ordering::Relaxed)
        }
        n => n,
    }
}

/// Sets the process-wide thread bound (values below 1 mean 1).
///
/// ```
/// groundup::gemm::set_threads(1);
/// assert_eq!(groundup::gemm::threads(), 1);
/// ```
pub fn set_threads(n: usize) {
    THREADS.store(n.max(1), Ordering::Relaxed);
}

pub fn run_blocked<T: Scalar>(config: Config, p: &mut Problem<'_, '_, T>) {
    let flops = 2usize
        .saturating_mul(p.m)
        .saturating_mul(p.n)
        .saturating_mul(p.k);
    let (mr, nr) = T::tile(config.kernel);
    let split_n = p.n >= p.m;
    let tiles = if split_n {
        p.n.div_ceil(nr)
    } else {
        p.m.div_ceil(mr)
    };
    let nt = config
        .threads
        .min(flops / MIN_FLOPS_PER_THREAD)
        .min(tiles)
        .max(1);
    if nt == 1 {
        T::blocked(config.kernel, p);
        return;
    }
    let unit = if split_n { nr } else { mr };
    let per = tiles.div_ceil(nt) * unit;
    let mut parts = Vec::with_capacity(nt);
    let mut rest = std::mem::replace(&mut p.c, super::view::CView::new(&mut [], 0, 0, 1));
    let total = if split_n { p.n } else { p.m };
    let mut start = 0;
    while start < total {
        let len = per.min(total - start);
        let (head, tail) = if split_n {
            rest.split_cols(len)
        } else {
            rest.split_rows(len)
        };
        rest = tail;
        let (a, b, m, n): (Operand<'_, T>, Operand<'_, T>, usize, usize) = if split_n {
            (p.a, p.b.offset(0, start), p.m, len)
        } else {
            (p.a.offset(start, 0), p.b, len, p.n)
        };
        parts.push(Problem {
            m,
            n,
            k: p.k,
            alpha: p.alpha,
            a,
            b,
            beta: p.beta,
            c: head,
        });
        start += len;
    }
    let kernel = config.kernel;
    std::thread::scope(|s| {
        let mut iter = parts.iter_mut();
        let first = iter.next();
        for part in iter {
            s.spawn(move || T::blocked(kernel, part));
        }
        if let Some(part) = first {
            T::blocked(kernel, part);
        }
    });
}
