//! `MatMul` (`x·W`) and `Affine` (`x·W + b`). Backward passes use the
//! transposed GEMM forms directly (`dout·Wᵀ`, `xᵀ·dout`): no transpose is
//! ever materialized.

use super::{check_same_shape, Layer, Param, ParamKind};
use crate::gemm::Transpose;
use crate::matrix::{affine_into, Matrix, MatrixView};
use crate::scalar::Scalar;

/// Names of `[W, b]` / `[W]` in saved files.
const PARAM_NAMES: &[&str] = &["W", "b"];
/// Kinds of `[W, b]` / `[W]`: `W` is `(in, out)`, applied as `x·W`.
const PARAM_KINDS: &[ParamKind] = &[ParamKind::LinearWeight, ParamKind::Bias];

fn check_input<T: Scalar>(layer: &str, x: MatrixView<'_, T>, w: &Matrix<T>) {
    assert!(
        x.cols() == w.rows(),
        "{layer}.forward: input shape ({}, {}) does not fit weight shape ({}, {}): inputs need {} columns",
        x.rows(),
        x.cols(),
        w.rows(),
        w.cols(),
        w.rows()
    );
}

/// `out = x·W` (`+ b` when `bias` is given), keeping a copy of `x` for the
/// backward pass.
fn matmul_forward<T: Scalar>(
    layer: &str,
    x: MatrixView<'_, T>,
    w: &Matrix<T>,
    bias: Option<&Matrix<T>>,
    saved_x: &mut Matrix<T>,
    out: &mut Matrix<T>,
) {
    check_input(layer, x, w);
    saved_x.assign(x);
    product_into(x, w, bias, out);
}

/// `x·W` (`+ b` when `bias` is given) into a new matrix (inference;
/// nothing saved).
fn matmul_infer<T: Scalar>(
    layer: &str,
    x: MatrixView<'_, T>,
    w: &Matrix<T>,
    bias: Option<&Matrix<T>>,
) -> Matrix<T> {
    check_input(layer, x, w);
    let mut out = Matrix::default();
    product_into(x, w, bias, &mut out);
    out
}

/// `out = x·W`, or `x·W + b` with the bias added by the product's stores
/// where it is small ([`affine_into`]); `out` is resized. The caller has
/// checked `x` against `W` ([`check_input`]).
fn product_into<T: Scalar>(
    x: MatrixView<'_, T>,
    w: &Matrix<T>,
    bias: Option<&Matrix<T>>,
    out: &mut Matrix<T>,
) {
    match bias {
        Some(b) => affine_into(x, w, b, out),
        None => {
            out.resize(x.rows(), w.cols());
            out.gemm(T::ONE, x, Transpose::No, w, Transpose::No, T::ZERO);
        }
    }
}

/// `dx = dout·Wᵀ`, reading the transpose in place.
fn input_grad<T: Scalar>(dout: MatrixView<'_, T>, w: &Matrix<T>, dx: &mut Matrix<T>) {
    dx.resize(dout.rows(), w.rows());
    dx.gemm(T::ONE, dout, Transpose::No, w, Transpose::Yes, T::ZERO);
}

/// `dx = dout·Wᵀ` and `W.grad = xᵀ·dout`, reading the transposes in place.
fn matmul_backward<T: Scalar>(
    dout: MatrixView<'_, T>,
    w: &mut Param<T>,
    saved_x: MatrixView<'_, T>,
    dx: Option<&mut Matrix<T>>,
) {
    if let Some(dx) = dx {
        input_grad(dout, &w.value, dx);
    }
    w.grad.gemm(
        T::ONE,
        saved_x,
        Transpose::Yes,
        dout,
        Transpose::No,
        T::ZERO,
    );
}

/// `dx = dout·Wᵀ` with the old `W`, then the SGD step `W ← W − lr·xᵀ·dout`
/// written by the product's store (`alpha = −lr`, `beta = 1`), which rounds
/// as `g = xᵀ·dout; W −= lr·g` does when the batch is one KC block deep
/// ([`crate::gemm::ONE_PASS_DEPTH`]). Deeper batches take the two passes.
fn matmul_backward_sgd<T: Scalar>(
    dout: MatrixView<'_, T>,
    w: &mut Param<T>,
    saved_x: &Matrix<T>,
    dx: Option<&mut Matrix<T>>,
    lr: T,
) {
    if dout.rows() > crate::gemm::ONE_PASS_DEPTH {
        matmul_backward(dout, w, saved_x.view(), dx);
        crate::optim::sgd_step(w, lr);
        return;
    }
    if let Some(dx) = dx {
        input_grad(dout, &w.value, dx);
    }
    w.value
        .gemm(-lr, saved_x, Transpose::Yes, dout, Transpose::No, T::ONE);
}

