//! [`CView`]: the mutable, strided view of C that the loop nest, the
//! microkernels and the threads write through.
//!
//! Threads split C into column or row blocks that are disjoint but, for
//! column blocks, interleaved in memory, which `&mut [T]` cannot express. A
//! `CView` owns the exclusive right to its `rows x cols` region of a parent
//! slice; splitting hands out disjoint regions, and [`CView::row_mut`] turns
//! one row of the region back into an ordinary `&mut [T]`.

use std::marker::PhantomData;

/// Exclusive access to elements `(i, j)`, `i < rows`, `j < cols`, at
/// `ptr + i*ldc + j` of a slice borrowed for `'c`.
pub struct CView<'c, T> {
    ptr: *mut T,
    rows: usize,
    cols: usize,
    ldc: usize,
    _borrow: PhantomData<&'c mut [T]>,
}

// SAFETY: a CView is an exclusive borrow of a region of a `&mut [T]`, and
// distinct CViews never overlap (see `split_cols`/`split_rows`), so sending
// one to another thread is as safe as sending a `&mut [T]`.
unsafe impl<T: Send> Send for CView<'_, T> {}

impl<'c, T> CView<'c, T> {
    /// Borrows `slice` as a `rows x cols` matrix with row stride `ldc`.
    /// Panics if the slice is too short (callers have checked already).
    pub fn new(slice: &'c mut [T], rows: usize, cols: usize, ldc: usize) -> Self {
        if rows > 0 && cols > 0 {
            assert!(cols <= ldc || rows == 1, "CView: cols {cols} > ldc {ldc}");
            assert!(
                (rows - 1) * ldc + cols <= slice.len(),
                "CView: slice too short"
            );
        }
        CView {
            ptr: slice.as_mut_ptr(),
            rows,
            cols,
            ldc,
            _borrow: PhantomData,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }
    pub fn cols(&self) -> usize {
        self.cols
    }
    /// Distance between consecutive rows.
    pub fn ldc(&self) -> usize {
        self.ldc
    }
    /// Element `(0, 0)` of the region; writing through it is allowed for
    /// `(i, j)` with `i < rows`, `j < cols` at `ptr + i*ldc + j`, while this
    /// view is mutably borrowed.
    #[inline(always)]
    pub fn as_mut_ptr(&mut self) -> *mut T {
        self.ptr
    }

    /// Row `i` of the region (length `cols`).
    #[inline(always)]
    pub fn row_mut(&mut self, i: usize) -> &mut [T] {
        assert!(i < self.rows);
        // SAFETY: `i < rows`, so the row starts inside the parent slice and its
        // `cols` elements end at or before `(rows-1)*ldc + cols <= len` (checked
        // in `new`, preserved by every split). The region is exclusively ours
        // (the view is borrowed mutably for the returned lifetime) and rows of
        // one view never overlap because `cols <= ldc`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(i * self.ldc), self.cols) }
    }

    /// A reborrowed sub-region `rows x cols` starting at `(i0, j0)`.
    #[inline(always)]
    pub fn sub(&mut self, i0: usize, j0: usize, rows: usize, cols: usize) -> CView<'_, T> {
        assert!(i0 + rows <= self.rows && j0 + cols <= self.cols);
        CView {
            // SAFETY: (i0, j0) lies inside the region when rows, cols > 0; for an
            // empty sub-view the offset is at most one past a row end, still
            // inside (or one past) the parent allocation.
            ptr: if rows == 0 || cols == 0 {
                self.ptr
            } else {
                unsafe { self.ptr.add(i0 * self.ldc + j0) }
            },
            rows,
            cols,
            ldc: self.ldc,
            _borrow: PhantomData,
        }
    }

    /// Splits into columns `[0, at)` and `[at, cols)`: disjoint regions.
    pub fn split_cols(self, at: usize) -> (CView<'c, T>, CView<'c, T>) {
        assert!(at <= self.cols);
        let right_ptr = if at == self.cols || self.rows == 0 {
            self.ptr
        } else {
            // SAFETY: at < cols, so ptr + at is inside the first row of the region.
            unsafe { self.ptr.add(at) }
        };
        (
            CView {
                ptr: self.ptr,
                rows: self.rows,
                cols: at,
                ldc: self.ldc,
                _borrow: PhantomData,
            },
            CView {
                ptr: right_ptr,
                rows: self.rows,
                cols: self.cols - at,
                ldc: self.ldc,
                _borrow: PhantomData,
            },
        )
    }

    /// Splits into rows `[0, at)` and `[at, rows)`: disjoint regions.
    pub fn split_rows(self, at: usize) -> (CView<'c, T>, CView<'c, T>) {
        assert!(at <= self.rows);
        let below_ptr = if at == self.rows || self.cols == 0 {
            self.ptr
        } else {
            // SAFETY: at < rows, so row `at` starts inside the region.
            unsafe { self.ptr.add(at * self.ldc) }
        };
        (
            CView {
                ptr: self.ptr,
                rows: at,
                cols: self.cols,
                ldc: self.ldc,
                _borrow: PhantomData,
            },
            CView {
                ptr: below_ptr,
                rows: self.rows - at,
                cols: self.cols,
                ldc: self.ldc,
                _borrow: PhantomData,
            },
        )
    }
}

/// A [`CView`] lent to several threads at once, each of which takes a
/// disjoint region of it ([`SharedC::region`]).
pub struct SharedC<'s, T> {
    ptr: *mut T,
    rows: usize,
    cols: usize,
    ldc: usize,
    _borrow: PhantomData<&'s mut [T]>,
}

// SAFETY: sharing a `SharedC` lets other threads create views of regions of
// C through `region`, whose contract makes those regions disjoint; that is
// sending disjoint `&mut` parts of a slice to other threads, sound for
// `T: Send`.
unsafe impl<T: Send> Sync for SharedC<'_, T> {}

impl<T> CView<'_, T> {
    /// Lends the whole region out for [`SharedC::region`] while borrowed.
    pub fn share(&mut self) -> SharedC<'_, T> {
        SharedC {
            ptr: self.ptr,
            rows: self.rows,
            cols: self.cols,
            ldc: self.ldc,
            _borrow: PhantomData,
        }
    }
}

impl<'s, T> SharedC<'s, T> {
    pub fn rows(&self) -> usize {
        self.rows
    }
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The sub-region `rows x cols` at `(i0, j0)` as an exclusive view.
    /// Panics if it does not lie inside the shared region.
    ///
    /// # Safety
    /// Regions obtained from one `SharedC` and alive at the same time must
    /// be disjoint.
    pub unsafe fn region(&self, i0: usize, j0: usize, rows: usize, cols: usize) -> CView<'s, T> {
        assert!(i0 + rows <= self.rows && j0 + cols <= self.cols);
        CView {
            ptr: if rows == 0 || cols == 0 {
                self.ptr
            } else {
                // SAFETY: (i0, j0) lies inside the region (asserted above),
                // so the offset stays inside the parent slice.
                unsafe { self.ptr.add(i0 * self.ldc + j0) }
            },
            rows,
            cols,
            ldc: self.ldc,
            _borrow: PhantomData,
        }
    }
}
