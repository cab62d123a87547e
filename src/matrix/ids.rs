//! [`Ids`]: integer inputs (word ids, character ids) with a shape, and
//! [`IdsView`], a borrowed block of their rows.
//!
//! Word ids are not stored as floats in a [`Matrix`](super::Matrix): they
//! index rows of an embedding, and a float would invite arithmetic on them.
//! The shape rules are the matrix's: row-major, `rows x cols`, a mini-batch
//! is a view of consecutive rows.

use crate::error::{Error, Result};
use std::ops::{Index, Range};

/// The read-only methods of [`Ids`] and [`IdsView`], one body for both
/// (`$lt` is the lifetime of what they lend).
macro_rules! ids_read_methods {
    ($lt:lifetime) => {
        /// Number of rows (samples).
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// assert_eq!(Ids::from_rows([[1, 2], [3, 4]]).rows(), 2);
        /// ```
        pub fn rows(&self) -> usize {
            self.rows
        }

        /// Number of columns (ids per sample).
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// assert_eq!(Ids::from_rows([[1, 2, 3]]).view().cols(), 3);
        /// ```
        pub fn cols(&self) -> usize {
            self.cols
        }

        /// `(rows, cols)`.
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// assert_eq!(Ids::column_vector(vec![1, 2]).shape(), (2, 1));
        /// ```
        pub fn shape(&self) -> (usize, usize) {
            (self.rows, self.cols)
        }

        /// True when there are no ids.
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// assert!(Ids::default().is_empty());
        /// ```
        pub fn is_empty(&self) -> bool {
            self.data.is_empty()
        }

        /// The ids in row-major order.
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// assert_eq!(Ids::from_rows([[1, 2], [3, 4]]).rows_view(1..2).as_slice(), &[3, 4]);
        /// ```
        pub fn as_slice(&self) -> &$lt [usize] {
            &self.data[..]
        }

        /// Row `i`. Panics if `i >= rows`.
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// assert_eq!(Ids::from_rows([[1, 2], [3, 4]]).row(1), &[3, 4]);
        /// ```
        pub fn row(&self, i: usize) -> &$lt [usize] {
            assert!(i < self.rows, "row {i} out of range for {} rows", self.rows);
            &self.data[i * self.cols..(i + 1) * self.cols]
        }

        /// Column `j`, top to bottom (numpy's `x[:, j]`). Panics if
        /// `j >= cols`.
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// let ids = Ids::from_rows([[1, 2], [3, 4]]);
        /// assert_eq!(ids.column(1).collect::<Vec<_>>(), [2, 4]);
        /// ```
        pub fn column(&self, j: usize) -> impl ExactSizeIterator<Item = usize> + $lt {
            assert!(j < self.cols, "column {j} out of range for {} columns", self.cols);
            let data: &$lt [usize] = &self.data[..];
            data.iter().skip(j).step_by(self.cols).copied()
        }

        /// Rows `range` as a view (a mini-batch). Panics if out of bounds.
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// let ids = Ids::from_rows([[1], [2], [3]]);
        /// assert_eq!(ids.rows_view(0..2).as_slice(), &[1, 2]);
        /// ```
        pub fn rows_view(&self, range: Range<usize>) -> IdsView<$lt> {
            assert!(
                range.start <= range.end && range.end <= self.rows,
                "rows {}..{} out of range for {} rows",
                range.start,
                range.end,
                self.rows
            );
            IdsView {
                rows: range.end - range.start,
                cols: self.cols,
                data: &self.data[range.start * self.cols..range.end * self.cols],
            }
        }

        /// The largest id (`None` when empty): a vocabulary needs at least
        /// `max + 1` words.
        ///
        /// ```
        /// use groundup::matrix::Ids;
        /// assert_eq!(Ids::from_rows([[4, 9], [0, 2]]).max(), Some(9));
        /// ```
        pub fn max(&self) -> Option<usize> {
            self.data.iter().copied().max()
        }
    };
}

