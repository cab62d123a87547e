//! Threads for large products.
//!
//! # The split
//! C is cut into parts of whole micro-tiles (on Zen 4's AVX-512 kernel
//! columns of whole vectors, see `x86_avx512::packed_tile`), along `n` when
//! C is wider than tall, along `m` otherwise (the safe build always along
//! `m`), and each part
//! runs the single-threaded loop nest. No element's arithmetic depends on
//! the cut, so results are bit-identical for any thread count and either
//! split.
//!
//! # Teams
//! Large products (at least 2·1024·1024·512 flops and 576 rows, with the
//! pool) are not cut into parts when the kernel's loop nest can run them
//! as a team (`loops::team_runs`: at most 64 blocks of its `MC` rows, C
//! too wide for op(A) to be read in place): a team of threads walks the
//! one loop nest together (`threads/team.rs`), claiming small tasks
//! (packing some micro-panels of a shared B̃ block; loops 3 to 1 for one
//! block of rows) in the order one thread would run them. Nobody packs the shared operand
//! twice, and a thread on a core that another process keeps busy claims
//! fewer tasks instead of holding up a half of the product: with a
//! `yes > /dev/null` pinned beside it, f64 1024³ on two threads ran at
//! 64.8–67.5 GFLOP/s as a team against 49.0 in two parts (one thread alone:
//! 54.5), f32 1024³ 109.8–144.6 against 95.3–97.8 (alone: 110.1), f32
//! 2048³ 113.2–133.9 against 100.2–105.2 (alternating runs).
//! On an idle machine both ran level (f32 and f64 1024³ and
//! 1024×128·128×1024, three alternating runs each). Same blocks, tiles
//! and depth order as one thread, so the same bits.
//!
//! # Who runs the parts
//! - With the `simd` feature: a persistent pool (`threads/pool.rs`): workers are
//!   started on first need and live for the rest of the process, each with
//!   its own thread-local packing buffers, so after warm-up a threaded
//!   product allocates nothing.
//! - Without it (the safe build, no `unsafe`): scoped threads
//!   (`threads/scoped.rs`), started per product over disjoint row blocks of C.
//! - With the pool, a product whose parts ran much slower on one thread than
//!   on another (a core kept busy by another process) counts a strike; two
//!   close together make products run unsplit on the caller for a while
//!   (`threads/contention.rs`). The scoped threads have no such check.
//!
//! Either way the caller runs parts itself, and every thread is started
//! through [`spawn_checked`]: where starting one fails (wasm32, a seccomp
//! sandbox, a thread limit) the caller runs the parts no thread took, so
//! the product completes on the calling thread instead of panicking.

#[cfg(feature = "simd")]
mod contention;
#[cfg(feature = "simd")]
pub use contention::run_alone_for_testing;
#[cfg(feature = "simd")]
#[allow(unsafe_code)]
mod pool;
#[cfg(not(feature = "simd"))]
mod scoped;
#[cfg(feature = "simd")]
#[allow(unsafe_code)]
mod team;
#[cfg(feature = "simd")]
pub(crate) use team::{FailOnPanic, Plan, Role, Task, Team, MAX_ROW_BLOCKS};

#[cfg(feature = "simd")]
use pool::{run_each, run_parts};
#[cfg(not(feature = "simd"))]
use scoped::run_parts;

#[cfg(feature = "simd")]
use super::kernel::Kernel;
use super::loops::{Operand, Problem, Share};
use super::Config;
use crate::Scalar;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// A product gets one thread per this many flops (2·m·n·k), at most the
/// configured count: below it, handing a part to a worker and packing the
/// shared operand twice cost more than they save. 2·64³ ≈ 0.5 MFLOP is
/// about 5 µs of one core's work; a spinning worker picks a part up in well
/// under a microsecond, and a sleeping one costs the caller only the wake-up
/// call, since the caller runs every part nobody has claimed. Measured: 2
/// threads give 1.7× at 128³ and 128×1024·1024×10, 1.7× at 96³.
///
/// The safe build (no `simd` feature), which starts its threads per
/// product, uses 8 times this (see `FLOPS_PER_THREAD`).
///
/// ```
/// use groundup::gemm::MIN_FLOPS_PER_THREAD;
/// // A 64³ product (2·64³ flops) is the smallest that earns a thread.
/// assert_eq!(MIN_FLOPS_PER_THREAD, 2 * 64 * 64 * 64);
/// ```
pub const MIN_FLOPS_PER_THREAD: usize = 2 * 64 * 64 * 64;

