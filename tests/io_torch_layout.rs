//! PyTorch's `nn.Linear` layout, weight `(out, in)` and bias `[out]`, is
//! loaded and saved only when asked for (`WeightLayout::PyTorch`), with
//! the linear weights transposed and nothing else; a file whose `format`
//! metadata names the other layout is an error, never a transposed load.

mod common;

use common::files::{fixture, TempDir};
use groundup::io::{
    load_model, load_model_with, load_safetensors, save_model, save_model_with, save_safetensors,
    Tensor, TensorView, WeightLayout,
};
use groundup::layers::{Affine, Layer, Param, ParamKind, Sigmoid, SoftmaxWithLoss};
use groundup::model::Params;
use groundup::model::{Model, Sequential};
use groundup::{Error, Matrix, MatrixView, Scalar};
use std::collections::BTreeMap;
use std::path::Path;

/// `nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 4))` in
/// groundup's form, with every parameter `fill`.
fn net<T: Scalar>(fill: f64) -> Sequential<T> {
    let v = T::from_f64(fill);
    Sequential::new(SoftmaxWithLoss::new())
        .with(Affine::new(
            Matrix::filled(3, 4, v),
            Matrix::filled(1, 4, v),
        ))
        .with(Sigmoid::new())
        .with(Affine::new(
            Matrix::filled(4, 4, v),
            Matrix::filled(1, 4, v),
        ))
}

/// A state dict as PyTorch stores it: `weight[o][i]` (out, in) row-major
/// and `bias[o]`, every value distinct and no weight symmetric.
struct TorchLinear {
    inputs: usize,
    outputs: usize,
    weight: Vec<f64>,
    bias: Vec<f64>,
}

impl TorchLinear {
    fn new(inputs: usize, outputs: usize, seed: f64) -> Self {
        TorchLinear {
            inputs,
            outputs,
            weight: (0..inputs * outputs)
                .map(|k| seed + 0.125 * k as f64 - 0.5)
                .collect(),
            bias: (0..outputs).map(|o| seed - 0.25 * o as f64).collect(),
        }
    }
    /// `x·Wᵀ + b` computed directly from PyTorch's layout.
    fn apply(&self, x: &[Vec<f64>]) -> Vec<Vec<f64>> {
        x.iter()
            .map(|row| {
                (0..self.outputs)
                    .map(|o| {
                        let dot: f64 = (0..self.inputs)
                            .map(|i| row[i] * self.weight[o * self.inputs + i])
                            .sum();
                        dot + self.bias[o]
                    })
                    .collect()
            })
            .collect()
    }
}

fn cast<T: Scalar>(v: &[f64]) -> Vec<T> {
    v.iter().map(|&x| T::from_f64(x)).collect()
}

