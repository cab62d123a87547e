//! Interop helper for `scripts/interop_check.py`: writes `.npy` and
//! safetensors files for Python to check, and echoes files Python wrote.
//!
//! ```text
//! cargo run --release --example io_roundtrip -- write OUT_DIR
//! cargo run --release --example io_roundtrip -- echo IN_DIR OUT_DIR
//! cargo run --release --example io_roundtrip -- linear DIR
//! cargo run --release --example io_roundtrip -- dtypes DIR
//! ```
//!
//! `write` creates `rust_f32.npy` (3 x 6), `rust_f64.npy` (3 x 4) and
//! `rust.safetensors` (`w`: F32 3 x 6, `b`: F64 [3], `s`: F64 scalar,
//! `e`: F32 [0, 4], metadata `epoch` = `3`). Row 0 of each matrix holds
//! special bit patterns; element k of the other rows is `k * 0.25 - 3`
//! (k counted row-major over the whole matrix).
//!
//! `echo` reads `py_f32.npy`, `py_f64.npy` and `py.safetensors` and writes
//! them back unchanged as `echo_f32.npy`, `echo_f64.npy` and
//! `echo.safetensors`.
//!
//! `linear` exchanges PyTorch's `nn.Sequential(nn.Linear(3, 4),
//! nn.Sigmoid(), nn.Linear(4, 4))` with the same groundup [`Sequential`]
//! (Affine, Sigmoid, Affine), for each DTYPE of `float32` and `float64`:
//! it loads `torch_DTYPE.safetensors` (PyTorch's state dict under
//! groundup's names, weights `(out, in)`) with [`WeightLayout::PyTorch`],
//! checks that groundup's default layout refuses that file, and writes its
//! output on `x_DTYPE.npy` to `y_torch_DTYPE.npy`; then it builds its own
//! network (seeded weights), saves it with [`WeightLayout::PyTorch`] to
//! `groundup_DTYPE.safetensors` for `load_state_dict`, and writes its
//! output on the same input to `y_groundup_DTYPE.npy`.
//!
//! `dtypes` reads what Python wrote in the dtypes users' files come in and
//! writes back what groundup made of them, for Python to compare:
//! * every tensor of `py_dtypes.safetensors` (F16, BF16, I64, I32, U8,
//!   BOOL, ...) widened exactly with `tensor_as::<f64>` into
//!   `rust_dtypes.safetensors` (all F64, same names), and each one
//!   `labels` accepts as `NAME.labels` (F64 vector of the ids);
//! * `half_src.npy` (float32) saved with `StoreAs::F16` and `StoreAs::BF16`
//!   as tensors `f16` and `bf16` of `rust_half.safetensors`;
//! * every member of `py_dtypes.npz` and `py_dtypes_stored.npz` read as
//!   `Matrix<f64>` into `rust_from_npz.npz` (compressed) and
//!   `rust_from_npz_stored.npz` (same names; labels as `NAME.labels`, a
//!   column).

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::io::{
    load_model, load_model_with, load_safetensors, save_model_with, save_safetensors, write_npz,
    Npz, StoreAs, Tensor, TensorView, WeightLayout,
};
use groundup::layers::{Affine, Sigmoid, SoftmaxWithLoss};
use groundup::model::{Model, Sequential};
use groundup::{Matrix, RandomState, Result, Scalar};
use std::collections::BTreeMap;
use std::path::Path;

const SPECIAL_F32: [u32; 6] = [
    0x8000_0000,
    0x7f80_0000,
    0xff80_0000,
    0x7fc0_0000,
    0x7fc0_1234,
    0x0000_0001,
];
const SPECIAL_F64: [u64; 4] = [
    0x8000_0000_0000_0000,
    0x7ff0_0000_0000_0000,
    0x7ff8_dead_beef_0001,
    0x0000_0000_0000_0001,
];

fn matrix_f32() -> Matrix<f32> {
    Matrix::from_fn(3, 6, |i, j| match i {
        0 => f32::from_bits(SPECIAL_F32[j]),
        _ => (i * 6 + j) as f32 * 0.25 - 3.0,
    })
}

fn matrix_f64() -> Matrix<f64> {
    Matrix::from_fn(3, 4, |i, j| match i {
        0 => f64::from_bits(SPECIAL_F64[j]),
        _ => (i * 4 + j) as f64 * 0.25 - 3.0,
    })
}

fn write(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|source| groundup::Error::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let (w, m64) = (matrix_f32(), matrix_f64());
    w.write_npy(out.join("rust_f32.npy"))?;
    m64.write_npy(out.join("rust_f64.npy"))?;
    let b = [0.5f64, -0.0, 1e300];
    let meta = BTreeMap::from([("epoch".to_string(), "3".to_string())]);
    save_safetensors(
        out.join("rust.safetensors"),
        &[
            ("w", (&w).into()),
            ("b", TensorView::new(vec![3], &b[..])?),
            ("s", TensorView::new(vec![], &[2.5f64][..])?),
            ("e", TensorView::new(vec![0, 4], &[0.0f32; 0][..])?),
        ],
        Some(&meta),
    )?;
    outln!(
        "wrote rust_f32.npy, rust_f64.npy, rust.safetensors to {}",
        out.display()
    );
    Ok(())
}

fn echo(input: &Path, out: &Path) -> Result<()> {
    Matrix::<f32>::read_npy(input.join("py_f32.npy"))?.write_npy(out.join("echo_f32.npy"))?;
    Matrix::<f64>::read_npy(input.join("py_f64.npy"))?.write_npy(out.join("echo_f64.npy"))?;
    let st = load_safetensors(input.join("py.safetensors"))?;
    outln!(
        "read py.safetensors: {} tensors, {} metadata entries",
        st.tensors.len(),
        st.metadata.len()
    );
    st.save(out.join("echo.safetensors"))?;
    outln!("echoed into {}", out.display());
    Ok(())
}

