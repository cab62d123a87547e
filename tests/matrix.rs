//! Matrix helpers against hand-computed (and numpy-computed) values.

use groundup::matrix::pairwise_sum;
use groundup::{Error, Matrix};

fn m(rows: usize, cols: usize, v: &[f64]) -> Matrix<f64> {
    Matrix::from_vec(rows, cols, v.to_vec()).unwrap()
}

#[test]
fn from_vec_rejects_wrong_length_naming_both_numbers() {
    match Matrix::<f32>::from_vec(3, 4, vec![0.0; 11]) {
        Err(Error::LengthMismatch {
            rows: 3,
            cols: 4,
            expected: Some(12),
            got: 11,
        }) => {}
        other => panic!("unexpected {other:?}"),
    }
    let msg = Matrix::<f64>::from_vec(3, 4, vec![0.0; 11])
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("11") && msg.contains("12") && msg.contains("(3, 4)"),
        "{msg}"
    );
    assert!(matches!(
        Matrix::<f64>::from_vec(usize::MAX, 2, vec![]),
        Err(Error::LengthMismatch { expected: None, .. })
    ));
}

#[test]
fn constructors_and_accessors() {
    let a = Matrix::from_fn(2, 3, |i, j| (10 * i + j) as f32);
    assert_eq!(a.shape(), (2, 3));
    assert_eq!(a.row(1), &[10.0, 11.0, 12.0]);
    assert_eq!(a[(1, 2)], 12.0);
    assert_eq!(Matrix::<f64>::filled(2, 2, 7.0).as_slice(), &[7.0; 4]);
    assert_eq!(Matrix::<f64>::zeros(0, 5).len(), 0);
    let mut b = a.clone();
    b[(0, 0)] = -1.0;
    b.as_mut_slice()[1] = -2.0;
    assert_eq!(b.row(0), &[-1.0, -2.0, 2.0]);
    assert_eq!(Matrix::<f64>::identity(2).as_slice(), &[1.0, 0.0, 0.0, 1.0]);
}

#[test]
fn transpose_gather_and_views() {
    let a = m(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(a.transpose(), m(3, 2, &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]));
    assert_eq!(a.transpose().transpose(), a);
    let x = Matrix::from_fn(4, 2, |i, j| (i * 2 + j) as f64);
    assert_eq!(
        x.gather_rows(&[3, 0, 3]).as_slice(),
        &[6.0, 7.0, 0.0, 1.0, 6.0, 7.0]
    );
    let v = x.rows_view(1..3);
    assert_eq!(v.shape(), (2, 2));
    assert_eq!(v.as_slice(), &[2.0, 3.0, 4.0, 5.0]);
    assert_eq!(
        v.as_slice().as_ptr(),
        x.row(1).as_ptr(),
        "a view must not copy"
    );
    assert_eq!(v.rows_view(1..2).row(0), &[4.0, 5.0]);
}

#[test]
#[should_panic(expected = "gather_rows: index 4 out of range for 4 rows")]
fn gather_out_of_range_panics_with_index() {
    Matrix::<f64>::zeros(4, 2).gather_rows(&[0, 4]);
}

#[test]
fn elementwise_helpers() {
    let a = m(1, 3, &[1.0, -2.0, 3.0]);
    let b = m(1, 3, &[0.5, 0.5, 2.0]);
    assert_eq!(a.map(|v| v * 2.0).as_slice(), &[2.0, -4.0, 6.0]);
    assert_eq!(a.zip_map(&b, |x, y| x * y).as_slice(), &[0.5, -1.0, 6.0]);
    let mut c = a.clone();
    c.zip_map_inplace(&b, |x, y| x - y);
    assert_eq!(c.as_slice(), &[0.5, -2.5, 1.0]);
    c.map_inplace(f64::abs);
    assert_eq!(c.as_slice(), &[0.5, 2.5, 1.0]);
    c.scale(2.0);
    assert_eq!(c.as_slice(), &[1.0, 5.0, 2.0]);
    c.axpy(-0.5, &b);
    assert_eq!(c.as_slice(), &[0.75, 4.75, 1.0]);
    assert_eq!((&a + &b).as_slice(), &[1.5, -1.5, 5.0]);
    assert_eq!((&a - 1.0).as_slice(), &[0.0, -3.0, 2.0]);
    assert_eq!((&a * &b).as_slice(), &[0.5, -1.0, 6.0]);
}

#[test]
#[should_panic(expected = "shapes (1, 3) and (3, 1) differ")]
fn elementwise_shape_mismatch_names_both_shapes() {
    let _ = &m(1, 3, &[1.0; 3]) + &m(3, 1, &[1.0; 3]);
}