/// Writes `layers` as `layers.{2k}.W` (out, in) and `layers.{2k}.b` [out].
fn write_torch_file<T: Scalar>(
    path: &Path,
    layers: &[&TorchLinear],
    metadata: Option<&BTreeMap<String, String>>,
) {
    let mut owned = Vec::new();
    for (k, l) in layers.iter().enumerate() {
        owned.push((
            format!("layers.{}.W", 2 * k),
            Tensor::from_vec(vec![l.outputs, l.inputs], cast::<T>(&l.weight)).unwrap(),
        ));
        owned.push((
            format!("layers.{}.b", 2 * k),
            Tensor::from_vec(vec![l.outputs], cast::<T>(&l.bias)).unwrap(),
        ));
    }
    let views: Vec<(&str, TensorView<'_>)> =
        owned.iter().map(|(n, t)| (n.as_str(), t.view())).collect();
    save_safetensors(path, &views, metadata).unwrap();
}

fn pt_meta() -> BTreeMap<String, String> {
    BTreeMap::from([("format".to_string(), "pt".to_string())])
}

fn values<T: Scalar>(model: &dyn Model<T>) -> Vec<Matrix<T>> {
    model.params().iter().map(|p| p.value.clone()).collect()
}

fn bits<T: Scalar>(ms: &[Matrix<T>]) -> Vec<(usize, usize, Vec<u64>)> {
    ms.iter()
        .map(|m| {
            let b = m.as_slice().iter().map(|v| v.to_f64().to_bits()).collect();
            (m.rows(), m.cols(), b)
        })
        .collect()
}

fn loads_pytorch_linears<T: Scalar>() {
    let dir = TempDir::new("torch-layout");
    let first = TorchLinear::new(3, 4, 0.25); // non-square
    let second = TorchLinear::new(4, 4, -0.75); // square
    let path = dir.join("torch.safetensors");
    write_torch_file::<T>(&path, &[&first, &second], Some(&pt_meta()));

    let mut model = net::<T>(9.0);
    load_model_with(&path, &mut model, WeightLayout::PyTorch).unwrap();

    // Element by element: groundup's W[i][o] is PyTorch's weight[o][i];
    // biases are PyTorch's [out] as 1 x out.
    let p = values(&model);
    for (k, l) in [&first, &second].into_iter().enumerate() {
        let (w, b) = (&p[2 * k], &p[2 * k + 1]);
        assert_eq!(w.shape(), (l.inputs, l.outputs), "layer {k}");
        for i in 0..l.inputs {
            for o in 0..l.outputs {
                assert_eq!(
                    w[(i, o)],
                    T::from_f64(l.weight[o * l.inputs + i]),
                    "{}: layer {k} W[{i}][{o}]",
                    T::DTYPE
                );
            }
        }
        assert_eq!(b.as_slice(), cast::<T>(&l.bias).as_slice(), "layer {k} b");
    }

    // And the forward pass is PyTorch's: Linear, Sigmoid, Linear.
    let x: Vec<Vec<f64>> = (0..5)
        .map(|r| (0..3).map(|c| (r * 3 + c) as f64 * 0.3 - 2.0).collect())
        .collect();
    let h: Vec<Vec<f64>> = first
        .apply(&x)
        .into_iter()
        .map(|row| row.into_iter().map(|a| 1.0 / (1.0 + (-a).exp())).collect())
        .collect();
    let want = second.apply(&h);
    let xm = Matrix::from_fn(5, 3, |r, c| T::from_f64(x[r][c]));
    let got = model.infer(xm.view());
    let tol = if T::DTYPE == groundup::DType::F32 {
        1e-5
    } else {
        1e-12
    };
    for r in 0..5 {
        for o in 0..4 {
            let (g, w) = (got[(r, o)].to_f64(), want[r][o]);
            assert!(
                (g - w).abs() <= tol * w.abs().max(1.0),
                "{}: output ({r}, {o}) = {g}, PyTorch's layout gives {w}",
                T::DTYPE
            );
        }
    }
}

#[test]
fn pytorch_layout_transposes_non_square_and_square_linear_weights() {
    loads_pytorch_linears::<f32>();
    loads_pytorch_linears::<f64>();
}

/// Files written by `scripts/gen_torch_fixtures.py` with torch itself:
/// the state dict of `nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(),
/// nn.Linear(4, 4))`, and an input with torch's output.
fn matches_torch_fixture<T: Scalar>(tol: f64) {
    let name = format!("torch_linear_{}.safetensors", T::DTYPE);
    let mut model = net::<T>(0.0);
    load_model_with(fixture(&name), &mut model, WeightLayout::PyTorch).unwrap();
    let io = load_safetensors(fixture(&format!(
        "torch_linear_io_{}.safetensors",
        T::DTYPE
    )))
    .unwrap();
    let x: Matrix<T> = io.matrix("x").unwrap();
    let want: Matrix<T> = io.matrix("y").unwrap();
    let got = model.infer(x.view());
    assert_eq!(got.shape(), want.shape());
    let scale = want
        .as_slice()
        .iter()
        .fold(0.0f64, |m, v| m.max(v.to_f64().abs()));
    let diff = got
        .as_slice()
        .iter()
        .zip(want.as_slice())
        .fold(0.0f64, |m, (g, w)| m.max((g.to_f64() - w.to_f64()).abs()));
    println!("{name}: max |groundup - torch| = {diff:e} (outputs up to {scale})");
    assert!(
        diff <= tol * scale,
        "{name}: max |groundup - torch| = {diff:e}, more than {tol:e} x {scale}"
    );
    // The default layout refuses the file: it says it is PyTorch's.
    let err = load_model(fixture(&name), &mut net::<T>(0.0)).unwrap_err();
    assert!(err.to_string().contains("\"pt\""), "{err}");
}

#[test]
fn torch_written_state_dict_gives_torch_outputs() {
    matches_torch_fixture::<f32>(1e-6);
    matches_torch_fixture::<f64>(1e-14);
}

#[test]
fn format_metadata_of_the_other_layout_is_an_error() {
    let dir = TempDir::new("torch-layout");
    let first = TorchLinear::new(3, 4, 0.25);
    let second = TorchLinear::new(4, 4, -0.75);
    let pt = dir.join("pt.safetensors");
    write_torch_file::<f64>(&pt, &[&first, &second], Some(&pt_meta()));

    // A "pt" file in groundup's layout: named, with the option to use, and
    // the model unchanged (even though its square weight would fit).
    let mut model = net::<f64>(9.0);
    let before = values(&model);
    for err in [
        load_model(&pt, &mut model).unwrap_err(),
        model.load(&pt).unwrap_err(),
    ] {
        let msg = err.to_string();
        assert!(matches!(err, Error::ModelMismatch(_)), "{msg}");
        for want in [
            pt.to_str().unwrap(),
            "\"pt\"",
            "(out, in)",
            "WeightLayout::PyTorch",
        ] {
            assert!(msg.contains(want), "{want:?} missing in: {msg}");
        }
    }
    assert_eq!(values(&model), before);

    // A groundup file in PyTorch's layout, likewise.
    let ours = dir.join("groundup.safetensors");
    save_model(&ours, &net::<f64>(1.0)).unwrap();
    let err = load_model_with(&ours, &mut model, WeightLayout::PyTorch).unwrap_err();
    let msg = err.to_string();
    for want in [
        ours.to_str().unwrap(),
        "\"groundup\"",
        "(in, out)",
        "load_model",
    ] {
        assert!(msg.contains(want), "{want:?} missing in: {msg}");
    }
    assert_eq!(values(&model), before);

    // Each loads in its own layout.
    load_model(&ours, &mut model).unwrap();
    assert_eq!(values(&model), values(&net::<f64>(1.0)));
    load_model_with(&pt, &mut model, WeightLayout::PyTorch).unwrap();
}

#[test]
fn without_metadata_the_caller_chooses_and_shapes_are_checked() {
    let dir = TempDir::new("torch-layout");
    let first = TorchLinear::new(3, 4, 0.25);
    let second = TorchLinear::new(4, 4, -0.75);
    let path = dir.join("plain.safetensors");
    write_torch_file::<f32>(&path, &[&first, &second], None);

    // groundup's layout: the non-square (out, in) weight does not fit, and
    // the error says it is the transpose.
    let mut model = net::<f32>(9.0);
    let msg = load_model(&path, &mut model).unwrap_err().to_string();
    for want in ["layers.0.W", "[4, 3]", "(3, 4)", "WeightLayout::PyTorch"] {
        assert!(msg.contains(want), "{want:?} missing in: {msg}");
    }
    // PyTorch's layout, as the caller says.
    load_model_with(&path, &mut model, WeightLayout::PyTorch).unwrap();
    assert_eq!(model.params()[0].value[(0, 1)], first.weight[3] as f32);

    // A file in groundup's layout (W stored (in, out), no metadata) read as
    // PyTorch's: the non-square weight is caught, naming both layouts' shapes.
    let ours = dir.join("ours.safetensors");
    let w = Matrix::<f32>::zeros(3, 4);
    let b = Matrix::<f32>::zeros(1, 4);
    let w2 = Matrix::<f32>::zeros(4, 4);
    save_safetensors(
        &ours,
        &[
            ("layers.0.W", (&w).into()),
            ("layers.0.b", (&b).into()),
            ("layers.2.W", (&w2).into()),
            ("layers.2.b", (&b).into()),
        ],
        None,
    )
    .unwrap();
    let before = values(&model);
    let msg = load_model_with(&ours, &mut model, WeightLayout::PyTorch)
        .unwrap_err()
        .to_string();
    for want in ["layers.0.W", "[3, 4]", "(3, 4)", "[4, 3]", "(out, in)"] {
        assert!(msg.contains(want), "{want:?} missing in: {msg}");
    }
    assert_eq!(values(&model), before);
}

fn round_trip<T: Scalar>() {
    let dir = TempDir::new("torch-layout");
    let path = dir.join("rt.safetensors");
    let mut model = net::<T>(0.0);
    let mut k = 0.0;
    model.for_each_param(&mut |_, p| {
        for v in p.value.as_mut_slice() {
            k += 1.0;
            *v = T::from_f64((k * 0.7f64).sin() / 3.0);
        }
    });
    save_model_with(&path, &model, WeightLayout::PyTorch).unwrap();

    // On disk: PyTorch's state dict, weights (out, in), biases 1-D.
    let file = load_safetensors(&path).unwrap();
    assert_eq!(file.metadata.get("format").map(String::as_str), Some("pt"));
    let shape = |n: &str| file.tensors[n].shape().to_vec();
    assert_eq!(shape("layers.0.W"), [4, 3]);
    assert_eq!(shape("layers.0.b"), [4]);
    assert_eq!(shape("layers.2.W"), [4, 4]);
    assert_eq!(shape("layers.2.b"), [4]);
    let w2: Matrix<T> = file.matrix("layers.2.W").unwrap();
    assert_eq!(w2, model.params()[2].value.transpose());
    assert_ne!(w2, model.params()[2].value); // not symmetric: the test sees a transpose

    let mut back = net::<T>(5.0);
    back.load_with(&path, WeightLayout::PyTorch).unwrap();
    assert_eq!(bits(&values(&back)), bits(&values(&model)), "{}", T::DTYPE);
}

#[test]
fn pytorch_layout_round_trip_is_bit_identical() {
    round_trip::<f32>();
    round_trip::<f64>();
}

/// A layer with one parameter of a given kind (or none reported): a
/// lookup-table stand-in, `(rows, cols)`.
struct Table {
    params: [Param<f64>; 1],
    kinds: &'static [ParamKind],
}

impl Layer<f64> for Table {
    fn name(&self) -> &'static str {
        "Table"
    }
    fn forward(&mut self, _: MatrixView<'_, f64>) -> &Matrix<f64> {
        &self.params[0].value
    }
    fn infer(&self, _: MatrixView<'_, f64>) -> Matrix<f64> {
        self.params[0].value.clone()
    }
    fn backward(&mut self, _: MatrixView<'_, f64>) -> &Matrix<f64> {
        &self.params[0].grad
    }
    fn params(&self) -> &[Param<f64>] {
        &self.params
    }
    fn params_mut(&mut self) -> &mut [Param<f64>] {
        &mut self.params
    }
    fn param_names(&self) -> &'static [&'static str] {
        &["E"]
    }
    fn param_kinds(&self) -> &'static [ParamKind] {
        self.kinds
    }
}

