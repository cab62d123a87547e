//! When to stop lending parts of products to the pool's workers.
//!
//! A helper thread pays off only while it runs. When another process keeps
//! a core busy (`yes > /dev/null` pinned to it, a neighbour's build), the
//! scheduler time-slices whichever of our threads shares that core, and a
//! part that thread has claimed waits for its next slice: milliseconds
//! during which the caller, done with its own parts, waits too. A 128³
//! product takes tens of microseconds, so one such wait costs more than a
//! hundred products gain from the second thread (measured before this
//! existed, with a `yes` pinned to one core of the 2-core development VM:
//! two threads at 0.33–0.37× of one thread at 128³, 0.5–0.96× up to 512³).
//!
//! The parts of one product are the same work per flop, so they should
//! run at about the same rate on any thread. [`Rates`] collects the
//! fastest and slowest rate of each threaded product, each part timed by
//! the thread that ran it from claim to finish (so a sleeping worker's late
//! wake-up does not count). A part that took twice the fastest rate and
//! also [`STALL_NS`] longer than it would have at that rate was preempted:
//! a strike. Two strikes within [`STRIKE_WINDOW_NS`] make [`alone`] true
//! for a period: products then run unsplit on the calling thread (the
//! split never changes a bit; unsplit, the operand the parts share is
//! packed once instead of once per part). Then the workers get parts
//! again, and it takes two strikes again to start the next period. The
//! first period lasts [`ALONE_MIN_NS`]; one that starts soon after the
//! last ended (the core is still busy) lasts twice as long as that one, up
//! to [`ALONE_MAX_NS`].
//!
//! One strike alone does nothing: a core is taken away now and then on an
//! otherwise idle machine too. On the 2-core Xeon VM of 2026-12-04, idle,
//! back-to-back two-thread products struck 130 times in 40 s, each
//! part losing 0.25–1.5 ms (median 0.65); a busy core (`yes` pinned
//! beside them) costs a scheduler slice, a median 4 ms. An earlier rule
//! let one strike within a second after a period alone start the next;
//! there the idle strikes chained into periods alone for 19–42 % of f32
//! 256³ products. Without it (same process, 1-s rounds alternating, 5
//! rounds), idle two-thread medians rose 2–17 % (f32 256³ 219 → 261
//! GFLOP/s, f64 256³ 103 → 121, f64 128³ 112 → 124, f32 128×784·784×1024
//! 274 → 280), and with `yes` pinned beside them they stayed at one
//! thread's speed, 0.7–1.8 % below the old rule (both 0.97–0.99× of one
//! thread).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// A part this much slower than it would have been at the product's
/// fastest rate (and also twice that time) was preempted: about a tenth of
/// a scheduler time slice, far more than any cache effect on one part.
const STALL_NS: f64 = 200_000.0;
/// Two strikes this close together mean a contended core.
const STRIKE_WINDOW_NS: u64 = 50_000_000;
/// How long the first period alone lasts. A core taken for a moment (a
/// neighbour's threads spinning down after their own work) then costs a
/// few products, not a fifth of a second of them.
const ALONE_MIN_NS: u64 = 25_000_000;
/// The longest period alone. Each period that starts within its own length
/// of the last one's end (the core is still busy) lasts twice as long as
/// that one, up to this; a core that stays busy then costs two stalls of a
/// time slice (a few milliseconds) per this period.
const ALONE_MAX_NS: u64 = 400_000_000;

/// Nanoseconds since the first call in this process, at least 1 (0 where
/// `std` has no clock: wasm32-unknown-unknown, where no thread starts
/// anyway, so no product ever has two threads' rates to compare).
pub(super) fn now_ns() -> u64 {
    if cfg!(all(target_family = "wasm", target_os = "unknown")) {
        return 0;
    }
    static START: OnceLock<Instant> = OnceLock::new();
    (START.get_or_init(Instant::now).elapsed().as_nanos() as u64).saturating_add(1)
}

/// `now_ns()` of the last strike not yet acted on (0: none).
static LAST_STRIKE: AtomicU64 = AtomicU64::new(0);
/// Products run alone while `now_ns()` is below this; `u64::MAX` while
/// the test hook [`run_alone_for_testing`] holds it.
static ALONE_UNTIL: AtomicU64 = AtomicU64::new(0);
/// The length of the last period alone (0: none yet).
static ALONE_LEN: AtomicU64 = AtomicU64::new(0);

/// Whether products should run unsplit on the caller now.
pub(super) fn alone() -> bool {
    let until = ALONE_UNTIL.load(Ordering::Relaxed);
    until != 0 && now_ns() < until
}

/// Test hook: while `on`, every product runs unsplit on the calling
/// thread, as after two strikes. Not part of the supported API.
pub fn run_alone_for_testing(on: bool) {
    ALONE_UNTIL.store(if on { u64::MAX } else { 0 }, Ordering::Relaxed);
    ALONE_LEN.store(0, Ordering::Relaxed);
    LAST_STRIKE.store(0, Ordering::Relaxed);
}

/// The part timings of one threaded product, gathered without a lock from
/// the threads that ran its parts.
pub(super) struct Rates {
    /// The smallest nanoseconds per flop, as `f32` bits.
    fastest: AtomicU64,
    /// The largest nanoseconds per flop as `f32` bits in the high half,
    /// that part's kiloflops in the low half: positive `f32` bits order as
    /// their values, so one `fetch_max` keeps a rate with its part's size.
    slowest: AtomicU64,
}