/// The flops per thread [`plan`] uses: [`MIN_FLOPS_PER_THREAD`] with the
/// pool; in the safe build 8 times that, 2·128³ ≈ 4.2 MFLOP, about 110 µs
/// of the portable kernel's f32 work (38 GFLOP/s on the development VM),
/// since each threaded product there starts and joins its threads (one
/// scoped spawn and join: 25–30 µs at the median on that VM) and grows the
/// new threads' packing buffers, instead of handing parts to waiting
/// workers. (Not tuned by measurement: two-thread timings on the shared
/// 2-core VM measured the other jobs' load.)
const FLOPS_PER_THREAD: usize = if cfg!(feature = "simd") {
    MIN_FLOPS_PER_THREAD
} else {
    8 * MIN_FLOPS_PER_THREAD
};

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
/// After the first call this is one relaxed atomic load.
///
/// ```
/// use groundup::gemm::{set_threads, threads, with_config, Config, Kernel};
/// assert!(threads() >= 1);
/// set_threads(2);
/// assert_eq!(threads(), 2);
/// // with_config bounds this thread's products; the process-wide value stays.
/// let one = Config { kernel: Kernel::Portable, threads: 1 };
/// assert_eq!(with_config(one, threads), 2);
/// ```
#[inline]
pub fn threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => init_threads(),
        n => n,
    }
}

#[cold]
fn init_threads() -> usize {
    let n = default_threads();
    // Keep an explicit set_threads that raced us.
    let _ = THREADS.compare_exchange(0, n, Ordering::Relaxed, Ordering::Relaxed);
    THREADS.load(Ordering::Relaxed)
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

/// Whether C may be split along `n`. The safe build's view of C is a
/// `&mut [T]`, which splits into disjoint row blocks only.
const SPLIT_N: bool = cfg!(feature = "simd");

/// How many parts a product of this shape is cut into for `max_threads`:
/// one per [`FLOPS_PER_THREAD`] flops, at most one per micro-tile row or
/// column along the split dimension (`n` only when `split_n_ok`).
fn plan(
    m: usize,
    n: usize,
    k: usize,
    tile: (usize, usize),
    max_threads: usize,
    split_n_ok: bool,
) -> (bool, usize) {
    let flops = 2usize.saturating_mul(m).saturating_mul(n).saturating_mul(k);
    let (mr, nr) = tile;
    let split_n = split_n_ok && n >= m;
    let tiles = if split_n {
        n.div_ceil(nr)
    } else {
        m.div_ceil(mr)
    };
    let nt = max_threads.min(flops / FLOPS_PER_THREAD).min(tiles).max(1);
    (split_n, nt)
}

/// The cut of one threaded product into `parts` consecutive ranges of
/// `per` rows (or columns, `split_n`) of C, the last one shorter.
struct Split {
    split_n: bool,
    per: usize,
    parts: usize,
    total: usize,
    /// The two part shapes `(m, n)`: all but the last part have the first.
    shapes: [(usize, usize); 2],
}

/// Part `i` of a split product: its operands and where its block of C is.
struct Part<'a, T> {
    a: Operand<'a, T>,
    b: Operand<'a, T>,
    m: usize,
    n: usize,
    i0: usize,
    j0: usize,
}

impl Split {
    /// Part `i` of the product `op(A)·op(B)` of shape `m x n`.
    fn part<'a, T: Copy>(
        &self,
        a: Operand<'a, T>,
        b: Operand<'a, T>,
        (m, n): (usize, usize),
        i: usize,
    ) -> Part<'a, T> {
        let start = i * self.per;
        let len = self.per.min(self.total - start);
        if self.split_n {
            Part {
                a,
                b: b.offset(0, start),
                m,
                n: len,
                i0: 0,
                j0: start,
            }
        } else {
            Part {
                a: a.offset(start, 0),
                b,
                m: len,
                n,
                i0: start,
                j0: 0,
            }
        }
    }
}

/// Runs `f(i)` for every `i` in `0..parts` — on the products' thread team
/// (the calling thread included) when there is one and more than one part,
/// else in order on this thread. In the safe build (no persistent pool)
/// always in order here: starting threads would allocate on every call.
/// Element-wise work that is worth splitting uses this, cutting its rows
/// into at most [`Config::current`]`().threads` parts.
pub(crate) fn for_each_part<F: Fn(usize) + Sync>(parts: usize, f: &F) {
    #[cfg(feature = "simd")]
    if parts > 1 {
        run_each(parts, f);
        return;
    }
    for i in 0..parts {
        f(i);
    }
}