/// `out = x·W`; backward `dx = dout·Wᵀ`, `dW = xᵀ·dout` (the seed notebook's
/// MatMul node).
///
/// ```
/// use groundup::layers::{Layer, MatMul};
/// use groundup::matrix;
/// let mut matmul = MatMul::new(matrix![[1.0f64, 2.0], [3.0, 4.0]]);
/// assert_eq!(matmul.forward(matrix![[1.0, 1.0]].view()), &matrix![[4.0, 6.0]]);
/// let dx = matmul.backward(matrix![[1.0, 0.0]].view()).clone();
/// assert_eq!(dx, matrix![[1.0, 3.0]]); // dout·Wᵀ
/// assert_eq!(matmul.params()[0].grad, matrix![[1.0, 0.0], [1.0, 0.0]]); // xᵀ·dout
/// ```
#[derive(Clone, Debug)]
pub struct MatMul<T: Scalar> {
    params: [Param<T>; 1],
    x: Matrix<T>,
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> MatMul<T> {
    /// A MatMul layer with weight `w` (`in x out`).
    ///
    /// ```
    /// use groundup::layers::{Layer, MatMul};
    /// use groundup::Matrix;
    /// let matmul = MatMul::new(Matrix::<f32>::zeros(3, 5));
    /// assert_eq!((matmul.input_cols(), matmul.output_cols(3)), (Some(3), 5));
    /// assert_eq!(matmul.param_names(), ["W"]);
    /// ```
    pub fn new(w: Matrix<T>) -> Self {
        MatMul {
            params: [Param::new(w)],
            x: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }
}

impl<T: Scalar> Layer<T> for MatMul<T> {
    fn name(&self) -> &'static str {
        "MatMul"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        matmul_forward(
            "MatMul",
            x,
            &self.params[0].value,
            None,
            &mut self.x,
            &mut self.out,
        );
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        matmul_infer("MatMul", x, &self.params[0].value, None)
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        check_same_shape("MatMul", "backward", self.out.shape(), dout.shape());
        matmul_backward(dout, &mut self.params[0], self.x.view(), Some(&mut self.dx));
        &self.dx
    }
    fn backward_params(&mut self, dout: MatrixView<'_, T>) {
        check_same_shape("MatMul", "backward", self.out.shape(), dout.shape());
        matmul_backward(dout, &mut self.params[0], self.x.view(), None);
    }
    fn folds_sgd(&self) -> bool {
        true
    }
    fn backward_sgd(
        &mut self,
        dout: MatrixView<'_, T>,
        lr: T,
        input_grad: bool,
    ) -> Option<&Matrix<T>> {
        check_same_shape("MatMul", "backward", self.out.shape(), dout.shape());
        let dx = input_grad.then_some(&mut self.dx);
        matmul_backward_sgd(dout, &mut self.params[0], &self.x, dx, lr);
        input_grad.then_some(&self.dx)
    }
    fn params(&self) -> &[Param<T>] {
        &self.params
    }
    fn param_names(&self) -> &'static [&'static str] {
        &PARAM_NAMES[..1]
    }
    fn param_kinds(&self) -> &'static [ParamKind] {
        &PARAM_KINDS[..1]
    }
    fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }
    fn input_cols(&self) -> Option<usize> {
        Some(self.params[0].value.rows())
    }
    fn output_cols(&self, _: usize) -> usize {
        self.params[0].value.cols()
    }
}

