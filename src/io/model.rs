//! Saving and loading a [`Model`]'s parameters as safetensors, by the
//! model's stable parameter names ([`Model::param_names`], e.g.
//! `layers.0.W`, `layers.0.b`).
//!
//! Loading is all or nothing: every name, dtype and shape is checked before
//! any parameter changes, and the error names the parameter and both shapes
//! (or dtypes). Biases are stored as `1 x n`; a 1-D `[n]` tensor (PyTorch's
//! layout) loads into them too.

use super::{load_safetensors, save_safetensors, TensorView};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::model::{Model, Sequential, TwoLayerNet};
use crate::scalar::Scalar;
use std::collections::BTreeMap;
use std::path::Path;

/// Writes every distinct parameter of `model` (atomically) with metadata
/// `{"format": "groundup", "dtype": "float32"|"float64"}`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written (the previous file, if
/// any, is left intact).
pub fn save_model<T: Scalar>(path: impl AsRef<Path>, model: &dyn Model<T>) -> Result<()> {
    let names = model.param_names();
    let params = model.params();
    let tensors: Vec<(&str, TensorView<'_>)> = names
        .iter()
        .map(String::as_str)
        .zip(params.iter().map(|p| TensorView::from(&p.value)))
        .collect();
    let mut meta = BTreeMap::new();
    meta.insert("format".to_string(), "groundup".to_string());
    meta.insert("dtype".to_string(), T::DTYPE.name().to_string());
    save_safetensors(path, &tensors, Some(&meta))
}

/// Replaces every parameter of `model` with the tensor of the same name in
/// the safetensors file at `path`.
///
/// # Errors
/// The file's own errors ([`Error::Io`], [`Error::Format`], …);
/// [`Error::ModelMismatch`] naming the parameter when a tensor is missing,
/// unexpected, or of the wrong shape; [`Error::DTypeMismatch`] when a
/// tensor's dtype is not the model's. Nothing is changed on error. Tensors
/// of dtypes other than F32/F64 that are not parameters (a training step
/// counter, say) are left alone; an F32/F64 tensor that is not a parameter
/// is an error (the file is some other model's).
pub fn load_model<T: Scalar>(path: impl AsRef<Path>, model: &mut dyn Model<T>) -> Result<()> {
    let path = path.as_ref();
    let file = load_safetensors(path)?;
    let names = model.param_names();
    let mut shapes = Vec::with_capacity(names.len());
    model.for_each_param(&mut |_, p| shapes.push(p.value.shape()));
    let mut values = Vec::with_capacity(names.len());
    for (name, &shape) in names.iter().zip(&shapes) {
        if let Some(s) = file.skipped.get(name) {
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
        let tensor = file.tensors.get(name).ok_or_else(|| {
            Error::ModelMismatch(format!(
                "{}: no tensor named {name:?} (the model's parameters are {})",
                path.display(),
                names.join(", ")
            ))
        })?;
        if tensor.dtype() != T::DTYPE {
            return Err(Error::DTypeMismatch {
                context: format!("{}: tensor {name:?}", path.display()),
                expected: T::DTYPE,
                found: tensor.dtype(),
            });
        }
        let m: Matrix<T> = tensor.to_matrix()?;
        if m.shape() != shape {
            return Err(Error::ModelMismatch(format!(
                "{}: tensor {name:?} has shape {:?}, but the model's parameter is ({}, {})",
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
            pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
                save_model(path, self)
            }
            /// Loads parameters saved by [`save`](Self::save) or any tool
            /// writing the same names (see [`load_model`]).
            ///
            /// # Errors
            /// As [`load_model`]; the model is unchanged on error.
            pub fn load(&mut self, path: impl AsRef<Path>) -> Result<()> {
                load_model(path, self)
            }
        }
    };
}

save_load_methods!(Sequential);
save_load_methods!(TwoLayerNet);