#[test]
fn row_and_column_reductions() {
    let x = m(3, 2, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(x.sum_rows(), m(1, 2, &[9.0, 12.0]));
    assert_eq!(x.sum_cols(), m(3, 1, &[3.0, 7.0, 11.0]));
    assert_eq!(x.sum(), 21.0);
    assert_eq!(
        m(2, 3, &[1.0, 5.0, 5.0, -1.0, -3.0, -2.0]).argmax_rows(),
        vec![1, 0]
    );
    assert_eq!(m(1, 3, &[1.0, f64::NAN, 5.0]).argmax_rows(), vec![1]);
}

#[test]
fn repeat_rows_and_add_row_vector() {
    // np.repeat(x, 3, axis=0) repeats each row in place.
    let x = m(2, 2, &[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(
        x.repeat_rows(3).as_slice(),
        &[1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 4.0, 3.0, 4.0]
    );
    assert_eq!(x.repeat_rows(0).shape(), (0, 2));
    // the bias broadcast of x·W + b
    let mut y = x.clone();
    y.add_row_vector(&m(1, 2, &[10.0, 20.0]));
    assert_eq!(y.as_slice(), &[11.0, 22.0, 13.0, 24.0]);
    // the seed notebook: the backward of repeat is a sum, and vice versa
    let b = m(1, 2, &[0.5, -1.5]);
    assert_eq!(b.repeat_rows(7).sum_rows(), m(1, 2, &[3.5, -10.5]));
}

#[test]
#[should_panic(expected = "add_row_vector: bias shape (1, 3) does not fit a (2, 2) matrix")]
fn add_row_vector_checks_shape() {
    m(2, 2, &[0.0; 4]).add_row_vector(&m(1, 3, &[0.0; 3]));
}

#[test]
fn pairwise_sum_is_bit_identical_to_numpy() {
    // np.sum(a) for a = [((i*7919) % 1000)/7 - 50 + 1e-3 i for i in range(n)],
    // bits printed by numpy 2.4 (naive left-to-right summation differs for
    // n = 8, 13, 300, 1000).
    let numpy = [
        (5, 0x4069b72d593bfa26u64),
        (8, 0x40714072b020c49c),
        (13, 0x4064395a6791fe40),
        (127, 0x40a4acdbf0c94a05),
        (128, 0x40a514d3d25bde10),
        (129, 0x40a565a7a4b7bc20),
        (300, 0x40b95ed99999999a),
        (1000, 0x40d5582924924924),
    ];
    for (n, bits) in numpy {
        let a: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 1000) as f64 / 7.0 - 50.0 + 1e-3 * i as f64)
            .collect();
        assert_eq!(pairwise_sum(&a).to_bits(), bits, "n = {n}");
    }
}

#[test]
fn display_like_numpy_and_debug_with_dtype() {
    assert_eq!(
        m(2, 2, &[1.0, -2.5, 3.0, 40.0]).to_string(),
        "[[ 1.  -2.5]\n [ 3.  40. ]]"
    );
    assert_eq!(
        m(2, 2, &[1.5e-5, 2.0, 3.0, 4.0]).to_string(),
        "[[1.5e-05 2.0e+00]\n [3.0e+00 4.0e+00]]"
    );
    assert_eq!(
        m(2, 2, &[0.1, 0.25, 123.456, -7.0]).to_string(),
        "[[ 1.00000e-01  2.50000e-01]\n [ 1.23456e+02 -7.00000e+00]]"
    );
    let big = Matrix::from_fn(100, 100, |i, j| (i + j) as f32);
    let s = big.to_string();
    assert!(s.contains("...") && s.lines().count() == 7, "{s}");
    assert!(format!("{:?}", Matrix::<f32>::zeros(1, 1)).starts_with("Matrix<float32>(1, 1)"));
}

#[test]
fn matmul_and_try_matmul() {
    let a = m(2, 2, &[1.0, 2.0, 3.0, 4.0]);
    let b = m(2, 1, &[1.0, 1.0]);
    assert_eq!(a.matmul(&b), m(2, 1, &[3.0, 7.0]));
    let err = b.try_matmul(&a).unwrap_err().to_string();
    assert!(err.contains("(2, 1)") && err.contains("(2, 2)"), "{err}");
    let mut wrong = Matrix::zeros(3, 3);
    assert!(a.try_matmul_into(&b, &mut wrong).is_err());
}

#[test]
#[should_panic(expected = "(2, 1) and (2, 2)")]
fn matmul_shape_mismatch_panics_with_both_shapes() {
    m(2, 1, &[1.0; 2]).matmul(&m(2, 2, &[1.0; 4]));
}

#[test]
fn literals_iterators_and_collecting_rows() {
    use groundup::matrix;
    let m = matrix![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
    assert_eq!(
        m,
        Matrix::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap()
    );
    assert_eq!(m, Matrix::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]));
    let collected: Matrix<f64> = m.rows_iter().map(|r| [r[0], r[1], r[2]]).collect();
    assert_eq!(collected, m);
    assert_eq!(m.iter().copied().sum::<f64>(), 21.0);
    assert_eq!((&m).into_iter().count(), 6);
    let rows: Vec<&[f64]> = m.rows_iter().rev().collect();
    assert_eq!(rows, [&[4.0, 5.0, 6.0][..], &[1.0, 2.0, 3.0][..]]);
    assert_eq!(m.rows_iter().len(), 2);
    let mut z = m.clone();
    for (i, row) in z.rows_iter_mut().enumerate() {
        row.fill(i as f64);
    }
    assert_eq!(z, matrix![[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]);
    for v in &mut z {
        *v += 1.0;
    }
    assert_eq!(z.as_slice(), &[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
    // Shapes with a zero side keep their row count.
    let no_cols = Matrix::<f32>::zeros(3, 0);
    assert_eq!(no_cols.rows_iter().count(), 3);
    let mut no_cols2 = no_cols.clone();
    assert_eq!(no_cols2.rows_iter_mut().count(), 3);
    let none: Matrix<f32> = std::iter::empty::<[f32; 4]>().collect();
    assert_eq!(none.shape(), (0, 4));
    assert_eq!(
        Matrix::<f32>::from_rows(Vec::<[f32; 2]>::new()).shape(),
        (0, 2)
    );
}

#[test]
fn operators_on_owned_and_borrowed_values_agree() {
    use groundup::matrix;
    let a = matrix![[1.0f32, -2.0], [3.5, 4.0]];
    let b = matrix![[0.5f32, 2.0], [-1.0, 8.0]];
    let sum = a.zip_map(&b, |x, y| x + y);
    let diff = a.zip_map(&b, |x, y| x - y);
    let prod = a.zip_map(&b, |x, y| x * y);
    assert_eq!(&a + &b, sum);
    assert_eq!(a.clone() + &b, sum);
    assert_eq!(a.clone() + b.clone(), sum);
    assert_eq!(&a + b.clone(), sum);
    assert_eq!(&a - &b, diff);
    assert_eq!(a.clone() - &b, diff);
    assert_eq!(a.clone() - b.clone(), diff);
    assert_eq!(
        &a - b.clone(),
        diff,
        "the borrowed left operand stays on the left"
    );
    assert_eq!(&a * b.clone(), prod);
    assert_eq!(a.clone() * 2.0, a.map(|x| x * 2.0));
    assert_eq!(a.clone() - 1.0, &a - 1.0);
    let mut c = a.clone();
    c += &b;
    assert_eq!(c, sum);
    c -= b.clone();
    assert_eq!(c, a);
    c *= &b;
    assert_eq!(c, prod);
    c += 1.0;
    c -= 1.0;
    c *= 0.5;
    assert_eq!(c, prod.map(|x| (x + 1.0 - 1.0) * 0.5));
    assert_eq!(-&a, a.map(|x| -x));
    assert_eq!(-a.clone(), a.map(|x| -x));
}

#[test]
fn operators_name_both_shapes_on_mismatch() {
    let a = Matrix::<f64>::zeros(2, 3);
    let b = Matrix::<f64>::zeros(3, 2);
    for (what, f) in [
        (
            "owned + borrowed",
            Box::new(|| drop(a.clone() + &b)) as Box<dyn Fn()>,
        ),
        ("borrowed - owned", Box::new(|| drop(&a - b.clone()))),
        (
            "+=",
            Box::new(|| {
                let mut c = a.clone();
                c += &b;
            }),
        ),
        (
            "*=",
            Box::new(|| {
                let mut c = a.clone();
                c *= b.clone();
            }),
        ),
    ] {
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_err();
        let msg = err.downcast_ref::<String>().map_or("", |s| s.as_str());
        assert!(
            msg.contains("(2, 3)") && msg.contains("(3, 2)"),
            "{what}: {msg}"
        );
    }
}

/// The read-only methods are one body for `Matrix` and `MatrixView`
/// (src/matrix/read.rs): a view of rows `r` answers exactly what the
/// matrix made of those rows answers, including the empty shapes.
#[test]
fn a_view_answers_like_the_matrix_of_its_rows() {
    for (rows, cols) in [(0, 0), (0, 3), (4, 0), (1, 1), (5, 3), (7, 2)] {
        let x = Matrix::from_fn(rows, cols, |i, j| (i * 7 + j * 3) as f64 % 5.0 - 2.0);
        for (a, b) in [(0, rows), (rows / 2, rows), (0, rows / 3)] {
            let v = x.rows_view(a..b);
            let owned = v.to_matrix();
            assert_eq!(v.shape(), owned.shape());
            assert_eq!((v.len(), v.is_empty()), (owned.len(), owned.is_empty()));
            assert_eq!(v.as_slice(), owned.as_slice());
            assert!(v.iter().eq(owned.iter()));
            assert!(v.rows_iter().eq(owned.rows_iter()));
            assert_eq!(v.rows_iter().len(), b - a, "({rows}, {cols}) {a}..{b}");
            assert_eq!(v.argmax_rows(), owned.argmax_rows());
            assert_eq!(v.sum().to_bits(), owned.sum().to_bits());
            assert_eq!(v.sum_rows(), owned.sum_rows());
            assert_eq!(v.sum_cols(), owned.sum_cols());
            assert_eq!(v.sum_cols().shape(), (b - a, 1));
            assert_eq!(v.repeat_rows(3), owned.repeat_rows(3));
            assert_eq!(v.transpose(), owned.transpose());
            assert_eq!(v.cast::<f32>(), owned.cast::<f32>());
            let idx: Vec<usize> = (0..b - a).rev().collect();
            assert_eq!(v.gather_rows(&idx), owned.gather_rows(&idx));
            for i in 0..b - a {
                assert_eq!(v.row(i), x.row(a + i));
                for j in 0..cols {
                    assert_eq!(v[(i, j)], x[(a + i, j)]);
                }
            }
        }
    }
}

#[test]
#[should_panic(expected = "gather_rows: index 2 out of range for 2 rows")]
fn gather_rows_checks_indices_without_columns_too() {
    Matrix::<f32>::zeros(2, 0).gather_rows(&[0, 2]);
}

/// `gather_rows_into` against element-by-element indexing at every width
/// (the narrow ones are copied by fixed-width code), from a matrix and from
/// a view that starts mid-matrix, into an output of another shape.
#[test]
fn gather_rows_every_width_matches_indexing() {
    for cols in 0..=6 {
        let x = Matrix::from_fn(7, cols, |i, j| (i * 10 + j) as f64 + 0.5);
        let idx = [6usize, 0, 3, 3, 1];
        let mut out = Matrix::zeros(2, 9);
        x.gather_rows_into(&idx, &mut out);
        assert_eq!(out.shape(), (idx.len(), cols));
        for (r, &i) in idx.iter().enumerate() {
            for j in 0..cols {
                assert_eq!(out[(r, j)], x[(i, j)], "cols {cols}, row {r}");
            }
        }
        let v = x.rows_view(2..7);
        let got = v.gather_rows(&[4, 0, 2]);
        for (r, i) in [6usize, 2, 4].into_iter().enumerate() {
            for j in 0..cols {
                assert_eq!(got[(r, j)], x[(i, j)], "view, cols {cols}, row {r}");
            }
        }
        let bad = std::panic::catch_unwind(|| v.gather_rows(&[0, 5]));
        let msg = bad.expect_err("index 5 of a 5-row view must panic");
        let msg = msg.downcast_ref::<String>().expect("a formatted message");
        assert!(
            msg.contains("index 5 out of range for 5 rows"),
            "cols {cols}: {msg}"
        );
    }
}

/// `add_row_vector` and `sum_rows` against element-by-element loops, for
/// widths on both sides of the narrow-row paths (the repeated-bias tile for
/// 1-2 columns, fixed-width sums for 1-4, strips of at most 8 columns up to
/// 32) and row counts that leave a partial tile or a partial block of the
/// strips' 64 rows: the same adds in the same order, so the same bits.
#[test]
fn row_vector_add_and_row_sums_match_naive_loops() {
    for cols in 1..=40 {
        for rows in [1usize, 2, 7, 21, 30, 64, 65, 130] {
            let x = Matrix::from_fn(rows, cols, |i, j| {
                ((i * 31 + j * 7) % 13) as f64 * 0.1 - 0.55
            });
            let b = Matrix::from_fn(1, cols, |_, j| (j as f64 + 1.0) / 3.0);
            let mut got = x.clone();
            got.add_row_vector(&b);
            let sums = x.sum_rows();
            for j in 0..cols {
                let mut s = 0.0f64;
                for i in 0..rows {
                    assert_eq!(
                        got[(i, j)].to_bits(),
                        (x[(i, j)] + b[(0, j)]).to_bits(),
                        "({rows}, {cols}) at ({i}, {j})"
                    );
                    s += x[(i, j)];
                }
                assert_eq!(
                    sums[(0, j)].to_bits(),
                    s.to_bits(),
                    "sum_rows ({rows}, {cols}) column {j}"
                );
            }
        }
    }
}
