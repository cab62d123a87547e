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
4. (torch only) PyTorch's nn.Linear layout, weight (out, in), bias [out]:
   saves the state dict of nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(),
   nn.Linear(4, 4)) in float32 and float64 (keys renamed to groundup's
   parameter names, metadata {"format": "pt"}); the example (`linear`)
   loads it with WeightLayout::PyTorch and its outputs are compared with
   torch's. The example also saves its own network with
   WeightLayout::PyTorch, which torch loads with load_state_dict (strict)
   and must reproduce the example's outputs. Reports the max differences.
5. The dtypes files come in (`io_roundtrip dtypes`): torch writes F16,
   BF16, I64, I32, U8 and BOOL tensors (and safetensors.numpy I8, U16...),
   groundup widens each exactly to F64 (and reads the integer/bool vectors
   as labels); float32 values chosen to exercise rounding (ties, subnormals,
   overflow, NaN) are written by groundup as F16 and BF16 and must equal
   torch's own `.to(float16 / bfloat16)` bit for bit; numpy's savez and
   savez_compressed archives of bool, int, uint, half, Fortran-ordered and
   big-endian members are read and written back as .npz, which numpy
   compares with its own values (1-D arrays come back as columns).

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
    from safetensors.torch import save_file as st_save_torch
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


# torch's nn.Sequential state-dict keys -> groundup's parameter names.
TORCH_TO_GROUNDUP = {"0.weight": "layers.0.W", "0.bias": "layers.0.b", "2.weight": "layers.2.W", "2.bias": "layers.2.b"}
# Max |groundup - torch| allowed, relative to max |torch output|.
LINEAR_TOL = {"float32": 1e-6, "float64": 1e-14}


def torch_linear_net(dtype):
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 4)).to(dtype)


def compare(ours, theirs, dtype_name, what):
    diff = float(np.max(np.abs(ours.astype(np.float64) - theirs.astype(np.float64))))
    scale = float(np.max(np.abs(theirs)))
    tol = LINEAR_TOL[dtype_name]
    check(ours.shape == theirs.shape and ours.dtype == theirs.dtype and diff <= tol * scale,
          f"{what} {dtype_name} {ours.shape}: max |groundup - torch| = {diff:.3e} "
          f"(relative {diff / scale:.3e}, limit {tol:g})")


def torch_linear(d):
    """Section 4: nn.Linear state dicts both ways (see the module docstring)."""
    if torch is None:
        print("SKIP nn.Linear round trip: torch not installed")
        return
    from safetensors import safe_open
    torch.manual_seed(10)
    ld = os.path.join(d, "linear")
    os.makedirs(ld)
    dtypes = [(torch.float32, "float32"), (torch.float64, "float64")]
    inputs, outputs = {}, {}
    for dtype, name in dtypes:
        net = torch_linear_net(dtype)
        sd = {TORCH_TO_GROUNDUP[k]: v.detach().contiguous() for k, v in net.state_dict().items()}
        st_save_torch(sd, os.path.join(ld, f"torch_{name}.safetensors"), metadata={"format": "pt"})
        x = torch.randn(6, 3, dtype=dtype) * 2.0
        np.save(os.path.join(ld, f"x_{name}.npy"), x.numpy())
        with torch.no_grad():
            outputs[name] = net(x).numpy()
        inputs[name] = x
    cargo_example("linear", ld)
    for dtype, name in dtypes:
        # torch -> groundup: the example's outputs with torch's weights.
        compare(np.load(os.path.join(ld, f"y_torch_{name}.npy")), outputs[name], name,
                "torch state dict -> groundup (WeightLayout::PyTorch) forward")
        # groundup -> torch: the example's own network in torch.
        path = os.path.join(ld, f"groundup_{name}.safetensors")
        with safe_open(path, framework="pt") as f:
            meta = f.metadata()
        sd = st_load_torch(path)
        back = {v: k for k, v in TORCH_TO_GROUNDUP.items()}
        net = torch_linear_net(dtype)
        try:
            net.load_state_dict({back[k]: v for k, v in sd.items()}, strict=True)
        except (KeyError, RuntimeError) as e:
            check(False, f"torch load_state_dict of groundup_{name}.safetensors: {e}")
            continue
        shapes = {k: tuple(v.shape) for k, v in sd.items()}
        check(meta == {"format": "pt"} and shapes == {"layers.0.W": (4, 3), "layers.0.b": (4,),
                                                      "layers.2.W": (4, 4), "layers.2.b": (4,)},
              f"groundup save_model_with(PyTorch) {name}: metadata {meta}, shapes {shapes}")
        with torch.no_grad():
            theirs = net(inputs[name]).numpy()
        compare(np.load(os.path.join(ld, f"y_groundup_{name}.npy")), theirs, name,
                "groundup (WeightLayout::PyTorch) -> torch load_state_dict forward")


