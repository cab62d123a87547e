//! The persistent worker pool of the `simd` build.
//!
//! Workers are started on first need and live for the rest of the process,
//! each with its own thread-local packing buffers, so after warm-up a
//! threaded product allocates nothing. A product is handed over without
//! boxing: the caller publishes a type-erased pointer to a closure on its
//! own stack ([`JobRef`]), workers and the caller claim part indices from an
//! atomic counter, and the caller does not return until every participant
//! has let go of the job (see [`Pool::run`] for the safety argument). Parts
//! are claimed, not assigned: when the machine is busy and a worker is slow
//! to wake, or a worker could not be started at all, the caller runs the
//! remaining parts itself instead of waiting.
//!
//! One product uses the pool at a time; a product that finds it busy
//! (another thread of the program is multiplying) runs all its parts on its
//! own thread. Workers spin briefly after a job, so the
//! back-to-back products of a training loop find them awake, then sleep on
//! a condition variable. When parts run on the workers much slower than on
//! the caller (another process keeps a core busy), products run unsplit on
//! the caller for a while (`contention.rs`).
//!
//! A large product runs as a team instead ([`run_team`]): every thread
//! that takes a part index becomes a member and claims the team's tasks
//! (`team.rs`).

use super::team::Team;
use super::{contention, lock, spawn_checked, Split};
use crate::gemm::kernel::{forcing_full_width_avx512, full_width_avx512_forced, Kernel};
use crate::gemm::loops::{Problem, Share};
use crate::Scalar;
use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// Runs the parts of `split` on the pool and the calling thread; returns
/// how many distinct threads ran at least one part.
pub(super) fn run_parts<T: Scalar>(
    kernel: Kernel,
    p: &mut Problem<'_, '_, T>,
    split: &Split,
) -> usize {
    let (m, n, k, alpha, beta, a, b) = (p.m, p.n, p.k, p.alpha, p.beta, p.a, p.b);
    let c = p.c.share();
    let rates = contention::Rates::new();
    // Packing buffers big enough for every part and for the whole product:
    // on a busy core the caller runs it unsplit (see `threads.rs`), and
    // should not allocate then either.
    let also = [split.shapes[0], split.shapes[1], (m, n)];
    // The caller's `with_full_width_avx512` holds for every part.
    let full_width = full_width_avx512_forced();
    let job = |i: usize| {
        let start = contention::now_ns();
        let part = split.part(a, b, (m, n), i);
        // SAFETY: part `i` covers rows `i0..i0+m` and columns `j0..j0+n` of
        // C; parts with different `i` are disjoint (consecutive ranges of
        // length `per` along one dimension), and the pool runs each index
        // exactly once.
        let c = unsafe { c.region(part.i0, part.j0, part.m, part.n) };
        let mut problem = Problem {
            m: part.m,
            n: part.n,
            k,
            alpha,
            a: part.a,
            b: part.b,
            beta,
            c,
        };
        forcing_full_width_avx512(full_width, || {
            T::blocked(kernel, &mut problem, Share::Part(&also))
        });
        let flops = 2.0 * part.m as f64 * part.n as f64 * k as f64;
        rates.add(contention::now_ns() - start, flops);
    };
    let threads = POOL.run(split.parts, &job);
    if threads > 1 {
        rates.finish();
    }
    threads
}

/// Runs the product as a team of up to `members` threads (the caller and
/// pool workers) sharing its packed B̃ blocks (see `team.rs`); returns how
/// many distinct threads took part.
pub(super) fn run_team<T: Scalar>(
    kernel: Kernel,
    p: &mut Problem<'_, '_, T>,
    members: usize,
) -> usize {
    let (m, n, k, alpha, beta, a, b) = (p.m, p.n, p.k, p.alpha, p.beta, p.a, p.b);
    let team = Team::new(p.c.share());
    let full_width = full_width_avx512_forced();
    let job = |_member: usize| {
        // SAFETY: an empty region is disjoint from every other; members
        // write C only through the team's regions (`Team::rows`).
        let c = unsafe { team.c_empty() };
        let mut problem = Problem {
            m,
            n,
            k,
            alpha,
            a,
            b,
            beta,
            c,
        };
        let share = Share::Team(&team, members);
        forcing_full_width_avx512(full_width, || T::blocked(kernel, &mut problem, share));
    };
    POOL.run(members, &job)
}

/// Runs `f(0..parts)` on the pool and the calling thread (each index once,
/// in no particular order); returns when all are done. For element-wise
/// work outside the products (a softmax over many rows).
pub(super) fn run_each<F: Fn(usize) + Sync>(parts: usize, f: &F) {
    POOL.run(parts, f);
}

/// A borrowed `Fn(usize) + Sync` with its type erased: a data pointer and
/// the monomorphized function that calls it. Copying it copies two
/// pointers; nothing is allocated.
#[derive(Clone, Copy)]
struct JobRef {
    data: *const (),
    call: unsafe fn(*const (), usize),
}

