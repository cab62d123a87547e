//! A team of threads running one product's loop nest together, sharing
//! its packed B̃ blocks.
//!
//! Split into parts (`threads.rs`), each thread packs all of the operand
//! the parts share: the whole op(A) when C is cut along `n`. A team
//! instead walks the loop nest once. Its work is a list of tasks in the
//! order a single thread would run them, claimed from one counter:
//!
//! ```text
//! step s = (jc, pc):  pack B̃ group 0 .. pack B̃ group G-1,  rows block 0 .. rows block R-1
//! ```
//!
//! A "pack" task packs some of the micro-panels of step `s`'s B̃ block into
//! the shared buffer `s % 2`; a "rows" task packs its own Ã (in its
//! thread's buffer) and runs loops 2 and 1 for `MC` rows of C against the
//! whole B̃ block. Waits keep the order a single thread has:
//! - rows block `ib` of step `s` waits until every pack task of step `s`
//!   is done, and until block `ib` of step `s - 1` is (C's blocks of depth
//!   are added in order, so the same bits as one thread);
//! - a pack task of step `s` waits until every rows task of step `s - 2`
//!   is done (it overwrites their buffer).
//!
//! Each task waits only for tasks claimed before it, and every claimed
//! task is running on some thread, so the team cannot deadlock, whichever
//! threads join and however late: the caller alone can run every task.
//! With two buffers a thread that finishes a step's rows early packs the
//! next step's B̃ while the other thread is still on its last block.

use crate::gemm::view::{CView, SharedC};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// Row blocks a team product may have (per step): `row_step` is a fixed
/// array so that a team allocates nothing.
pub(crate) const MAX_ROW_BLOCKS: usize = 64;

/// The shape of a team's work (the same for every member: each computes
/// it from the product).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Plan {
    /// Steps `(jc, pc)`, in loop-nest order.
    pub steps: usize,
    /// Pack tasks per step.
    pub packs: usize,
    /// Rows tasks per step (blocks of `MC` rows).
    pub blocks: usize,
    /// Elements of one shared B̃ buffer.
    pub b_len: usize,
}

/// What a claimed task is.
pub enum Task {
    /// Pack group `group` of step `step`'s B̃ block.
    Pack { step: usize, group: usize },
    /// Rows block `block` of step `step`.
    Rows { step: usize, block: usize },
}

/// The shared state of one team product. Lives on the calling thread's
/// stack for the duration of the product.
pub struct Team<'s, T> {
    c: SharedC<'s, T>,
    /// 0: no member yet; 1: the first member is publishing the buffers;
    /// 2: published.
    state: AtomicUsize,
    plan: Cell<Option<Plan>>,
    /// The first member's B̃ buffers: two of `plan.b_len` elements back to
    /// back.
    b: AtomicPtr<T>,
    /// Next task index to claim.
    next: AtomicUsize,
    /// Pack tasks done into each buffer (only grows).
    packed: [AtomicUsize; 2],
    /// Steps done, per block of rows.
    row_step: [AtomicUsize; MAX_ROW_BLOCKS],
    /// Tasks done.
    done: AtomicUsize,
    /// Set when a member panicked: waiters give up instead of spinning on.
    failed: AtomicBool,
    /// Whether a member took the whole product alone (see [`Team::solo`]).
    solo: AtomicBool,
}

// SAFETY: `plan` is written once by the member that moved `state` from 0
// to 1, before it stores 2 with Release; other members read it only after
// loading 2 with Acquire. Everything else is atomic, or `SharedC` (Sync).
unsafe impl<T: Send> Sync for Team<'_, T> {}

impl<'s, T: Copy> Team<'s, T> {
    pub fn new(c: SharedC<'s, T>) -> Self {
        Team {
            c,
            state: AtomicUsize::new(0),
            plan: Cell::new(None),
            b: AtomicPtr::new(std::ptr::null_mut()),
            next: AtomicUsize::new(0),
            packed: [AtomicUsize::new(0), AtomicUsize::new(0)],
            row_step: [const { AtomicUsize::new(0) }; MAX_ROW_BLOCKS],
            done: AtomicUsize::new(0),
            failed: AtomicBool::new(false),
            solo: AtomicBool::new(false),
        }
    }