fn table(kinds: &'static [ParamKind], fill: f64) -> Sequential<f64> {
    let value = Matrix::from_fn(5, 2, |i, j| fill + (i * 2 + j) as f64);
    Sequential::new(SoftmaxWithLoss::new()).with(Table {
        params: [Param::new(value)],
        kinds,
    })
}

#[test]
fn only_linear_weights_transpose_and_unknown_kinds_are_refused() {
    let dir = TempDir::new("torch-layout");
    // An embedding-like table (vocab, dim) is the same in PyTorch: saved
    // and loaded as is, although it is 2-D.
    let path = dir.join("table.safetensors");
    let model = table(&[ParamKind::Other], 1.0);
    save_model_with(&path, &model, WeightLayout::PyTorch).unwrap();
    let file = load_safetensors(&path).unwrap();
    assert_eq!(
        file.matrix::<f64>("layers.0.E").unwrap(),
        model.params()[0].value
    );
    let mut back = table(&[ParamKind::Other], 0.0);
    load_model_with(&path, &mut back, WeightLayout::PyTorch).unwrap();
    assert_eq!(values(&back), values(&model));

    // A layer that does not report its kinds: groundup's layout works,
    // PyTorch's is refused both ways, naming the parameter.
    let mut unknown = table(&[], 0.0);
    let ours = dir.join("ours.safetensors");
    save_model(&ours, &unknown).unwrap();
    load_model(&ours, &mut unknown).unwrap();
    assert_eq!(unknown.param_kinds(), [ParamKind::Unknown]);
    let errs = [
        save_model_with(dir.join("no.safetensors"), &unknown, WeightLayout::PyTorch).unwrap_err(),
        load_model_with(&path, &mut unknown, WeightLayout::PyTorch).unwrap_err(),
    ];
    for err in errs {
        let msg = err.to_string();
        assert!(
            msg.contains("layers.0.E") && msg.contains("Layer::param_kinds"),
            "{msg}"
        );
    }
    assert!(!dir.join("no.safetensors").exists());
}