// SAFETY: a JobRef is only made from `&F` with `F: Sync` (see `JobRef::new`),
// so calling it from several threads at once is what `F: Sync` allows; the
// pointer's validity in time is the pool's business (see `Pool::run`).
unsafe impl Send for JobRef {}

impl JobRef {
    fn new<F: Fn(usize) + Sync>(f: &F) -> JobRef {
        /// # Safety
        /// `data` must come from `&F` that is still alive.
        unsafe fn call<F: Fn(usize)>(data: *const (), i: usize) {
            // SAFETY: the caller guarantees `data` is a live `&F`.
            unsafe { (*data.cast::<F>())(i) }
        }
        JobRef {
            data: (f as *const F).cast(),
            call: call::<F>,
        }
    }
}

/// What the pool's lock protects.
struct State {
    /// The job being run, `None` between jobs.
    job: Option<JobRef>,
    /// Bumped for every job, so a worker takes each job at most once.
    generation: u64,
    /// Workers that took the current job and have not yet let go of it.
    active: usize,
    /// Worker threads started so far (they never exit).
    workers: usize,
    /// Workers asleep on `work` (or about to be: counted under the lock
    /// before they wait). Publishing a job makes the wake-up call only when
    /// this is nonzero; spinning workers see the job on `hint`.
    sleeping: usize,
    /// Whether the caller sleeps on `done` (set under the lock before it
    /// waits), so the last worker makes the wake-up call only then.
    caller_waiting: bool,
    /// The first panic of the current job, re-raised on the caller.
    panic: Option<Box<dyn Any + Send>>,
}

struct Pool {
    /// Held by the product that uses the pool.
    submit: Mutex<()>,
    state: Mutex<State>,
    /// Workers wait here for a job.
    work: Condvar,
    /// The caller waits here for `active == 0`.
    done: Condvar,
    /// Next part index to claim (valid while a job is published).
    next: AtomicUsize,
    /// Number of parts of the current job.
    parts: AtomicUsize,
    /// A copy of `State::generation` that spinning workers poll without the
    /// lock.
    hint: AtomicU64,
    /// A copy of `State::active` (changed under the lock) that the caller
    /// polls without the lock.
    busy: AtomicUsize,
    /// Workers that ran at least one part of the current job (each adds 1
    /// before it lets go of the job), for [`Pool::run`]'s return value.
    helped: AtomicUsize,
}

static POOL: Pool = Pool {
    submit: Mutex::new(()),
    state: Mutex::new(State {
        job: None,
        generation: 0,
        active: 0,
        workers: 0,
        sleeping: 0,
        caller_waiting: false,
        panic: None,
    }),
    work: Condvar::new(),
    done: Condvar::new(),
    next: AtomicUsize::new(0),
    parts: AtomicUsize::new(0),
    hint: AtomicU64::new(0),
    busy: AtomicUsize::new(0),
    helped: AtomicUsize::new(0),
};

/// Spin iterations a worker polls for the next job before it sleeps. One
/// iteration took about 25 ns on the development machine (Zen 4), so this is
/// about 0.4 ms: long enough to bridge the gaps between the products of a
/// training step (bias, activation and optimizer passes), short enough to
/// leave an idle core alone soon after training stops.
const WORKER_SPIN: u32 = 1 << 14;
/// Spin iterations the caller polls for the workers to finish before it
/// sleeps.
const CALLER_SPIN: u32 = 1 << 14;

