//! Saving and loading a [`Model`]'s parameters as safetensors, by the
//! model's stable parameter names ([`Model::param_names`], e.g.
//! `layers.0.W`, `layers.0.b`).
//!
//! Loading is all or nothing: every name, dtype and shape is checked before
//! any parameter changes, and the error names the parameter and both shapes
//! (or dtypes). Biases are stored as `1 x n`; a 1-D `[n]` tensor loads into
//! them too. A half-precision checkpoint (`F16` or `BF16` tensors) loads
//! into an `f32` or `f64` model, each value widened exactly; an `F32` file
//! into an `f64` model (or the reverse) is still [`Error::DTypeMismatch`].
//!
//! Layouts (groundup's `(in, out)` weights or PyTorch's `(out, in)`): see
//! [`WeightLayout`].

use super::{load_safetensors, save_safetensors, Tensor, TensorView};
use crate::error::{Error, Result};
use crate::layers::ParamKind;
use crate::matrix::Matrix;
use crate::model::{Params, Sequential, TwoLayerNet};
use crate::scalar::Scalar;
use std::collections::BTreeMap;
use std::path::Path;

/// The metadata key naming a file's layout.
const FORMAT_KEY: &str = "format";

/// How a model file lays out its linear weights.
///
/// groundup stores a linear weight `(in, out)` and applies it as `x·W`, as
/// the book does; PyTorch's `nn.Linear` stores the transpose, `(out, in)`,
/// and its bias as `[out]`. This says which one a file uses:
/// [`save_model`] / [`load_model`] use groundup's, and
/// [`save_model_with`] / [`load_model_with`] take the layout. In
/// [`WeightLayout::PyTorch`] the parameters the model reports as
/// [`ParamKind::LinearWeight`] are transposed on the way in and out, biases
/// are written 1-D, and nothing else changes (an embedding table
/// `(vocab, dim)` is laid out the same in both).
///
/// A file says which layout it has through its `format` metadata: groundup
/// writes `"groundup"`, PyTorch's tools `"pt"` (transformers'
/// `save_pretrained` does; `safetensors.torch.save_file` writes no
/// metadata unless given, so pass it `metadata={"format": "pt"}`).
/// Loading a `"pt"` file in groundup's layout, or a `"groundup"` file in
/// PyTorch's, is an error that names the layout to use, never a silently
/// transposed load. A file without `format` metadata (or with another
/// value) cannot say: the caller must choose the layout, since a square
/// weight fits either way; shapes are still checked.
///
/// ```
/// use groundup::io::{load_model_with, save_model_with, WeightLayout};
/// use groundup::model::{Model, TwoLayerNet, Params};
/// let path = std::env::temp_dir().join(format!("groundup-doc-layout-{}.safetensors", std::process::id()));
/// let mut k = 0.0;
/// let net = TwoLayerNet::<f32>::new(3, 4, 2, &mut || { k += 1.0; k });
/// save_model_with(&path, &net, WeightLayout::PyTorch).unwrap(); // W stored (out, in)
///
/// let mut back = TwoLayerNet::<f32>::new(3, 4, 2, &mut || 0.0);
/// let err = load_model_with(&path, &mut back, WeightLayout::Groundup).unwrap_err();
/// assert!(err.to_string().contains("WeightLayout::PyTorch"), "{err}");
/// load_model_with(&path, &mut back, WeightLayout::PyTorch).unwrap();
/// assert_eq!(back.params(), net.params());
/// std::fs::remove_file(&path).unwrap();
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WeightLayout {
    /// groundup's own (the book's): linear weights `(in, out)`, biases
    /// `1 x n`; metadata `"format": "groundup"`.
    #[default]
    Groundup,
    /// PyTorch's `nn.Linear`: weights `(out, in)`, biases `[out]`; metadata
    /// `"format": "pt"`, so `safetensors.torch.load_file` and
    /// `load_state_dict` take the file (after renaming the keys to the
    /// module's own).
    PyTorch,
}