/// A row-major `rows x cols` array of ids: the book's integer `contexts`
/// (`N x 2·window`) or `xs` (`N x T`) arrays.
///
/// ```
/// use groundup::matrix::Ids;
/// // contexts of "you say goodbye and": window 1
/// let contexts = Ids::from_rows([[0, 2], [1, 3]]);
/// assert_eq!(contexts.shape(), (2, 2));
/// assert_eq!(contexts.column(1).collect::<Vec<_>>(), [2, 3]);
/// assert_eq!(contexts[(1, 0)], 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ids {
    rows: usize,
    cols: usize,
    data: Vec<usize>,
}

/// A borrowed block of consecutive rows of [`Ids`] (a mini-batch).
///
/// ```
/// use groundup::matrix::Ids;
/// let ids = Ids::from_rows([[1, 2], [3, 4], [5, 6]]);
/// let batch = ids.rows_view(1..3);
/// assert_eq!(batch.shape(), (2, 2));
/// assert_eq!(batch.row(1), &[5, 6]);
/// assert_eq!(batch.column(0).collect::<Vec<_>>(), [3, 5]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdsView<'a> {
    rows: usize,
    cols: usize,
    data: &'a [usize],
}

impl Ids {
    /// Takes a row-major buffer of `rows * cols` ids.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `data.len() != rows * cols`.
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// assert_eq!(Ids::from_vec(2, 1, vec![4, 5])?.column(0).sum::<usize>(), 9);
    /// assert!(Ids::from_vec(2, 2, vec![4, 5]).is_err());
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn from_vec(rows: usize, cols: usize, data: Vec<usize>) -> Result<Ids> {
        match rows.checked_mul(cols) {
            Some(n) if n == data.len() => Ok(Ids { rows, cols, data }),
            expected => Err(Error::LengthMismatch {
                rows,
                cols,
                expected,
                got: data.len(),
            }),
        }
    }

    /// Ids from rows written out as arrays.
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// let ids = Ids::from_rows([[0usize, 1, 2]]);
    /// assert_eq!(ids.as_slice(), &[0, 1, 2]);
    /// ```
    pub fn from_rows<const C: usize>(rows: impl AsRef<[[usize; C]]>) -> Ids {
        let rows = rows.as_ref();
        Ids {
            rows: rows.len(),
            cols: C,
            data: rows.iter().flatten().copied().collect(),
        }
    }

    /// A single column of ids (`n x 1`): a target vector.
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// assert_eq!(Ids::column_vector(vec![3, 1]).shape(), (2, 1));
    /// ```
    pub fn column_vector(data: Vec<usize>) -> Ids {
        Ids {
            rows: data.len(),
            cols: 1,
            data,
        }
    }

