#!/usr/bin/env python3
"""Check groundup's .npy and safetensors files against numpy, safetensors and torch.

Usage: python3 scripts/interop_check.py

1. Runs `cargo run --release --example io_roundtrip -- write DIR` and loads
   the files with numpy.load, safetensors.numpy.load_file and (if torch is
   installed) safetensors.torch.load_file, checking every value bit for bit.
2. Writes the same data with np.save / safetensors.numpy.save_file and
   reports whether the bytes are identical to groundup's (informational).
3. Writes random arrays from Python, has the example read and re-write them
   (`echo`), and checks the echoes bit for bit.

Prints SKIP and exits 0 when numpy or safetensors is missing; exits 1 on
any mismatch.
"""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from safetensors.numpy import load_file as st_load_np
    from safetensors.numpy import save_file as st_save_np
except ImportError as e:
    print(f"SKIP: interop check needs numpy and safetensors ({e})")
    sys.exit(0)

try:
    import torch
    from safetensors.torch import load_file as st_load_torch
except ImportError:
    torch = None

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SPECIAL_F32 = [0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7FC01234, 0x00000001]
SPECIAL_F64 = [0x8000000000000000, 0x7FF0000000000000, 0x7FF8DEADBEEF0001, 0x0000000000000001]
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def expected(rows, cols, dtype, special):
    k = np.arange(rows * cols, dtype=np.float64).reshape(rows, cols) * 0.25 - 3.0
    a = k.astype(dtype)
    bits = np.array(special, dtype=np.uint32 if dtype == np.float32 else np.uint64)
    a[0] = bits.view(dtype)
    return a


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    u = {4: np.uint32, 8: np.uint64}[a.dtype.itemsize]
    return np.array_equal(a.view(u), b.view(u))


def cargo_example(*args):
    cmd = ["cargo", "run", "--release", "--quiet", "--example", "io_roundtrip", "--", *args]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        print(f"FAIL: {' '.join(cmd)} exited with {r.returncode}")
        sys.exit(1)
    print("rust: " + r.stdout.strip().replace("\n", "\nrust: "))


def main():
    print(f"numpy {np.__version__}, safetensors {__import__('safetensors').__version__}, "
          f"torch {torch.__version__ if torch else 'not installed (torch checks skipped)'}")
    w = expected(3, 6, np.float32, SPECIAL_F32)
    m64 = expected(3, 4, np.float64, SPECIAL_F64)
    b = np.array([0.5, -0.0, 1e300])
    s = np.array(2.5)
    e = np.zeros((0, 4), dtype=np.float32)
    with tempfile.TemporaryDirectory(prefix="groundup-interop-") as d:
        # 1. Rust writes, Python reads.
        cargo_example("write", d)
        a = np.load(os.path.join(d, "rust_f32.npy"))
        check(same_bits(a, w), f"numpy.load rust_f32.npy: {a.dtype} {a.shape}, bits equal")
        a = np.load(os.path.join(d, "rust_f64.npy"))
        check(same_bits(a, m64), f"numpy.load rust_f64.npy: {a.dtype} {a.shape}, bits equal")
        path = os.path.join(d, "rust.safetensors")
        t = st_load_np(path)
        check(sorted(t) == ["b", "e", "s", "w"], f"safetensors.numpy.load_file: names {sorted(t)}")
        check(same_bits(t["w"], w) and same_bits(t["b"], b) and same_bits(t["s"], s) and same_bits(t["e"], e),
              "safetensors.numpy.load_file: w f32 (3, 6), b f64 (3,), s f64 (), e f32 (0, 4), bits equal")
        from safetensors import safe_open
        with safe_open(path, framework="numpy") as f:
            check(f.metadata() == {"epoch": "3"}, f"safe_open metadata {f.metadata()}")
        if torch is not None:
            tt = st_load_torch(path)
            ok = all(same_bits(tt[k].numpy(), v) for k, v in [("w", w), ("b", b), ("s", s), ("e", e)])
            check(ok and tt["w"].dtype == torch.float32 and tt["b"].dtype == torch.float64,
                  f"safetensors.torch.load_file: dtypes {tt['w'].dtype}/{tt['b'].dtype}, bits equal")

        # 2. Byte identity with the reference writers (informational).
        pd = os.path.join(d, "py")
        os.makedirs(pd)
        np.save(os.path.join(pd, "w.npy"), w)
        st_save_np({"w": w, "b": b, "s": s, "e": e}, os.path.join(pd, "ref.safetensors"), metadata={"epoch": "3"})
        for ours, ref in [("rust_f32.npy", "w.npy"), ("rust.safetensors", "ref.safetensors")]:
            same = open(os.path.join(d, ours), "rb").read() == open(os.path.join(pd, ref), "rb").read()
            print(f"info {ours} is {'byte-identical to' if same else 'not byte-identical to'} the reference writer's output")

        # 3. Python writes, Rust reads and echoes.
        rng = np.random.default_rng(1984)
        p32 = rng.standard_normal((5, 7)).astype(np.float32)
        p32[0, :4] = np.array([0x7FC0BEEF, 0x80000000, 0xFF800000, 0x00000003], dtype=np.uint32).view(np.float32)
        p64 = rng.standard_normal((1, 9))
        np.save(os.path.join(pd, "py_f32.npy"), p32)
        np.save(os.path.join(pd, "py_f64.npy"), p64)
        tensors = {"x": p32, "y": p64[0], "z": rng.standard_normal((2, 3, 4))}
        st_save_np(tensors, os.path.join(pd, "py.safetensors"), metadata={"k": "v \u00e9", "a": "b"})
        out = os.path.join(d, "echo")
        os.makedirs(out)
        cargo_example("echo", pd, out)
        check(same_bits(np.load(os.path.join(out, "echo_f32.npy")), p32), "echo of np.save f32 (5, 7): bits equal")
        check(same_bits(np.load(os.path.join(out, "echo_f64.npy")), p64), "echo of np.save f64 (1, 9): bits equal")
        back = st_load_np(os.path.join(out, "echo.safetensors"))
        check(set(back) == set(tensors) and all(same_bits(back[k], v) for k, v in tensors.items()),
              "echo of safetensors x f32 (5, 7), y f64 (9,), z f64 (2, 3, 4): bits equal")
        with safe_open(os.path.join(out, "echo.safetensors"), framework="numpy") as f:
            check(f.metadata() == {"k": "v \u00e9", "a": "b"}, "echo keeps metadata")
    if failures:
        print(f"FAIL: {len(failures)} of {checks} checks failed")
        return 1
    print(f"PASS: {checks} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
