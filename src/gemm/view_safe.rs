//! [`CView`] of the safe build (no `simd` feature): the mutable, strided
//! view of C that the loop nest and the portable kernel write through, made
//! of an ordinary `&mut [T]` and a leading dimension.
//!
//! Element `(i, j)` of the view is `data[i*ldc + j]`. A sub-view reborrows
//! the tail of the slice that starts at its first element (the elements to
//! the right of its columns stay inside that tail but are never written:
//! every access goes through [`CView::row_mut`], which yields only the
//! view's `cols` elements of a row). Threads get disjoint *row* blocks of C
//! ([`CView::split_rows`], a `split_at_mut`); column blocks, interleaved in
//! memory, cannot be expressed with `&mut [T]`, so the safe build never
//! splits C by columns (see `threads/scoped.rs`). The interface is the one
//! of `view.rs` without the raw pointer and the shared form.

/// Exclusive access to elements `(i, j)`, `i < rows`, `j < cols`, at
/// `data[i*ldc + j]`.
pub struct CView<'c, T> {
    data: &'c mut [T],
    rows: usize,
    cols: usize,
    ldc: usize,
}

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
            data: slice,
            rows,
            cols,
            ldc,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }
    pub fn cols(&self) -> usize {
        self.cols
    }
    /// Distance between consecutive rows.
    #[allow(dead_code)] // used by the SIMD kernels of the default build
    pub fn ldc(&self) -> usize {
        self.ldc
    }

    /// Row `i` of the region (length `cols`).
    #[inline(always)]
    pub fn row_mut(&mut self, i: usize) -> &mut [T] {
        assert!(i < self.rows);
        if self.cols == 0 {
            return &mut [];
        }
        let start = i * self.ldc;
        &mut self.data[start..start + self.cols]
    }

    /// A reborrowed sub-region `rows x cols` starting at `(i0, j0)`.
    #[inline(always)]
    pub fn sub(&mut self, i0: usize, j0: usize, rows: usize, cols: usize) -> CView<'_, T> {
        assert!(i0 + rows <= self.rows && j0 + cols <= self.cols);
        let start = if rows == 0 || cols == 0 {
            0
        } else {
            i0 * self.ldc + j0
        };
        CView {
            data: &mut self.data[start..],
            rows,
            cols,
            ldc: self.ldc,
        }
    }

    /// Splits into rows `[0, at)` and `[at, rows)`: disjoint regions, the
    /// two halves of one `split_at_mut`.
    pub fn split_rows(self, at: usize) -> (CView<'c, T>, CView<'c, T>) {
        assert!(at <= self.rows);
        // Row `at` starts at `at*ldc`, inside the slice when `at < rows` and
        // the view is not empty; otherwise the lower part is empty.
        let cut = if at == self.rows || self.cols == 0 {
            self.data.len()
        } else {
            at * self.ldc
        };
        let (top, bottom) = self.data.split_at_mut(cut);
        (
            CView {
                data: top,
                rows: at,
                cols: self.cols,
                ldc: self.ldc,
            },
            CView {
                data: bottom,
                rows: self.rows - at,
                cols: self.cols,
                ldc: self.ldc,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::CView;

    #[test]
    fn rows_subs_and_splits_address_the_right_elements() {
        // 4 x 3 inside a 4 x 5 parent (ldc 5), written through sub-views
        // and a row split; the parent's last two columns stay untouched.
        let mut data = vec![0i32; 4 * 5];
        let mut c = CView::new(&mut data, 4, 3, 5);
        let mut s = c.sub(1, 1, 2, 2);
        s.row_mut(0).copy_from_slice(&[1, 2]);
        s.row_mut(1).copy_from_slice(&[3, 4]);
        let (mut top, mut bottom) = c.split_rows(3);
        assert_eq!((top.rows(), bottom.rows()), (3, 1));
        top.row_mut(0)[0] = 7;
        bottom.row_mut(0).copy_from_slice(&[8, 9, 10]);
        let (_, empty) = bottom.split_rows(1);
        assert_eq!(empty.rows(), 0);
        #[rustfmt::skip]
        assert_eq!(data, [
            7, 0, 0, 0, 0,
            0, 1, 2, 0, 0,
            0, 3, 4, 0, 0,
            8, 9, 10, 0, 0,
        ]);
    }
}