    /// The whole array as a view.
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// let ids = Ids::from_rows([[1, 2], [3, 4]]);
    /// assert_eq!(ids.view().max(), Some(4));
    /// ```
    pub fn view(&self) -> IdsView<'_> {
        IdsView {
            rows: self.rows,
            cols: self.cols,
            data: &self.data,
        }
    }

    /// The row-major buffer, mutable (the shape stays).
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// let mut ids = Ids::from_rows([[1, 2], [3, 4]]);
    /// ids.as_mut_slice()[3] = 9;
    /// assert_eq!(ids.row(1), &[3, 9]);
    /// ```
    pub fn as_mut_slice(&mut self) -> &mut [usize] {
        &mut self.data
    }

    /// Gives back the row-major buffer.
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// assert_eq!(Ids::from_rows([[1, 2], [3, 4]]).into_vec(), [1, 2, 3, 4]);
    /// ```
    pub fn into_vec(self) -> Vec<usize> {
        self.data
    }

    /// Rows `indices` in that order into `out` (resized; no allocation once
    /// its capacity suffices): numpy's `out = x[idx]`. Panics if an index
    /// is out of range.
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// let ids = Ids::from_rows([[1, 2], [3, 4], [5, 6]]);
    /// let mut out = Ids::default();
    /// ids.gather_rows_into(&[2, 0], &mut out);
    /// assert_eq!(out, Ids::from_rows([[5, 6], [1, 2]]));
    /// ```
    pub fn gather_rows_into(&self, indices: &[usize], out: &mut Ids) {
        out.rows = indices.len();
        out.cols = self.cols;
        out.data.clear();
        for &i in indices {
            out.data.extend_from_slice(self.row(i));
        }
    }

    /// Copies `src` into `self`, reusing the allocation.
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// let mut a = Ids::default();
    /// a.assign(Ids::from_rows([[7, 8]]).view());
    /// assert_eq!(a.row(0), &[7, 8]);
    /// ```
    pub fn assign(&mut self, src: IdsView<'_>) {
        self.rows = src.rows;
        self.cols = src.cols;
        self.data.clear();
        self.data.extend_from_slice(src.data);
    }

    /// Columns `range` of `src` into `self` (numpy's `x[:, a:b]`), reusing
    /// the allocation. Panics if the range is outside `src`'s columns.
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// let ts = Ids::from_rows([[6, 1, 2], [6, 3, 4]]);
    /// let mut inputs = Ids::default();
    /// inputs.assign_columns(ts.view(), 0..2); // ts[:, :-1]
    /// assert_eq!(inputs, Ids::from_rows([[6, 1], [6, 3]]));
    /// ```
    pub fn assign_columns(&mut self, src: IdsView<'_>, range: Range<usize>) {
        assert!(
            range.start <= range.end && range.end <= src.cols,
            "Ids::assign_columns: columns {range:?} of ids with {} columns",
            src.cols
        );
        self.rows = src.rows;
        self.cols = range.len();
        self.data.clear();
        for i in 0..src.rows {
            self.data.extend_from_slice(&src.row(i)[range.clone()]);
        }
    }

    ids_read_methods!('_);
}

impl<'a> IdsView<'a> {
    /// Wraps a row-major slice of `rows * cols` ids.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `data.len() != rows * cols`.
    ///
    /// ```
    /// use groundup::matrix::IdsView;
    /// let target = [3, 1, 4];
    /// assert_eq!(IdsView::new(3, 1, &target)?.column(0).count(), 3);
    /// # Ok::<(), groundup::Error>(())
    /// ```
    pub fn new(rows: usize, cols: usize, data: &'a [usize]) -> Result<IdsView<'a>> {
        match rows.checked_mul(cols) {
            Some(n) if n == data.len() => Ok(IdsView { rows, cols, data }),
            expected => Err(Error::LengthMismatch {
                rows,
                cols,
                expected,
                got: data.len(),
            }),
        }
    }

    /// Copies the view into owned [`Ids`].
    ///
    /// ```
    /// use groundup::matrix::Ids;
    /// let ids = Ids::from_rows([[1], [2], [3]]);
    /// assert_eq!(ids.rows_view(1..3).to_ids(), Ids::from_rows([[2], [3]]));
    /// ```
    pub fn to_ids(&self) -> Ids {
        Ids {
            rows: self.rows,
            cols: self.cols,
            data: self.data.to_vec(),
        }
    }

    ids_read_methods!('a);
}

impl<'a> From<&'a Ids> for IdsView<'a> {
    fn from(ids: &'a Ids) -> IdsView<'a> {
        ids.view()
    }
}

impl Index<(usize, usize)> for Ids {
    type Output = usize;
    fn index(&self, (i, j): (usize, usize)) -> &usize {
        assert!(
            i < self.rows && j < self.cols,
            "index ({i}, {j}) out of range for shape ({}, {})",
            self.rows,
            self.cols
        );
        &self.data[i * self.cols + j]
    }
}
