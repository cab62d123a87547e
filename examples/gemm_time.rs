//! Times one product shape, call after call, the way the README's
//! per-shape figures were taken (`matmul_into`-sized products from tens of
//! nanoseconds to whole seconds):
//!
//! ```text
//! taskset -c 1 cargo run --release --example gemm_time -- f32 128 1024 8
//! taskset -c 1 cargo run --release --example gemm_time -- f64 128 1024 10 --kernel avx2
//! cargo run --release --example gemm_time -- f32 1024 1024 1024 --threads 2
//! ```
//!
//! `C = A·B` (`C` overwritten, `beta = 0`), A `M×K` and B `K×N`, row-major
//! (`--ta`/`--tb`: stored transposed, as in a backward pass's `xᵀ·dout`
//! and `dout·Wᵀ`). After a warm-up, the product runs in blocks of calls
//! sized to take about 20 ms each; the line printed gives the median and
//! the best block as nanoseconds a call and as GFLOP/s (2·M·N·K a call).
//! Time two builds or two kernels by alternating runs of this: the shared
//! machines these figures come from move by several percent in minutes.

#[macro_use]
#[path = "common/out.rs"]
mod out;
#[path = "common/cli.rs"]
mod cli;

use cli::{main_with, number, value};
use groundup::gemm::{gemm_with, with_full_width_avx512, Config, Kernel};
use groundup::{DType, Scalar, Transpose};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: gemm_time [options] DTYPE M K N

Times C (M x N) = A (M x K) · B (K x N), row-major, call after call.

  DTYPE            f32 or f64
  M K N            the shape (each at least 1)

options:
  --kernel NAME    auto (default: the one products use), portable, avx2,
                   avx512 or neon
  --threads N      threads, at least 1 (default 1)
  --ta, --tb       A stored K x M / B stored N x K, used transposed
  --full-width-avx512
                   the AVX-512 kernel's paths for CPUs that run 512-bit
                   FMAs whole, also on Zen 4 (which runs them as halves:
                   its loop nest on the AVX2 tiles, more products in place)
  --blocks N       timed blocks, at least 1 (default 7)
  -h, --help       this text";

struct Args {
    dtype: DType,
    m: usize,
    k: usize,
    n: usize,
    kernel: Kernel,
    threads: usize,
    ta: bool,
    tb: bool,
    full_width_avx512: bool,
    blocks: usize,
}

fn kernel_named(name: &str) -> Result<Kernel, String> {
    if name == "auto" {
        return Ok(Kernel::selected());
    }
    let kernel = Kernel::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| {
            format!("--kernel {name:?}: expected auto, portable, avx2, avx512 or neon")
        })?;
    if !kernel.is_available() {
        let here: Vec<_> = Kernel::available().iter().map(|k| k.name()).collect();
        return Err(format!(
            "--kernel {name}: not available on this CPU or build (available: {})",
            here.join(", ")
        ));
    }
    Ok(kernel)
}

fn parse(mut argv: std::vec::IntoIter<String>) -> Result<Option<Args>, String> {
    let mut kernel = Kernel::selected();
    let (mut threads, mut blocks, mut ta, mut tb) = (1, 7, false, false);
    let mut full_width_avx512 = false;
    let mut positional = Vec::new();
    while let Some(arg) = argv.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--kernel" => kernel = kernel_named(&value(&arg, argv.next())?)?,
            "--threads" => threads = number(&arg, argv.next(), "a whole number ≥ 1")?,
            "--blocks" => blocks = number(&arg, argv.next(), "a whole number ≥ 1")?,
            "--ta" => ta = true,
            "--tb" => tb = true,
            "--full-width-avx512" => full_width_avx512 = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ => positional.push(arg),
        }
    }
    if threads == 0 {
        return Err("--threads must be at least 1".into());
    }
    if blocks == 0 {
        return Err("--blocks must be at least 1".into());
    }
    let [dtype, m, k, n] = positional.as_slice() else {
        return Err(format!(
            "expected DTYPE M K N, got {} argument(s)",
            positional.len()
        ));
    };
    let dtype = match dtype.as_str() {
        "f32" => DType::F32,
        "f64" => DType::F64,
        other => return Err(format!("DTYPE {other:?}: expected f32 or f64")),
    };
    let dim = |name: &str, v: &str| -> Result<usize, String> {
        match v.parse::<usize>() {
            Ok(d) if d > 0 => Ok(d),
            _ => Err(format!("{name} {v:?}: expected a whole number ≥ 1")),
        }
    };
    Ok(Some(Args {
        dtype,
        m: dim("M", m)?,
        k: dim("K", k)?,
        n: dim("N", n)?,
        kernel,
        threads,
        ta,
        tb,
        full_width_avx512,
        blocks,
    }))
}