/// `out = x·W + b` with `b` a `1 x out` row added to every row; backward
/// `dx = dout·Wᵀ`, `dW = xᵀ·dout`, `db = Σ_rows dout` (the Repeat node's
/// backward).
///
/// ```
/// use groundup::layers::{Affine, Layer};
/// use groundup::{matrix, Matrix};
/// let mut affine = Affine::new(Matrix::identity(2), matrix![[10.0f64, 20.0]]);
/// let x = matrix![[1.0, 2.0], [3.0, 4.0]];
/// assert_eq!(affine.forward(x.view()), &matrix![[11.0, 22.0], [13.0, 24.0]]);
/// let dx = affine.backward(Matrix::filled(2, 2, 1.0).view()).clone();
/// assert_eq!(dx, Matrix::filled(2, 2, 1.0)); // dout·Wᵀ with W = I
/// assert_eq!(affine.params()[0].grad, matrix![[4.0, 4.0], [6.0, 6.0]]); // xᵀ·dout
/// assert_eq!(affine.params()[1].grad, matrix![[2.0, 2.0]]); // dout summed over the batch
/// ```
#[derive(Clone, Debug)]
pub struct Affine<T: Scalar> {
    params: [Param<T>; 2],
    x: Matrix<T>,
    out: Matrix<T>,
    dx: Matrix<T>,
}

impl<T: Scalar> Affine<T> {
    /// An Affine layer with weight `w` (`in x out`) and bias `b` (`1 x out`).
    /// Panics naming both shapes when they do not fit.
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer};
    /// use groundup::Matrix;
    /// let affine = Affine::new(Matrix::<f32>::zeros(3, 4), Matrix::zeros(1, 4));
    /// assert_eq!((affine.input_cols(), affine.output_cols(3)), (Some(3), 4));
    /// assert_eq!(affine.params()[1].grad, Matrix::zeros(1, 4)); // gradients start at zero
    /// // A bias that is not 1 x 4 does not fit W.
    /// let bad = std::panic::catch_unwind(|| Affine::new(Matrix::<f32>::zeros(3, 4), Matrix::zeros(4, 1)));
    /// assert!(bad.is_err());
    /// ```
    pub fn new(w: Matrix<T>, b: Matrix<T>) -> Self {
        assert!(
            b.rows() == 1 && b.cols() == w.cols(),
            "Affine::new: bias shape ({}, {}) does not fit weight shape ({}, {}); it must be (1, {})",
            b.rows(),
            b.cols(),
            w.rows(),
            w.cols(),
            w.cols()
        );
        Affine {
            params: [Param::new(w), Param::new(b)],
            x: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }

    /// The weight `W`.
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer};
    /// use groundup::matrix;
    /// let mut affine = Affine::new(matrix![[1.0f64], [2.0]], matrix![[0.0]]);
    /// assert_eq!(affine.weight(), &matrix![[1.0], [2.0]]);
    /// // It is params()[0].value, so what an optimizer changes shows here.
    /// affine.params_mut()[0].value[(1, 0)] = -2.0;
    /// assert_eq!(affine.weight(), &matrix![[1.0], [-2.0]]);
    /// ```
    pub fn weight(&self) -> &Matrix<T> {
        &self.params[0].value
    }
    /// The bias `b`.
    ///
    /// ```
    /// use groundup::layers::{Affine, Layer};
    /// use groundup::{matrix, Matrix};
    /// let mut affine = Affine::new(Matrix::zeros(2, 3), matrix![[0.5f64, 0.0, -0.5]]);
    /// // The bias is added to every row of the output.
    /// let out = affine.forward(Matrix::zeros(4, 2).view()).clone();
    /// assert_eq!(out, affine.bias().repeat_rows(4));
    /// ```
    pub fn bias(&self) -> &Matrix<T> {
        &self.params[1].value
    }

    /// [`Layer::forward`] without the copy of `x` that `backward` reads, for
    /// a model that still holds `x` when it calls
    /// [`backward_from`](Self::backward_from): `TwoLayerNet`'s second layer
    /// reads the sigmoid's output, which stays put until the next forward.
    /// (That copy was 3 % of the spiral run's time.)
    pub(crate) fn forward_unsaved(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        let [w, b] = &self.params;
        check_input("Affine", x, &w.value);
        product_into(x, &w.value, Some(&b.value), &mut self.out);
        &self.out
    }

    /// [`Layer::backward`] after [`forward_unsaved`](Self::forward_unsaved)`(x)`,
    /// given the same `x` again.
    ///
    /// # Panics
    /// If `dout` or `x` does not have the shape of that forward pass.
    pub(crate) fn backward_from(
        &mut self,
        x: MatrixView<'_, T>,
        dout: MatrixView<'_, T>,
    ) -> &Matrix<T> {
        check_same_shape("Affine", "backward", self.out.shape(), dout.shape());
        let [w, b] = &mut self.params;
        let x_shape = (dout.rows(), w.value.rows());
        check_same_shape("Affine", "backward_from(x)", x_shape, x.shape());
        matmul_backward(dout, w, x, Some(&mut self.dx));
        crate::matrix::sum_rows_slice(dout.as_slice(), dout.cols(), b.grad.as_mut_slice());
        &self.dx
    }
}