impl Rates {
    pub(super) fn new() -> Rates {
        Rates {
            fastest: AtomicU64::new(u64::MAX),
            slowest: AtomicU64::new(0),
        }
    }

    /// A part of `flops` flops took `ns` nanoseconds.
    pub(super) fn add(&self, ns: u64, flops: f64) {
        let rate = (ns as f64 / flops.max(1.0)) as f32;
        let bits = u64::from(rate.to_bits());
        self.fastest.fetch_min(bits, Ordering::Relaxed);
        let kflops = (flops / 1e3).min(f64::from(u32::MAX)) as u64;
        self.slowest
            .fetch_max(bits << 32 | kflops, Ordering::Relaxed);
    }

    /// Called once every part is done: counts a strike if the slowest part
    /// was preempted, and starts a period alone on the second.
    pub(super) fn finish(&self) {
        let fastest = self.fastest.load(Ordering::Relaxed);
        if fastest == u64::MAX {
            return;
        }
        let slowest = self.slowest.load(Ordering::Relaxed);
        let fastest = f64::from(f32::from_bits(fastest as u32));
        let slowest_rate = f64::from(f32::from_bits((slowest >> 32) as u32));
        let slowest_flops = (slowest & u64::from(u32::MAX)) as f64 * 1e3;
        if !preempted(fastest, slowest_rate, slowest_flops) {
            return;
        }
        let now = now_ns();
        let last = LAST_STRIKE.swap(now, Ordering::Relaxed);
        if strike(last, now) {
            let (until, len) = period(
                ALONE_UNTIL.load(Ordering::Relaxed),
                ALONE_LEN.load(Ordering::Relaxed),
                now,
            );
            ALONE_LEN.store(len, Ordering::Relaxed);
            ALONE_UNTIL.store(until, Ordering::Relaxed);
            LAST_STRIKE.store(0, Ordering::Relaxed);
        }
    }
}

/// Whether a part at `slowest` nanoseconds per flop, `flops` flops, was
/// preempted in a product whose fastest part ran at `fastest`.
fn preempted(fastest: f64, slowest: f64, flops: f64) -> bool {
    slowest > 2.0 * fastest && (slowest - fastest) * flops > STALL_NS
}

/// A strike at `now`, the previous one at `last` (0: none): whether a new
/// period alone starts.
fn strike(last: u64, now: u64) -> bool {
    last != 0 && now.saturating_sub(last) < STRIKE_WINDOW_NS
}

/// The end and length of a period alone starting at `now`, after one that
/// ended at `until` and lasted `len` (0: none yet): twice as long as that
/// one if it ended less than its own length ago, else the shortest.
fn period(until: u64, len: u64, now: u64) -> (u64, u64) {
    let again = len != 0 && until != u64::MAX && now < until.saturating_add(len);
    let len = if again {
        (2 * len).min(ALONE_MAX_NS)
    } else {
        ALONE_MIN_NS
    };
    (now.saturating_add(len), len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stall_is_slow_both_relatively_and_absolutely() {
        // 1 MFLOP parts at 0.01 ns/flop (10 µs): a part at 0.5 ns/flop lost
        // 490 µs, one at 0.15 only 140 µs.
        assert!(preempted(0.01, 0.5, 1e6));
        assert!(!preempted(0.01, 0.15, 1e6));
        // A part 1.9 times slower never counts, however long.
        assert!(!preempted(1.0, 1.9, 1e9));
        // Equal rates: no strike.
        assert!(!preempted(0.02, 0.02, 1e9));
    }

    #[test]
    fn two_strikes_close_together_start_a_period_alone() {
        let ms = 1_000_000;
        // A first strike (none before): nothing.
        assert!(!strike(0, 5000 * ms));
        // A second 10 ms later: a period alone.
        assert!(strike(5000 * ms, 5010 * ms));
        // A second 60 ms later: too far apart.
        assert!(!strike(5000 * ms, 5060 * ms));
        // After a period alone (the last strike was cleared): one strike
        // does nothing, however soon.
        assert!(!strike(0, 5211 * ms));
    }

    #[test]
    fn periods_alone_double_while_the_core_stays_busy() {
        let ms = 1_000_000;
        // The first period: the shortest.
        let (until, len) = period(0, 0, 1000 * ms);
        assert_eq!((until, len), (1025 * ms, 25 * ms));
        // Strikes again 10 ms after it ended: twice as long.
        let (until, len) = period(until, len, 1035 * ms);
        assert_eq!((until, len), (1085 * ms, 50 * ms));
        // ... doubling up to the longest.
        let (mut until, mut len) = (until, len);
        for _ in 0..10 {
            (until, len) = period(until, len, until + ms);
        }
        assert_eq!(len, ALONE_MAX_NS);
        // Quiet for longer than the last period: the shortest again.
        let (_, len) = period(until, len, until + ALONE_MAX_NS + ms);
        assert_eq!(len, ALONE_MIN_NS);
        // After the test hook: the shortest.
        assert_eq!(period(u64::MAX, 0, 5 * ms).1, ALONE_MIN_NS);
    }

    #[test]
    fn rates_keep_the_slowest_part_with_its_size() {
        let r = Rates::new();
        r.add(10_000, 1e6);
        r.add(500_000, 1e6);
        r.add(20_000, 4e6);
        let fastest = f32::from_bits(r.fastest.load(Ordering::Relaxed) as u32);
        let slowest = r.slowest.load(Ordering::Relaxed);
        assert_eq!(fastest, 0.005);
        assert_eq!(f32::from_bits((slowest >> 32) as u32), 0.5);
        assert_eq!(slowest & u64::from(u32::MAX), 1000);
    }
}