/// `len` values in [-0.5, 0.5), a fixed pattern (the time does not depend
/// on the values, short of subnormals, which these are not).
fn values<T: Scalar>(len: usize, step: usize) -> Vec<T> {
    (0..len)
        .map(|i| T::from_f64(((i * step) % 97) as f64 / 97.0 - 0.5))
        .collect()
}

fn time<T: Scalar>(a: &Args) -> Result<(), String> {
    let (m, k, n) = (a.m, a.k, a.n);
    let (len_a, len_b) = (m.checked_mul(k), k.checked_mul(n));
    let (Some(len_a), Some(len_b), Some(len_c)) = (len_a, len_b, m.checked_mul(n)) else {
        return Err(format!(
            "{m}x{k}x{n}: an operand has more elements than memory can hold"
        ));
    };
    let (op_a, lda) = if a.ta {
        (Transpose::Yes, m)
    } else {
        (Transpose::No, k)
    };
    let (op_b, ldb) = if a.tb {
        (Transpose::Yes, k)
    } else {
        (Transpose::No, n)
    };
    let lhs: Vec<T> = values(len_a, 7);
    let rhs: Vec<T> = values(len_b, 5);
    let mut c = vec![T::ZERO; len_c];
    let config = Config {
        kernel: a.kernel,
        threads: a.threads,
    };
    let mut call = || {
        gemm_with(
            config,
            m,
            n,
            k,
            T::ONE,
            &lhs,
            lda,
            op_a,
            &rhs,
            ldb,
            op_b,
            T::ZERO,
            &mut c,
            n,
        )
    };
    // Warm up (buffers, thread pool, caches), then size a block to ~20 ms.
    let start = Instant::now();
    let mut calls = 0u64;
    while calls < 3 || start.elapsed().as_secs_f64() < 0.05 {
        call();
        calls += 1;
    }
    let per_call = start.elapsed().as_secs_f64() / calls as f64;
    let block = ((0.02 / per_call) as u64).max(1);
    let mut ns = Vec::with_capacity(a.blocks);
    for _ in 0..a.blocks {
        let start = Instant::now();
        for _ in 0..block {
            call();
        }
        ns.push(start.elapsed().as_secs_f64() * 1e9 / block as f64);
    }
    ns.sort_by(f64::total_cmp);
    let (median, best) = (ns[ns.len() / 2], ns[0]);
    let flops = 2.0 * m as f64 * n as f64 * k as f64;
    let t = |yes: bool, name: &str| {
        if yes {
            format!(" {name}")
        } else {
            String::new()
        }
    };
    outln!(
        "{} {m}x{k}x{n}{}{}{} kernel={} threads={}: median {:.1} ns/call {:.2} GFLOP/s, best {:.1} ns/call {:.2} GFLOP/s ({} blocks of {block} calls)",
        T::DTYPE,
        t(a.ta, "--ta"),
        t(a.tb, "--tb"),
        t(a.full_width_avx512, "--full-width-avx512"),
        a.kernel.name(),
        a.threads,
        median,
        flops / median,
        best,
        flops / best,
        a.blocks,
    );
    Ok(())
}

fn main() -> ExitCode {
    main_with(USAGE, parse, |a: &Args| {
        let run = || match a.dtype {
            DType::F32 => time::<f32>(a),
            DType::F64 => time::<f64>(a),
        };
        if a.full_width_avx512 {
            with_full_width_avx512(run)
        } else {
            run()
        }
    })
}