impl<T: Scalar> Layer<T> for Affine<T> {
    fn name(&self) -> &'static str {
        "Affine"
    }
    fn forward(&mut self, x: MatrixView<'_, T>) -> &Matrix<T> {
        let [w, b] = &self.params;
        let bias = Some(&b.value);
        matmul_forward("Affine", x, &w.value, bias, &mut self.x, &mut self.out);
        &self.out
    }
    fn infer(&self, x: MatrixView<'_, T>) -> Matrix<T> {
        let [w, b] = &self.params;
        matmul_infer("Affine", x, &w.value, Some(&b.value))
    }
    fn backward(&mut self, dout: MatrixView<'_, T>) -> &Matrix<T> {
        check_same_shape("Affine", "backward", self.out.shape(), dout.shape());
        let [w, b] = &mut self.params;
        matmul_backward(dout, w, self.x.view(), Some(&mut self.dx));
        crate::matrix::sum_rows_slice(dout.as_slice(), dout.cols(), b.grad.as_mut_slice());
        &self.dx
    }
    fn backward_params(&mut self, dout: MatrixView<'_, T>) {
        check_same_shape("Affine", "backward", self.out.shape(), dout.shape());
        let [w, b] = &mut self.params;
        matmul_backward(dout, w, self.x.view(), None);
        crate::matrix::sum_rows_slice(dout.as_slice(), dout.cols(), b.grad.as_mut_slice());
    }
    fn folds_sgd(&self) -> bool {
        true
    }
    fn backward_sgd(
        &mut self,
        dout: MatrixView<'_, T>,
        lr: T,
        input_grad: bool,
    ) -> Option<&Matrix<T>> {
        check_same_shape("Affine", "backward", self.out.shape(), dout.shape());
        let [w, b] = &mut self.params;
        let dx = input_grad.then_some(&mut self.dx);
        matmul_backward_sgd(dout, w, &self.x, dx, lr);
        crate::matrix::sum_rows_slice(dout.as_slice(), dout.cols(), b.grad.as_mut_slice());
        crate::optim::sgd_step(b, lr);
        input_grad.then_some(&self.dx)
    }
    fn params(&self) -> &[Param<T>] {
        &self.params
    }
    fn param_names(&self) -> &'static [&'static str] {
        PARAM_NAMES
    }
    fn param_kinds(&self) -> &'static [ParamKind] {
        PARAM_KINDS
    }
    fn params_mut(&mut self) -> &mut [Param<T>] {
        &mut self.params
    }
    fn input_cols(&self) -> Option<usize> {
        Some(self.params[0].value.rows())
    }
    fn output_cols(&self, _: usize) -> usize {
        self.params[0].value.cols()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rows: usize, cols: usize, seed: usize) -> Matrix<f64> {
        Matrix::from_fn(rows, cols, |i, j| {
            ((i * 31 + j * 17 + seed * 7) % 23) as f64 * 0.173 - 1.9
        })
    }

    #[test]
    fn backward_from_matches_backward_bit_for_bit() {
        let (w, b) = (sample(10, 3, 1), sample(1, 3, 2));
        let (x, dout) = (sample(30, 10, 3), sample(30, 3, 4));
        let mut saved = Affine::new(w.clone(), b.clone());
        let mut borrowed = Affine::new(w, b);
        assert_eq!(saved.forward(x.view()), borrowed.forward_unsaved(x.view()));
        let dx = saved.backward(dout.view()).clone();
        assert_eq!(&dx, borrowed.backward_from(x.view(), dout.view()));
        for (p, q) in saved.params().iter().zip(borrowed.params()) {
            assert_eq!(p.grad, q.grad);
        }
        // Nothing was saved: the input is x, not a stale copy.
        assert_eq!(borrowed.x.shape(), (0, 0));
    }

    #[test]
    #[should_panic(expected = "Affine.backward_from(x): got shape (30, 9), expected (30, 10)")]
    fn backward_from_rejects_an_input_of_another_shape() {
        let mut affine = Affine::new(sample(10, 3, 1), sample(1, 3, 2));
        affine.forward_unsaved(sample(30, 10, 3).view());
        affine.backward_from(sample(30, 9, 3).view(), sample(30, 3, 4).view());
    }
}