pub fn run_blocked<T: Scalar>(config: Config, p: &mut Problem<'_, '_, T>) {
    let (mr, nr) = T::tile(config.kernel);
    let (split_n, nt) = plan(p.m, p.n, p.k, (mr, nr), config.threads, SPLIT_N);
    if nt == 1 {
        T::blocked(config.kernel, p, Share::Alone);
        return;
    }
    let unit = if split_n { nr } else { mr };
    let total = if split_n { p.n } else { p.m };
    let per = total.div_ceil(unit).div_ceil(nt) * unit;
    let parts = total.div_ceil(per);
    // Large products run as a team, whose threads claim small tasks: a
    // thread on a busy core just claims fewer of them.
    #[cfg(feature = "simd")]
    if team_product(config.kernel, p) {
        let threads = pool::run_team(config.kernel, p, nt);
        record_split(parts, threads, false, true);
        return;
    }
    if busy_core() {
        // A core kept busy by another process: the whole product here, not
        // split (split parts would each pack the shared operand again).
        T::blocked(config.kernel, p, Share::Alone);
        record_split(parts, 1, true, false);
        return;
    }
    let last = total - (parts - 1) * per;
    let shapes = if split_n {
        [(p.m, per), (p.m, last)]
    } else {
        [(per, p.n), (last, p.n)]
    };
    let split = Split {
        split_n,
        per,
        parts,
        total,
        shapes,
    };
    let threads = run_parts(config.kernel, p, &split);
    record_split(parts, threads, false, false);
}

/// Leaves this thread's [`SplitRecord`] of the product it just split.
fn record_split(parts: usize, threads: usize, unsplit: bool, team: bool) {
    let record = SplitRecord {
        parts,
        threads,
        unsplit,
        team,
    };
    LAST_SPLIT.with(|last| last.set(Some(record)));
}

/// Products of at least this many flops (2·m·n·k) and [`TEAM_MIN_ROWS`]
/// rows run as a team (`threads/team.rs`) instead of in parts:
/// 2·1024·1024·512. A thread preempted while it holds a task makes the
/// others wait for it at the end (a task cannot be taken back), which
/// costs more than the team gains when the whole product takes about a
/// time slice: with a `yes` pinned beside it, f64 1024×128·128×1024 on two
/// threads ran at 39.2–60.2 GFLOP/s as a team against 43.7–45.6 in parts
/// (one thread: 45.2), f32 83.3–96.1 against 85.7–97.7 (90.9); idle, both
/// ways ran level.
#[cfg(feature = "simd")]
const TEAM_MIN_FLOPS: usize = 1 << 30;
/// Four blocks of 144 rows (the largest `MC`).
#[cfg(feature = "simd")]
const TEAM_MIN_ROWS: usize = 4 * 144;

/// 0: the rule; 1: every product that splits runs as a team (when its
/// kernel's loop nest can); 2: none does (see [`teams_for_testing`]).
#[cfg(feature = "simd")]
static TEAMS: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Test hook: `Some(true)` makes every product that would split into parts
/// run as a team of threads sharing its packed B̃ blocks when its loop nest
/// allows (at least two blocks of rows, B̃ packed a block at a time),
/// `Some(false)` none, `None` restores the rule (products of at least
/// 2·1024·1024·512 flops and 576 rows). Only in the `simd` build (the safe
/// build has no teams). Not part of the supported API.
#[cfg(feature = "simd")]
#[doc(hidden)]
pub fn teams_for_testing(teams: Option<bool>) {
    TEAMS.store(
        match teams {
            None => 0,
            Some(true) => 1,
            Some(false) => 2,
        },
        Ordering::Relaxed,
    );
}

/// Whether a team runs this product instead of parts (see `threads/team.rs`):
/// a large product (the rule above) that the loop nest of `kernel` runs as
/// a team (`loops::team_runs`: at least two, at most `MAX_ROW_BLOCKS`,
/// blocks of the kernel's `MC` rows, op(A) packed). A product the nest
/// would not take keeps the parts: a team formed for it would leave the
/// whole product to one thread.
#[cfg(feature = "simd")]
pub(crate) fn team_product<T: Scalar>(kernel: Kernel, p: &Problem<'_, '_, T>) -> bool {
    let large = match TEAMS.load(Ordering::Relaxed) {
        1 => true,
        2 => return false,
        _ => {
            let flops = 2usize
                .saturating_mul(p.m)
                .saturating_mul(p.n)
                .saturating_mul(p.k);
            flops >= TEAM_MIN_FLOPS && p.m >= TEAM_MIN_ROWS
        }
    };
    large && T::team_runs(kernel, p)
}