/// Affine(3, 4) → Sigmoid → Affine(4, 4), weights drawn from `rng` (0.5 ·
/// standard normal) or zero.
fn linear_net<T: Scalar>(rng: Option<&mut RandomState>) -> Sequential<T> {
    let mut draw: Box<dyn FnMut() -> T> = match rng {
        Some(rng) => Box::new(move || T::from_f64(0.5 * rng.randn())),
        None => Box::new(|| T::ZERO),
    };
    let mut m = |rows, cols| Matrix::from_fn(rows, cols, |_, _| draw());
    let (w1, b1, w2, b2) = (m(3, 4), m(1, 4), m(4, 4), m(1, 4));
    Sequential::new(SoftmaxWithLoss::new())
        .with(Affine::new(w1, b1))
        .with(Sigmoid::new())
        .with(Affine::new(w2, b2))
}

fn linear_dtype<T: Scalar>(dir: &Path, rng: &mut RandomState) -> Result<()> {
    let dtype = T::DTYPE;
    let x = Matrix::<T>::read_npy(dir.join(format!("x_{dtype}.npy")))?;

    let torch_file = dir.join(format!("torch_{dtype}.safetensors"));
    let mut net = linear_net::<T>(None);
    match load_model(&torch_file, &mut net) {
        Ok(()) => {
            return Err(groundup::Error::InvalidArgument(format!(
                "{}: groundup's default layout loaded a PyTorch file",
                torch_file.display()
            )))
        }
        Err(e) => outln!("{dtype}: default layout refuses torch's file: {e}"),
    }
    load_model_with(&torch_file, &mut net, WeightLayout::PyTorch)?;
    net.infer(x.view())
        .write_npy(dir.join(format!("y_torch_{dtype}.npy")))?;
    outln!(
        "{dtype}: loaded {} with WeightLayout::PyTorch, wrote y_torch_{dtype}.npy",
        torch_file.display()
    );

    let ours = linear_net::<T>(Some(rng));
    save_model_with(
        dir.join(format!("groundup_{dtype}.safetensors")),
        &ours,
        WeightLayout::PyTorch,
    )?;
    ours.infer(x.view())
        .write_npy(dir.join(format!("y_groundup_{dtype}.npy")))?;
    outln!("{dtype}: saved groundup_{dtype}.safetensors with WeightLayout::PyTorch, wrote y_groundup_{dtype}.npy");
    Ok(())
}

fn linear(dir: &Path) -> Result<()> {
    let mut rng = RandomState::new(10);
    linear_dtype::<f32>(dir, &mut rng)?;
    linear_dtype::<f64>(dir, &mut rng)
}

fn dtypes(dir: &Path) -> Result<()> {
    let st = load_safetensors(dir.join("py_dtypes.safetensors"))?;
    let names: Vec<&String> = st.tensors.keys().chain(st.skipped.keys()).collect();
    let mut wide = Vec::new();
    for name in &names {
        wide.push((name.to_string(), st.tensor_as::<f64>(name)?));
        if let Ok(ids) = st.labels(name) {
            let ids: Vec<f64> = ids.iter().map(|&i| i as f64).collect();
            wide.push((
                format!("{name}.labels"),
                Tensor::from_vec(vec![ids.len()], ids)?,
            ));
        }
    }
    let views: Vec<(&str, TensorView)> = wide.iter().map(|(n, t)| (n.as_str(), t.view())).collect();
    save_safetensors(dir.join("rust_dtypes.safetensors"), &views, None)?;

    let src = Matrix::<f32>::read_npy(dir.join("half_src.npy"))?;
    save_safetensors(
        dir.join("rust_half.safetensors"),
        &[
            ("f16", TensorView::from(&src).store_as(StoreAs::F16)),
            ("bf16", TensorView::from(&src).store_as(StoreAs::BF16)),
        ],
        None,
    )?;

    for (from, to, compressed) in [
        ("py_dtypes.npz", "rust_from_npz.npz", true),
        ("py_dtypes_stored.npz", "rust_from_npz_stored.npz", false),
    ] {
        let npz = Npz::open(dir.join(from))?;
        let mut out = Vec::new();
        for name in npz.names() {
            out.push((name.clone(), npz.matrix::<f64>(name)?));
            if let Ok(ids) = npz.labels(name) {
                let col = Matrix::from_fn(ids.len(), 1, |i, _| ids[i] as f64);
                out.push((format!("{name}.labels"), col));
            }
        }
        let refs: Vec<(&str, &Matrix<f64>)> = out.iter().map(|(n, m)| (n.as_str(), m)).collect();
        write_npz(dir.join(to), &refs, compressed)?;
    }
    outln!(
        "dtypes: {} safetensors tensors widened, F16/BF16 written, npz members echoed in {}",
        names.len(),
        dir.display()
    );
    Ok(())
}

fn main() {
    let args: Vec<String> = match std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect()
    {
        Ok(args) => args,
        Err(bad) => {
            eprintln!(
                "io_roundtrip: argument {:?} is not valid UTF-8",
                bad.to_string_lossy()
            );
            std::process::exit(2);
        }
    };
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["write", out] => write(Path::new(out)),
        ["echo", input, out] => echo(Path::new(input), Path::new(out)),
        ["linear", dir] => linear(Path::new(dir)),
        ["dtypes", dir] => dtypes(Path::new(dir)),
        _ => {
            eprintln!(
                "usage: io_roundtrip write OUT_DIR | echo IN_DIR OUT_DIR | linear DIR | dtypes DIR"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