def half_bits(t):
    """The 16-bit patterns of a float16/bfloat16 tensor as uint16."""
    return t.contiguous().view(torch.int16).numpy().view(np.uint16)


def half_source():
    """float32 values that exercise F16/BF16 rounding: ties to even either
    way, the subnormal and overflow boundaries, signed zeros, inf, NaN."""
    v = [0.0, -0.0, 1.0, -2.5, 0.1, 1 / 3, 65504.0, 65519.99, 65520.0, 1e6, -1e6,
         2.0 ** -24, 2.0 ** -25, 3 * 2.0 ** -26, 2.0 ** -14, 6.1e-5, 1e-8, 3.4e38,
         np.inf, -np.inf, 1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11, 1.0 + 2.0 ** -8,
         1.0 + 3 * 2.0 ** -8, 1.0 + 2.0 ** -8 + 2.0 ** -20, 1e-40, -1e-45, np.nan]
    a = np.array(v, dtype=np.float32)
    rng = np.random.default_rng(7)
    r = rng.standard_normal(100).astype(np.float32) * np.float32(10.0) ** rng.integers(-9, 6, 100).astype(np.float32)
    return np.concatenate([a, r, np.zeros(128 - len(a) - len(r), dtype=np.float32)]).reshape(8, 16)


def dtypes_roundtrip(d):
    """Section 5 (see the module docstring)."""
    from safetensors.numpy import save_file as np_save
    dd = os.path.join(d, "dtypes")
    os.makedirs(dd)
    rng = np.random.default_rng(5)
    want = {}  # name -> float64 values groundup must produce
    if torch is not None:
        tensors = {
            "f16": torch.from_numpy(rng.standard_normal((3, 5)).astype(np.float16)),
            "bf16": torch.randn(4, 3, generator=torch.Generator().manual_seed(3)).to(torch.bfloat16),
            "i64": torch.tensor([3, 0, 2, 2, 1, 9007199254740992], dtype=torch.int64),
            "i32": torch.tensor([[-7, 0, 2147483647], [5, -2147483648, 1]], dtype=torch.int32),
            "u8": torch.tensor([0, 255, 7, 1, 3, 4], dtype=torch.uint8),
            "bool": torch.tensor([True, False, False, True, True]),
        }
        tensors["f16"][0, 0] = float("nan")
        st_save_torch(tensors, os.path.join(dd, "py_dtypes.safetensors"))
        want = {k: v.to(torch.float64).numpy() for k, v in tensors.items()}
    else:
        tensors = {
            "f16": rng.standard_normal((3, 5)).astype(np.float16),
            "i64": np.array([3, 0, 2, 2, 1, 2 ** 53], dtype=np.int64),
            "u8": np.array([0, 255, 7, 1, 3, 4], dtype=np.uint8),
            "bool": np.array([True, False, False, True, True]),
        }
        np_save(tensors, os.path.join(dd, "py_dtypes.safetensors"))
        want = {k: v.astype(np.float64) for k, v in tensors.items()}
    src = half_source()
    np.save(os.path.join(dd, "half_src.npy"), src)
    members = {
        "b1": np.array([[True, False], [False, True]]),
        "i8_labels": np.array([4, 0, 1, 1, 2], dtype=np.int64),
        "i1": np.array([-128, 127, 0], dtype=np.int8),
        "u2": np.array([[0, 65535, 9]], dtype=np.uint16),
        "u4_be": np.array([4000000000, 1], dtype=">u4"),
        "f2": rng.standard_normal((2, 3)).astype(np.float16),
        "f4_fortran": np.asfortranarray(rng.standard_normal((3, 4)).astype(np.float32)),
        "f8_be": rng.standard_normal((2, 2)).astype(">f8"),
        "scalar": np.array(2.5),
    }
    np.savez_compressed(os.path.join(dd, "py_dtypes.npz"), **members)
    np.savez(os.path.join(dd, "py_dtypes_stored.npz"), **members)

    cargo_example("dtypes", dd)

    back = st_load_np(os.path.join(dd, "rust_dtypes.safetensors"))
    for name, w in want.items():
        got = back.get(name)
        ok = got is not None and got.dtype == np.float64 and got.shape == w.shape and \
            np.array_equal(got, w, equal_nan=True)
        check(ok, f"safetensors {tensors[name].dtype} {tuple(w.shape)} -> groundup tensor_as::<f64>: equal")
    for name in ("i64", "u8", "bool"):
        got = back.get(name + ".labels")
        check(got is not None and np.array_equal(got, want[name].reshape(-1)),
              f"safetensors {name} -> groundup labels: equal")
    for name in ("i32", "f16", "bf16"):
        if name in want:
            # i32 has negatives and is 2-D, the floats are not labels.
            check(name + ".labels" not in back, f"safetensors {name} refused as labels")

    if torch is not None:
        half = st_load_torch(os.path.join(dd, "rust_half.safetensors"))
        t = torch.from_numpy(src)
        for name, dt in (("f16", torch.float16), ("bf16", torch.bfloat16)):
            ours, theirs = half[name], t.to(dt)
            same = ours.dtype == dt and tuple(ours.shape) == tuple(theirs.shape)
            if same:
                a, b = half_bits(ours), half_bits(theirs)
                nan = torch.isnan(theirs).numpy()
                same = np.array_equal(a[~nan], b[~nan]) and bool(torch.isnan(ours).numpy()[nan].all())
            check(same, f"groundup StoreAs::{name.upper()} of {src.size} float32 values == torch .to({dt}) "
                        "bit for bit (NaN as NaN)")
    else:
        print("SKIP F16/BF16 writer check: torch not installed")

    for ours, kind in (("rust_from_npz.npz", "savez_compressed"), ("rust_from_npz_stored.npz", "savez")):
        with np.load(os.path.join(dd, ours)) as f:
            got = {k: f[k] for k in f.files}
        bad = []
        for name, a in members.items():
            w = a.astype(np.float64)
            w = w.reshape(-1, 1) if w.ndim == 1 else w.reshape(1, 1) if w.ndim == 0 else w
            g = got.get(name)
            if g is None or g.shape != w.shape or not np.array_equal(g, w):
                bad.append(name)
        for name in ("b1", "i8_labels", "i1", "u2", "u4_be", "scalar"):
            a = members[name]
            is_vec = a.ndim <= 1 or 1 in a.shape
            if is_vec and a.dtype.kind in "biu" and (a >= 0).all():
                g = got.get(name + ".labels")
                if g is None or not np.array_equal(g.reshape(-1), a.reshape(-1).astype(np.float64)):
                    bad.append(name + ".labels")
            elif name + ".labels" in got:
                bad.append(name + ".labels (should be refused)")
        check(not bad and list(got)[:2] == ["b1", "i8_labels"],
              f"numpy {kind} of {len(members)} members (b1, i1, i8, u2, >u4, f2, Fortran f4, >f8, 0-d) -> "
              f"groundup Npz -> write_npz -> numpy: equal{'' if not bad else ' except ' + ', '.join(bad)}")


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

        # 4. PyTorch's nn.Linear layout, both ways.
        torch_linear(d)

        # 5. The dtypes users' files come in.
        dtypes_roundtrip(d)
    if failures:
        print(f"FAIL: {len(failures)} of {checks} checks failed")
        return 1
    print(f"PASS: {checks} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
