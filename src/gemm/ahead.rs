//! What the loop nest packs next, so a sweep can prefetch it.
//!
//! With one block of rows (m ≤ MC), each B̃ micro-panel is packed just
//! before the one sweep that uses it (loop 2), into a buffer that stays in
//! L1. Its source is often megabytes the product has not touched yet (a
//! layer's weights, in L3), and copying straight from L3 made the FMA units
//! wait: 11 % of a 128×784·784×1024 product on one thread. A sweep is
//! FMA-bound and leaves the memory system idle, so the loop nest names the
//! next micro-panel's source ([`Ahead`]) and the kernel prefetches its
//! cache lines into L2, a few at a time between its FMAs; the next copy
//! then reads from L2.
//!
//! A prefetch is a hint: it loads nothing into a register and cannot
//! fault, so the lines are only named by address ([`Lines`]), never
//! dereferenced, and no bit of any result depends on them.

// Only the AVX-512 kernel prefetches (`MicroKernel::PREFETCHES`); other
// builds carry the (empty) hints through the loop nest unread.
#![cfg_attr(
    not(all(target_arch = "x86_64", feature = "simd", groundup_avx512)),
    allow(dead_code)
)]

use super::loops::Operand;

/// Bytes in a cache line.
const LINE: usize = 64;

/// A region of memory: `runs` runs of `len` contiguous elements of type
/// `T`, `stride` elements apart, the first at `start`.
#[derive(Clone, Copy)]
pub(crate) struct Ahead<T> {
    start: *const T,
    runs: usize,
    len: usize,
    stride: usize,
}

impl<T> Ahead<T> {
    /// Nothing to prefetch.
    pub const NONE: Ahead<T> = Ahead {
        start: std::ptr::null(),
        runs: 0,
        len: 0,
        stride: 0,
    };

    /// The `rows x cols` block of `op` at its origin, when `op` is
    /// contiguous along rows or columns (the layouts the public API makes);
    /// otherwise nothing.
    pub fn block(op: Operand<'_, T>, rows: usize, cols: usize) -> Ahead<T> {
        let (runs, len, stride) = if op.cs == 1 {
            (rows, cols, op.rs)
        } else if op.rs == 1 {
            (cols, rows, op.cs)
        } else {
            return Ahead::NONE;
        };
        if op.data.is_empty() || runs == 0 || len == 0 {
            return Ahead::NONE;
        }
        Ahead {
            start: op.data.as_ptr(),
            runs,
            len,
            stride,
        }
    }

    /// The region's cache lines, run by run, in address order within each.
    pub fn lines(&self) -> Lines {
        let bytes = std::mem::size_of::<T>();
        if self.runs == 0 || self.len == 0 {
            return Lines::EMPTY;
        }
        // Enough lines for a run at any alignment (at most one more than
        // it needs: a harmless extra hint).
        let per_run = (self.len * bytes + 2 * (LINE - 1)) / LINE;
        Lines {
            run: self.start.cast::<u8>(),
            at: 0,
            per_run,
            run_bytes: self.stride * bytes,
            left: self.runs * per_run,
        }
    }
}

/// A cursor over cache-line addresses (see [`Ahead::lines`]).
pub(crate) struct Lines {
    /// Where the current run begins (not line-aligned in general).
    run: *const u8,
    /// The next line's index in its run.
    at: usize,
    per_run: usize,
    run_bytes: usize,
    left: usize,
}

impl Lines {
    /// No lines.
    pub const EMPTY: Lines = Lines {
        run: std::ptr::null(),
        at: 0,
        per_run: 1,
        run_bytes: 0,
        left: 0,
    };

    /// Lines not yet handed out.
    #[inline(always)]
    pub fn left(&self) -> usize {
        self.left
    }

    /// The next line's address (only an address: the caller prefetches it
    /// and never reads through it). Call only while [`left`](Lines::left)
    /// is non-zero.
    #[inline(always)]
    pub fn next_addr(&mut self) -> *const u8 {
        let lead = self.run as usize % LINE;
        let addr = self.run.wrapping_sub(lead).wrapping_add(self.at * LINE);
        self.left -= 1;
        self.at += 1;
        if self.at == self.per_run {
            self.at = 0;
            self.run = self.run.wrapping_add(self.run_bytes);
        }
        addr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs<T>(a: &Ahead<T>) -> Vec<usize> {
        let mut l = a.lines();
        let mut v = Vec::new();
        while l.left() > 0 {
            v.push(l.next_addr() as usize);
        }
        v
    }

    #[test]
    fn lines_cover_every_element_of_the_block() {
        let data = vec![0f32; 64 * 40];
        let base = data.as_ptr() as usize;
        // (offset, rs, cs, rows, cols): row-major blocks with rows that
        // start at every alignment, and a column-major one.
        for (off, rs, cs, rows, cols) in [(0, 40, 1, 7, 33), (3, 40, 1, 5, 17), (5, 1, 64, 19, 9)] {
            let op = Operand {
                data: &data[off..],
                rs,
                cs,
            };
            let all = addrs(&Ahead::block(op, rows, cols));
            // Every element of the block lies on one of the lines.
            for i in 0..rows {
                for j in 0..cols {
                    let at = base + 4 * (off + i * rs + j * cs);
                    assert!(all.contains(&(at / LINE * LINE)), "({i}, {j}) not covered");
                }
            }
            // Each run's lines start at its first element's line and go at
            // most one line past its last element's.
            let (runs, len, stride) = if cs == 1 {
                (rows, cols, rs)
            } else {
                (cols, rows, cs)
            };
            for (r, lines) in all.chunks_exact(all.len() / runs).enumerate() {
                let first = base + 4 * (off + r * stride);
                let last = first + 4 * (len - 1);
                assert_eq!(lines[0], first / LINE * LINE, "run {r}");
                assert!(
                    lines[lines.len() - 1] <= last / LINE * LINE + LINE,
                    "run {r}"
                );
            }
        }
        let general = Operand {
            data: &data[..],
            rs: 2,
            cs: 3,
        };
        assert_eq!(addrs(&Ahead::block(general, 4, 4)), Vec::<usize>::new());
        assert_eq!(addrs(&Ahead::<f32>::NONE), Vec::<usize>::new());
    }
}