impl WeightLayout {
    /// The `format` metadata value files in this layout carry.
    fn format(self) -> &'static str {
        match self {
            WeightLayout::Groundup => "groundup",
            WeightLayout::PyTorch => "pt",
        }
    }
    fn describe(self) -> &'static str {
        match self {
            WeightLayout::Groundup => "groundup's layout, linear weights (in, out)",
            WeightLayout::PyTorch => "PyTorch's layout, linear weights (out, in)",
        }
    }
    fn how_to_load(self) -> &'static str {
        match self {
            WeightLayout::Groundup => "load_model (or load_model_with and WeightLayout::Groundup)",
            WeightLayout::PyTorch => "load_model_with and WeightLayout::PyTorch",
        }
    }
}

/// The parameters' kinds, checked to be known when `layout` needs them.
fn kinds_for<T: Scalar>(
    model: &dyn Params<T>,
    names: &[String],
    layout: WeightLayout,
    path: &Path,
) -> Result<Vec<ParamKind>> {
    let kinds = model.param_kinds();
    if layout == WeightLayout::Groundup {
        return Ok(kinds);
    }
    if kinds.len() != names.len() {
        return Err(Error::ModelMismatch(format!(
            "{}: the model reports {} parameter kinds for its {} parameters, so {} cannot be used",
            path.display(),
            kinds.len(),
            names.len(),
            layout.describe()
        )));
    }
    if let Some(i) = kinds.iter().position(|&k| k == ParamKind::Unknown) {
        return Err(Error::ModelMismatch(format!(
            "{}: parameter {:?} does not say whether it is a linear weight (neither Model::param_kinds nor its layer's Layer::param_kinds reports it), so {} cannot be used for it",
            path.display(),
            names[i],
            layout.describe()
        )));
    }
    Ok(kinds)
}

/// Writes every distinct parameter of `model` (atomically) in groundup's
/// layout, with metadata `{"format": "groundup", "dtype":
/// "float32"|"float64"}`. [`save_model_with`] writes PyTorch's.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written (the previous file, if
/// any, is left intact).
///
/// ```
/// use groundup::io::{load_safetensors, save_model};
/// use groundup::model::TwoLayerNet;
/// let path = std::env::temp_dir().join(format!("groundup-doc-save-model-{}.safetensors", std::process::id()));
/// save_model(&path, &TwoLayerNet::<f64>::new(3, 4, 2, &mut || 0.5)).unwrap();
/// let file = load_safetensors(&path).unwrap();
/// assert_eq!(file.metadata["format"], "groundup");
/// assert_eq!(file.tensors["layers.0.W"].shape(), &[3, 4]); // (in, out)
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn save_model<T: Scalar>(path: impl AsRef<Path>, model: &dyn Params<T>) -> Result<()> {
    save_model_with(path, model, WeightLayout::Groundup)
}