/// Whether products should not be split now: the pool's helpers were
/// preempted lately (see `threads/contention.rs`; never in the safe build).
fn busy_core() -> bool {
    #[cfg(feature = "simd")]
    return contention::alone();
    #[cfg(not(feature = "simd"))]
    return false;
}

/// How the last split product of a thread ran (see [`take_split_record`]).
/// Not part of the supported API.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitRecord {
    /// The parts C was cut into (≥ 2), or would have been (`unsplit`, or
    /// run as a team of at most this many threads).
    pub parts: usize,
    /// The distinct threads, the calling one included, that ran at least
    /// one part (of a team: that joined it): 1 when the caller ran them all (no worker was quick
    /// enough, the pool was busy, or no thread could be started) or ran the
    /// product unsplit (`unsplit`, see `threads/contention.rs`).
    pub threads: usize,
    /// Whether it ran unsplit on the caller because the pool's helpers were
    /// preempted lately.
    pub unsplit: bool,
    /// Whether it ran as a team (`threads/team.rs`) instead of in parts.
    pub team: bool,
}

thread_local! {
    /// Set by every product split into parts on this thread; one write per
    /// split product.
    static LAST_SPLIT: std::cell::Cell<Option<SplitRecord>> = const { std::cell::Cell::new(None) };
}

/// Test hook: how the last product that this thread split into parts ran,
/// if it split one since the previous call (which this call forgets), so a
/// test can check that a product it expects to split did, and that other
/// threads really ran parts of it. Not part of the supported API.
#[doc(hidden)]
pub fn take_split_record() -> Option<SplitRecord> {
    LAST_SPLIT.with(|last| last.take())
}

/// Set by [`fail_thread_spawns_for_testing`].
static FAIL_SPAWNS: AtomicBool = AtomicBool::new(false);
/// Counted by [`spawn_checked`].
static SPAWN_FAILURES: AtomicUsize = AtomicUsize::new(0);

/// Test hook: while `on`, every attempt of the GEMM threads to start a
/// thread fails as `std::thread::Builder::spawn` does where threads are
/// unavailable (wasm32, a seccomp sandbox, a thread limit), so tests can
/// check that products then run on the calling thread. Not part of the
/// supported API.
#[doc(hidden)]
pub fn fail_thread_spawns_for_testing(on: bool) {
    FAIL_SPAWNS.store(on, Ordering::SeqCst);
}

/// Test hook: how many times starting a GEMM thread has failed in this
/// process (really or through [`fail_thread_spawns_for_testing`]). Not part
/// of the supported API.
#[doc(hidden)]
pub fn thread_spawn_failures() -> usize {
    SPAWN_FAILURES.load(Ordering::SeqCst)
}

/// Runs `spawn` (a `std::thread::Builder` spawn) unless the test hook says
/// to fail, and counts failures. Callers treat an error as "no more
/// threads": the caller runs the remaining parts itself.
fn spawn_checked<H>(spawn: impl FnOnce() -> std::io::Result<H>) -> std::io::Result<H> {
    let r = if FAIL_SPAWNS.load(Ordering::Relaxed) {
        Err(std::io::Error::other(
            "thread spawn failed (groundup test hook)",
        ))
    } else {
        spawn()
    };
    if r.is_err() {
        SPAWN_FAILURES.fetch_add(1, Ordering::Relaxed);
    }
    r
}

/// Locks, ignoring poisoning: the state behind the GEMM threads' locks is
/// consistent at every unlock (panics inside parts are caught before they
/// reach a lock).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_respects_the_flop_threshold() {
        assert_eq!(plan(30, 10, 2, (6, 16), 2, true).1, 1);
        assert_eq!(plan(512, 512, 512, (6, 16), 2, true), (true, 2));
        assert_eq!(plan(1024, 10, 1024, (6, 16), 4, true), (false, 4));
        assert_eq!(plan(512, 512, 512, (6, 16), 1, true).1, 1);
    }

    #[test]
    fn plan_splits_only_rows_when_columns_are_not_allowed() {
        assert_eq!(plan(512, 512, 512, (4, 8), 2, false), (false, 2));
        // Wide but only one tile tall: one part.
        assert_eq!(plan(4, 4096, 512, (4, 8), 2, false), (false, 1));
    }
}