    /// An empty view into C, for a member's `Problem` (members write C
    /// through [`Team::rows`] only).
    ///
    /// # Safety
    /// As [`SharedC::region`] (an empty region overlaps nothing).
    pub unsafe fn c_empty(&self) -> CView<'s, T> {
        // SAFETY: an empty region is disjoint from every region.
        unsafe { self.c.region(0, 0, 0, 0) }
    }

    /// The whole of C for the one member that asks first, when the product
    /// does not run as a team after all (every member sees the same
    /// product, so all ask); `None` for the others.
    pub fn solo(&self) -> Option<CView<'s, T>> {
        if self.solo.swap(true, Ordering::AcqRel) {
            return None;
        }
        // SAFETY: only the first caller gets here, and no task of the team
        // runs (every member took this way instead), so this is the only
        // view of C alive.
        Some(unsafe { self.c.region(0, 0, self.c.rows(), self.c.cols()) })
    }

    /// Joins the team. `buffer` is this member's B̃ buffer, at least
    /// `2 * plan.b_len` elements: the first member to join lends its own to
    /// the team (and must keep it alive and untouched until [`Team::finish`]
    /// returns).
    pub fn join(&self, plan: Plan, buffer: &mut [T]) -> Role {
        assert!(plan.blocks <= MAX_ROW_BLOCKS && buffer.len() >= 2 * plan.b_len);
        if self
            .state
            .compare_exchange(0, 1, Ordering::Acquire, Ordering::Acquire)
            .is_ok()
        {
            self.plan.set(Some(plan));
            self.b.store(buffer.as_mut_ptr(), Ordering::Relaxed);
            self.state.store(2, Ordering::Release);
            return Role::Lender;
        }
        while self.state.load(Ordering::Acquire) != 2 {
            std::hint::spin_loop();
        }
        // Every member computes the plan from the same product and kernel.
        assert_eq!(
            self.plan.get(),
            Some(plan),
            "team members disagree on the plan"
        );
        Role::Borrower
    }

    fn plan(&self) -> Plan {
        self.plan.get().expect("claim after join")
    }

    /// The next task, or `None` when all are claimed.
    pub fn claim(&self) -> Option<Task> {
        let plan = self.plan();
        let per_step = plan.packs + plan.blocks;
        let t = self.next.fetch_add(1, Ordering::Relaxed);
        if t >= plan.steps * per_step || self.failed.load(Ordering::Relaxed) {
            return None;
        }
        let (step, r) = (t / per_step, t % per_step);
        Some(if r < plan.packs {
            Task::Pack { step, group: r }
        } else {
            Task::Rows {
                step,
                block: r - plan.packs,
            }
        })
    }

    /// Spins until `ready()`; `false` if a member failed meanwhile.
    fn wait(&self, ready: impl Fn() -> bool) -> bool {
        let mut spins = 0u32;
        while !ready() {
            if self.failed.load(Ordering::Relaxed) {
                return false;
            }
            spins += 1;
            if spins < 1 << 12 {
                std::hint::spin_loop();
            } else {
                // The other member was preempted: let it run.
                std::thread::yield_now();
            }
        }
        true
    }

    /// For pack task `group` of `step`: waits until the rows tasks of
    /// `step - 2` are done, then returns elements `range` of buffer
    /// `step % 2` for this task to fill. `None` if a member failed.
    // Each pack task gets its own range of the buffer, so the `&mut` slices
    // handed out through `&self` never overlap (see the SAFETY comment).
    #[allow(clippy::mut_from_ref)]
    pub fn b_to_pack(&self, step: usize, range: std::ops::Range<usize>) -> Option<&mut [T]> {
        let plan = self.plan();
        assert!(range.start <= range.end && range.end <= plan.b_len);
        if step >= 2
            && !self.wait(|| {
                self.row_step[..plan.blocks]
                    .iter()
                    .all(|s| s.load(Ordering::Acquire) >= step - 1)
            })
        {
            return None;
        }
        let base = self.b.load(Ordering::Relaxed);
        // SAFETY: the buffer holds 2·b_len elements (checked in `join`)
        // and the lender keeps it alive until every task is done
        // (`finish`). Pack tasks of one step write disjoint ranges (their
        // groups' micro-panels); no rows task reads buffer `step % 2` now:
        // those of `step - 2` are done (waited above, Acquire pairs with
        // their Release), and those of `step` wait for this task's
        // `packed_done`.
        unsafe {
            let start = base.add((step % 2) * plan.b_len + range.start);
            Some(std::slice::from_raw_parts_mut(start, range.len()))
        }
    }

    /// Pack task of `step` done.
    pub fn packed_done(&self, step: usize) {
        self.packed[step % 2].fetch_add(1, Ordering::Release);
        self.done.fetch_add(1, Ordering::Release);
    }

    /// For rows task `block` of `step`: waits until step `step`'s B̃ is
    /// packed and block `block` of the step before is done; returns B̃ and
    /// the block's region of C (`i0, j0, rows, cols`). `None` if a member
    /// failed.
    pub fn rows(
        &self,
        step: usize,
        block: usize,
        (i0, j0, rows, cols): (usize, usize, usize, usize),
    ) -> Option<(&[T], CView<'s, T>)> {
        let plan = self.plan();
        // Buffer `step % 2` has been filled for steps step % 2, +2, …, step.
        let fills = step / 2 + 1;
        let packed = &self.packed[step % 2];
        let row = &self.row_step[block];
        if !self.wait(|| {
            packed.load(Ordering::Acquire) >= fills * plan.packs
                && row.load(Ordering::Acquire) == step
        }) {
            return None;
        }
        let base = self.b.load(Ordering::Relaxed);
        // SAFETY: buffer `step % 2` is fully packed for this step (Acquire
        // above pairs with the packers' Release) and no pack task writes it
        // until every rows task of this step is done (`b_to_pack`). The
        // region of C is this block's rows; the only other task that writes
        // them is the same block of another step, and those run one after
        // another (`row_step`).
        unsafe {
            let b = std::slice::from_raw_parts(base.add((step % 2) * plan.b_len), plan.b_len);
            Some((b, self.c.region(i0, j0, rows, cols)))
        }
    }

    /// Rows task `block` of `step` done.
    pub fn rows_done(&self, step: usize, block: usize) {
        self.row_step[block].store(step + 1, Ordering::Release);
        self.done.fetch_add(1, Ordering::Release);
    }

    /// Marks the team failed (a member panicked): the others stop waiting.
    pub fn fail(&self) {
        self.failed.store(true, Ordering::Relaxed);
    }

    /// For the lender: waits until every task is done, so the buffers it
    /// lent are no longer read. If a member failed it returns at once; the
    /// buffers stay untouched anyway until the pool's `run` returns, which
    /// waits for every member (no thread starts another product before).
    pub fn finish(&self) {
        let plan = self.plan();
        let total = plan.steps * (plan.packs + plan.blocks);
        self.wait(|| self.done.load(Ordering::Acquire) >= total);
    }
}

/// How a member joined: [`Role::Lender`]s lent the buffers and must call
/// [`Team::finish`] before touching them again.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Lender,
    Borrower,
}

/// Marks the team failed if dropped during a panic (a member's task
/// panicked), so that the other members stop waiting for it.
pub struct FailOnPanic<'t, 's, T: Copy>(pub &'t Team<'s, T>);

impl<T: Copy> Drop for FailOnPanic<'_, '_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.fail();
        }
    }
}