/// Writes every distinct parameter of `model` (atomically) in `layout`.
/// [`WeightLayout::Groundup`] is [`save_model`]. [`WeightLayout::PyTorch`]
/// writes each [`ParamKind::LinearWeight`] transposed to `(out, in)` and
/// each bias as a 1-D `[n]` tensor, with metadata `{"format": "pt"}`: the
/// state dict of the equivalent `nn.Linear` stack, under the model's own
/// parameter names.
///
/// # Errors
/// [`Error::ModelMismatch`] naming the parameter when `layout` is not
/// groundup's and the model does not report a parameter's kind
/// ([`ParamKind::Unknown`]); [`Error::Io`] when the file cannot be written
/// (the previous file, if any, is left intact).
///
/// ```
/// use groundup::io::{load_safetensors, save_model_with, WeightLayout};
/// use groundup::model::TwoLayerNet;
/// let path = std::env::temp_dir().join(format!("groundup-doc-save-with-{}.safetensors", std::process::id()));
/// save_model_with(&path, &TwoLayerNet::<f32>::new(3, 4, 2, &mut || 0.5), WeightLayout::PyTorch).unwrap();
/// let file = load_safetensors(&path).unwrap();
/// assert_eq!(file.metadata["format"], "pt");
/// assert_eq!(file.tensors["layers.0.W"].shape(), &[4, 3]); // (out, in)
/// assert_eq!(file.tensors["layers.0.b"].shape(), &[4]);
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn save_model_with<T: Scalar>(
    path: impl AsRef<Path>,
    model: &dyn Params<T>,
    layout: WeightLayout,
) -> Result<()> {
    let path = path.as_ref();
    let names = model.param_names();
    let params = model.params();
    let mut meta = BTreeMap::new();
    meta.insert(FORMAT_KEY.to_string(), layout.format().to_string());
    if layout == WeightLayout::Groundup {
        meta.insert("dtype".to_string(), T::DTYPE.name().to_string());
        let tensors: Vec<(&str, TensorView<'_>)> = names
            .iter()
            .map(String::as_str)
            .zip(params.iter().map(|p| TensorView::from(&p.value)))
            .collect();
        return save_safetensors(path, &tensors, Some(&meta));
    }
    let kinds = kinds_for(model, &names, layout, path)?;
    let mut owned = Vec::with_capacity(params.len());
    for (p, kind) in params.iter().zip(&kinds) {
        owned.push(match kind {
            ParamKind::LinearWeight => Tensor::from(p.value.transpose()),
            ParamKind::Bias if p.value.rows() == 1 => {
                let (_, data) = Tensor::from(p.value.clone()).into_parts();
                Tensor::new(vec![p.value.cols()], data)?
            }
            _ => Tensor::from(p.value.clone()),
        });
    }
    let tensors: Vec<(&str, TensorView<'_>)> = names
        .iter()
        .map(String::as_str)
        .zip(owned.iter().map(Tensor::view))
        .collect();
    save_safetensors(path, &tensors, Some(&meta))
}

/// Replaces every parameter of `model` with the tensor of the same name in
/// the safetensors file at `path`, in groundup's layout (see
/// [`load_model_with`] for PyTorch's).
///
/// # Errors
/// As [`load_model_with`]; in particular a file whose metadata says it is
/// PyTorch's (`"format": "pt"`) is [`Error::ModelMismatch`] naming
/// [`WeightLayout::PyTorch`]. Nothing is changed on error.
///
/// ```
/// use groundup::io::{load_model, save_model};
/// use groundup::model::{Model, TwoLayerNet, Params};
/// let path = std::env::temp_dir().join(format!("groundup-doc-load-model-{}.safetensors", std::process::id()));
/// let net = TwoLayerNet::<f64>::new(3, 4, 2, &mut || 0.5);
/// save_model(&path, &net).unwrap();
/// let mut back = TwoLayerNet::<f64>::new(3, 4, 2, &mut || 0.0);
/// load_model(&path, &mut back).unwrap();
/// assert_eq!(back.params(), net.params());
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn load_model<T: Scalar>(path: impl AsRef<Path>, model: &mut dyn Params<T>) -> Result<()> {
    load_model_with(path, model, WeightLayout::Groundup)
}

/// Replaces every parameter of `model` with the tensor of the same name in
/// the safetensors file at `path`, stored in `layout`. In
/// [`WeightLayout::PyTorch`] a [`ParamKind::LinearWeight`] of shape
/// `(in, out)` must be stored `[out, in]` and is transposed; a bias may be
/// `[n]` or `[1, n]`.
///
/// # Errors
/// The file's own errors ([`Error::Io`], [`Error::Format`], …);
/// [`Error::ModelMismatch`] naming the file when its `format` metadata
/// says it has the other layout (`"pt"` for groundup's, `"groundup"` for
/// PyTorch's), or naming the parameter when a tensor is missing,
/// unexpected, of the wrong shape, or when the model does not report a
/// parameter's kind and `layout` is not groundup's;
/// [`Error::DTypeMismatch`] when a tensor's dtype is not the model's.
/// Nothing is changed on error. Tensors of dtypes other than F32/F64 that
/// are not parameters (a training step counter, say) are left alone; an
/// F32/F64 tensor that is not a parameter is an error (the file is some
/// other model's).
///
/// ```
/// use groundup::io::{load_model_with, save_safetensors, WeightLayout};
/// use groundup::layers::{Affine, SoftmaxWithLoss};
/// use groundup::model::{Model, Sequential};
/// use groundup::Matrix;
/// use std::collections::BTreeMap;
/// // nn.Linear(2, 3): weight (out, in) = (3, 2), bias [3].
/// let path = std::env::temp_dir().join(format!("groundup-doc-load-with-{}.safetensors", std::process::id()));
/// let weight = Matrix::from_vec(3, 2, vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
/// let bias = [0.5f32, 0.0, -0.5];
/// let meta = BTreeMap::from([("format".to_string(), "pt".to_string())]);
/// save_safetensors(&path, &[("layers.0.W", (&weight).into()), ("layers.0.b", groundup::io::TensorView::new(vec![3], &bias[..]).unwrap())], Some(&meta)).unwrap();
///
/// let mut net = Sequential::new(SoftmaxWithLoss::new())
///     .with(Affine::new(Matrix::<f32>::zeros(2, 3), Matrix::zeros(1, 3)));
/// load_model_with(&path, &mut net, WeightLayout::PyTorch).unwrap();
/// assert_eq!(net.infer(Matrix::from_vec(1, 2, vec![1.0, 0.0]).unwrap().view()).as_slice(), &[1.5, 3.0, 4.5]);
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn load_model_with<T: Scalar>(
    path: impl AsRef<Path>,
    model: &mut dyn Params<T>,
    layout: WeightLayout,
) -> Result<()> {
    let path = path.as_ref();
    let file = load_safetensors(path)?;
    if let Some(format) = file.metadata.get(FORMAT_KEY) {
        let other = match layout {
            WeightLayout::Groundup => WeightLayout::PyTorch,
            WeightLayout::PyTorch => WeightLayout::Groundup,
        };
        if *format == other.format() {
            return Err(Error::ModelMismatch(format!(
                "{}: the file's metadata says format {format:?}, {}, but it is being loaded in {}; load it with {}",
                path.display(),
                other.describe(),
                layout.describe(),
                other.how_to_load()
            )));
        }
    }
    let names = model.param_names();
    let kinds = kinds_for(&*model, &names, layout, path)?;
    let mut shapes = Vec::with_capacity(names.len());
    model.for_each_param(&mut |_, p| shapes.push(p.value.shape()));
    let mut values = Vec::with_capacity(names.len());
    for (i, (name, &shape)) in names.iter().zip(&shapes).enumerate() {
        let widened;
        let tensor = if let Some(s) = file.skipped.get(name) {
            // A half-precision checkpoint widens exactly; other dtypes
            // (integers, 8-bit floats) are no parameter.
            if s.dtype != "F16" && s.dtype != "BF16" {
                return Err(Error::ModelMismatch(format!(
                    "{}: tensor {name:?} is stored as {} {:?}; the model's parameter is {} ({}, {})",
                    path.display(),
                    s.dtype,
                    s.shape,
                    T::DTYPE,
                    shape.0,
                    shape.1
                )));
            }
            widened = file.tensor_as::<T>(name)?;
            &widened
        } else {
            file.tensors.get(name).ok_or_else(|| {
                Error::ModelMismatch(format!(
                    "{}: no tensor named {name:?} (the model's parameters are {})",
                    path.display(),
                    names.join(", ")
                ))
            })?
        };
        if tensor.dtype() != T::DTYPE {
            return Err(Error::DTypeMismatch {
                context: format!("{}: tensor {name:?}", path.display()),
                expected: T::DTYPE,
                found: tensor.dtype(),
            });
        }
        let transposed =
            layout == WeightLayout::PyTorch && kinds.get(i) == Some(&ParamKind::LinearWeight);
        if transposed {
            if tensor.shape() != [shape.1, shape.0] {
                return Err(Error::ModelMismatch(format!(
                    "{}: tensor {name:?} has shape {:?}, but the model's parameter is a linear weight (in, out) = ({}, {}), which PyTorch's layout stores as (out, in) = [{}, {}]",
                    path.display(),
                    tensor.shape(),
                    shape.0,
                    shape.1,
                    shape.1,
                    shape.0
                )));
            }
            values.push(tensor.to_matrix::<T>()?.transpose());
            continue;
        }
        let m: Matrix<T> = tensor.to_matrix()?;
        if m.shape() != shape {
            let hint = if layout == WeightLayout::Groundup && tensor.shape() == [shape.1, shape.0] {
                " (its transpose: if the file is in PyTorch's layout, linear weights (out, in), load it with load_model_with and WeightLayout::PyTorch)"
            } else {
                ""
            };
            return Err(Error::ModelMismatch(format!(
                "{}: tensor {name:?} has shape {:?}, but the model's parameter is ({}, {}){hint}",
                path.display(),
                tensor.shape(),
                shape.0,
                shape.1
            )));
        }
        values.push(m);
    }
    if let Some(extra) = file.tensors.keys().find(|k| !names.contains(k)) {
        return Err(Error::ModelMismatch(format!(
            "{}: tensor {extra:?} is not a parameter of this model (its parameters are {})",
            path.display(),
            names.join(", ")
        )));
    }
    let mut values = values.into_iter();
    model.for_each_param(&mut |_, p| {
        if let Some(v) = values.next() {
            p.value = v;
        }
    });
    Ok(())
}

macro_rules! save_load_methods {
    ($ty:ident) => {
        impl<T: Scalar> $ty<T> {
            /// Saves the parameters as safetensors (see [`save_model`]).
            ///
            /// # Errors
            /// As [`save_model`].
            ///
            /// ```
            /// use groundup::model::{Params, TwoLayerNet};
            /// let path = std::env::temp_dir().join(format!("groundup-doc-save-{}.safetensors", std::process::id()));
            /// let net = TwoLayerNet::<f64>::new(2, 3, 2, &mut || 0.5);
            /// net.save(&path)?;
            /// let mut other = TwoLayerNet::<f64>::new(2, 3, 2, &mut || 0.0);
            /// other.load(&path)?;
            /// assert_eq!(other.params()[0].value, net.params()[0].value);
            /// std::fs::remove_file(&path).unwrap();
            /// # Ok::<(), groundup::Error>(())
            /// ```
            pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
                save_model(path, self)
            }
            /// Loads parameters saved by [`save`](Self::save) or any tool
            /// writing the same names (see [`load_model`]).
            ///
            /// # Errors
            /// As [`load_model`]; the model is unchanged on error.
            ///
            /// ```
            /// use groundup::model::{Params, TwoLayerNet};
            /// let mut net = TwoLayerNet::<f32>::new(2, 3, 2, &mut || 0.5);
            /// assert!(net.load("/nonexistent/net.safetensors").is_err());
            /// assert_eq!(net.params()[0].value[(0, 0)], 0.005); // unchanged
            /// ```
            pub fn load(&mut self, path: impl AsRef<Path>) -> Result<()> {
                load_model(path, self)
            }
            /// Saves the parameters as safetensors in `layout` (see
            /// [`save_model_with`]).
            ///
            /// # Errors
            /// As [`save_model_with`].
            ///
            /// ```
            /// use groundup::io::WeightLayout;
            /// use groundup::model::{Model, TwoLayerNet, Params};
            /// let path = std::env::temp_dir().join(format!("groundup-doc-save-with-m-{}.safetensors", std::process::id()));
            /// let mut k = 0.0;
            /// let net = TwoLayerNet::<f64>::new(2, 2, 2, &mut || { k += 1.0; k }); // square W
            /// net.save_with(&path, WeightLayout::PyTorch).unwrap();
            /// let mut back = TwoLayerNet::<f64>::new(2, 2, 2, &mut || 0.0);
            /// assert!(back.load(&path).is_err()); // a "pt" file, not groundup's layout
            /// back.load_with(&path, WeightLayout::PyTorch).unwrap();
            /// assert_eq!(back.params(), net.params());
            /// std::fs::remove_file(&path).unwrap();
            /// ```
            pub fn save_with(&self, path: impl AsRef<Path>, layout: WeightLayout) -> Result<()> {
                save_model_with(path, self, layout)
            }
            /// Loads parameters stored in `layout` (see [`load_model_with`]);
            /// [`save_with`](Self::save_with) has an example.
            ///
            /// # Errors
            /// As [`load_model_with`]; the model is unchanged on error.
            ///
            /// ```
            /// use groundup::io::WeightLayout;
            /// use groundup::model::TwoLayerNet;
            /// let mut net = TwoLayerNet::<f32>::new(2, 2, 2, &mut || 0.0);
            /// assert!(net.load_with("/nonexistent/net.safetensors", WeightLayout::PyTorch).is_err());
            /// ```
            pub fn load_with(
                &mut self,
                path: impl AsRef<Path>,
                layout: WeightLayout,
            ) -> Result<()> {
                load_model_with(path, self, layout)
            }
        }
    };
}

save_load_methods!(Sequential);
save_load_methods!(TwoLayerNet);