impl Pool {
    /// Runs `f(0)`, …, `f(parts - 1)`, each exactly once, on the calling
    /// thread and up to `parts - 1` workers, and returns when all have
    /// finished, returning how many distinct threads (this one included)
    /// ran at least one part. A panic in any part is re-raised here after
    /// all parts are done.
    ///
    /// # Safety argument for lending `f` to other threads
    /// Workers receive `f` as a raw [`JobRef`], which does not carry the
    /// borrow's lifetime. It stays valid because:
    /// 1. a worker can only obtain the `JobRef` under the `state` lock while
    ///    `job` is `Some`, and it increments `active` in the same critical
    ///    section;
    /// 2. it decrements `active` (under the lock) only after its last use of
    ///    the `JobRef`, and of `next`/`parts`;
    /// 3. this function sets `job = None` only under the lock after seeing
    ///    `active == 0` and after its own claiming loop ended, and it does
    ///    that before returning or unwinding: every part is run inside
    ///    `catch_unwind`, so no panic can skip the wait.
    ///
    /// So no thread touches `f` after `run` returns, which is what the
    /// borrow `&F` requires; `F: Sync` makes the concurrent calls sound.
    fn run<F: Fn(usize) + Sync>(&'static self, parts: usize, f: &F) -> usize {
        if parts == 0 {
            return 0;
        }
        let _turn = match self.submit.try_lock() {
            Ok(turn) => turn,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                // Another thread's product has the pool: run every part
                // here (same parts, so the same bits) rather than wait.
                let mut panic = None;
                for i in 0..parts {
                    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| f(i))) {
                        panic.get_or_insert(payload);
                    }
                }
                if let Some(payload) = panic {
                    resume_unwind(payload);
                }
                return 1;
            }
        };
        let job = JobRef::new(f);
        let wake = {
            let mut st = lock(&self.state);
            while st.workers < parts - 1 {
                let spawned = spawn_checked(|| {
                    std::thread::Builder::new()
                        .name(format!("groundup-gemm-{}", st.workers + 1))
                        .spawn(move || self.worker())
                });
                if spawned.is_err() {
                    // Run with the workers we have, or alone: the caller
                    // claims every part nobody else takes. The next product
                    // tries again.
                    break;
                }
                st.workers += 1;
            }
            debug_assert!(st.job.is_none() && st.active == 0);
            self.next.store(0, Ordering::Relaxed);
            self.parts.store(parts, Ordering::Relaxed);
            self.helped.store(0, Ordering::Relaxed);
            st.job = Some(job);
            st.generation += 1;
            self.hint.store(st.generation, Ordering::Release);
            st.sleeping > 0
        };
        // Outside the lock: a spinning worker that saw `hint` can take the
        // lock at once instead of blocking on it during the wake-up call.
        if wake {
            self.work.notify_all();
        }
        let (ran, mine) = self.claim_parts(job);
        // Wait for the workers that took the job to let go of it: spin on
        // the lock-free mirror of `active` for a while, then sleep.
        let mut spins = 0;
        while self.busy.load(Ordering::Acquire) > 0 && spins < CALLER_SPIN {
            std::hint::spin_loop();
            spins += 1;
        }
        let mut st = lock(&self.state);
        while st.active > 0 {
            st.caller_waiting = true;
            st = self.done.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.caller_waiting = false;
        st.job = None;
        // Every worker that took the job added to `helped` before it
        // decremented `active` under the lock we hold.
        let threads = self.helped.load(Ordering::Relaxed) + usize::from(ran > 0);
        let panic = st.panic.take().or(mine);
        drop(st);
        if let Some(payload) = panic {
            resume_unwind(payload);
        }
        threads
    }

    /// Claims and runs parts until none are left; returns how many it ran
    /// and the first panic. Used by the caller and by workers while they
    /// hold the job.
    fn claim_parts(&self, job: JobRef) -> (usize, Option<Box<dyn Any + Send>>) {
        let parts = self.parts.load(Ordering::Relaxed);
        let mut panic = None;
        let mut ran = 0;
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= parts {
                return (ran, panic);
            }
            ran += 1;
            // SAFETY: the job is alive while it is published and we hold it
            // (see `run`); `i < parts` is claimed by us alone.
            let r = catch_unwind(AssertUnwindSafe(|| unsafe { (job.call)(job.data, i) }));
            if let Err(payload) = r {
                panic.get_or_insert(payload);
            }
        }
    }

    /// A worker's life: wait for a job, help with it, repeat.
    fn worker(&'static self) {
        let mut seen = 0u64;
        loop {
            // Spin a little on the hint, then sleep on the condvar.
            let mut spins = 0;
            while self.hint.load(Ordering::Acquire) == seen && spins < WORKER_SPIN {
                std::hint::spin_loop();
                spins += 1;
            }
            let job = {
                let mut st = lock(&self.state);
                loop {
                    match st.job {
                        Some(job) if st.generation != seen => {
                            seen = st.generation;
                            st.active += 1;
                            self.busy.store(st.active, Ordering::Release);
                            break job;
                        }
                        _ => {
                            st.sleeping += 1;
                            st = self.work.wait(st).unwrap_or_else(|e| e.into_inner());
                            st.sleeping -= 1;
                        }
                    }
                }
            };
            let (ran, panic) = self.claim_parts(job);
            if ran > 0 {
                self.helped.fetch_add(1, Ordering::Relaxed);
            }
            let mut st = lock(&self.state);
            if let Some(payload) = panic {
                st.panic.get_or_insert(payload);
            }
            st.active -= 1;
            self.busy.store(st.active, Ordering::Release);
            let wake = st.active == 0 && st.caller_waiting;
            drop(st);
            if wake {
                self.done.notify_one();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn every_part_runs_once() {
        for parts in [1, 2, 3, 7] {
            let hits: Vec<AtomicUsize> = (0..parts).map(|_| AtomicUsize::new(0)).collect();
            for _ in 0..50 {
                POOL.run(parts, &|i| {
                    hits[i].fetch_add(1, Ordering::Relaxed);
                });
            }
            assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 50));
        }
    }

    #[test]
    fn a_panicking_part_is_reraised_after_the_others_finish() {
        let done = AtomicUsize::new(0);
        let r = catch_unwind(AssertUnwindSafe(|| {
            POOL.run(4, &|i| {
                if i == 1 {
                    panic!("part 1 fails");
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
                done.fetch_add(1, Ordering::Relaxed);
            })
        }));
        let msg = *r.unwrap_err().downcast::<&str>().unwrap();
        assert_eq!(msg, "part 1 fails");
        assert_eq!(done.load(Ordering::Relaxed), 3);
        // The pool still works afterwards.
        let n = AtomicUsize::new(0);
        POOL.run(3, &|_| {
            n.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(n.load(Ordering::Relaxed), 3);
    }
}
