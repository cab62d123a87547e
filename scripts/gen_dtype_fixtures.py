#!/usr/bin/env python3
"""Regenerate tests/fixtures/dtypes/: numpy and safetensors files of every
numeric dtype the readers convert, with what numpy (and PyTorch) say the
values are.

Usage: python3 scripts/gen_dtype_fixtures.py   (needs numpy, safetensors, torch)

Writes
  * npy files: every numeric dtype (b1, i1-i8, u1-u8, f2, f4, f8) x byte
    order (< and >; | for one-byte types) x memory order (C, Fortran), a
    3 x 4 array each; edge cases (2^24 + 1, 2^53 + 1, the extreme integers,
    float16 subnormals, infinities and NaN payloads); 0-, 1-, 2- and 3-D
    label arrays; and arrays of dtypes the reader refuses (structured,
    object, strings, complex, datetime, ...);
  * ints.safetensors and halfs.safetensors: every safetensors integer dtype,
    BOOL, F16 and BF16, written by safetensors.torch;
  * rounding.safetensors: F32 and F64 values with their F16 (numpy) and BF16
    (PyTorch from F32; an exact rational computation, checked against numpy
    and PyTorch, from F64) roundings, for the writer;
  * manifest.txt: one line per array, `file [tensor] key=value ...`:
      shape=R,C       the Matrix shape the reader must give
      f32=/f64=       ok:<hex bits in row-major order> (numpy's astype),
                      err:<index of the first value the float cannot hold
                      exactly>, or mismatch (a float file of the other width)
      ints=           the integer values (row-major; numpy's), for labels
      refused=        the dtype as the header spells it (reader must refuse)
The Rust tests (tests/io_npy.rs, tests/io_safetensors.rs) read the manifest,
so the expectations live here, computed by numpy, not by the code under
test. The files are committed; this script is only needed to regenerate
them.
"""
import io
import math
import os
import random
import sys
from fractions import Fraction

import numpy as np
import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "dtypes")
manifest = []


def flat(arr):
    """The elements in row-major (C) order of the logical array."""
    return np.ascontiguousarray(arr).reshape(-1)


def float_field(arr, ftype, npy):
    """ok:<bits> / err:<index> / mismatch for reading `arr` as `ftype`.

    safetensors refuses the other float width (mismatch); .npy widens f4 to
    f64 and narrows f8 to f32 when every value is an f32 (or NaN)."""
    want = np.dtype(ftype)
    kind = arr.dtype.kind
    if kind == "f" and arr.dtype.itemsize in (4, 8):
        if arr.dtype.itemsize != want.itemsize:
            if not npy:
                return "mismatch"
            if want.itemsize == 4:
                for k, v in enumerate(flat(arr).tolist()):
                    if not (np.isnan(v) or float(np.float32(v)) == v):
                        return f"err:{k}"
    if kind in "iu":
        for k, v in enumerate(flat(arr).tolist()):
            if int(want.type(v)) != v:  # not exact (numpy rounds)
                return f"err:{k}"
    conv = flat(arr).astype(want.newbyteorder("<"))
    ubits = conv.view("<u4" if want.itemsize == 4 else "<u8")
    return "ok:" + ",".join(f"{b:x}" for b in ubits.tolist())


def matrix_shape(shape, npy):
    if len(shape) == 0:
        return "1,1"
    if len(shape) == 1:
        # .npy: a column (one value per sample); safetensors: a row (a bias).
        return f"{shape[0]},1" if npy else f"1,{shape[0]}"
    if len(shape) == 2:
        return f"{shape[0]},{shape[1]}"
    return "none"


def describe(arr, npy):
    fields = [f"shape={matrix_shape(arr.shape, npy)}"]
    fields.append("f32=" + float_field(arr, np.float32, npy))
    fields.append("f64=" + float_field(arr, np.float64, npy))
    if arr.dtype.kind in "biu":
        fields.append("ints=" + ",".join(str(int(v)) for v in flat(arr).tolist()))
    return fields


def npy(name, arr, fortran=False):
    if fortran:
        arr = np.asfortranarray(arr)
    with open(os.path.join(OUT, name), "wb") as f:
        np.save(f, arr)
    # The file really is in the requested memory order and byte order.
    with open(os.path.join(OUT, name), "rb") as f:
        head = f.read(128).decode("latin-1")
    assert f"'fortran_order': {fortran and arr.ndim > 1}" in head, (name, head)
    assert arr.dtype.str in head, (name, arr.dtype.str, head)
    manifest.append(" ".join([name] + describe(arr, True)))


def refused(name, arr):
    with open(os.path.join(OUT, name), "wb") as f:
        np.save(f, arr, allow_pickle=True)
    descr = np.lib.format.dtype_to_descr(arr.dtype)
    manifest.append(f"{name} refused={str(descr).replace(' ', '')}")


GRID = {
    "b1": [True, False, True, True, False, False, True, False, True, False, False, True],
    "i1": [-128, 127, 0, -1, 1, 2, -2, 100, -100, 7, 64, -64],
    "u1": [0, 255, 1, 2, 128, 127, 3, 4, 5, 6, 7, 200],
    "i2": [-32768, 32767, 0, -1, 1, 256, -256, 1000, -1000, 12345, -12345, 2],
    "u2": [0, 65535, 1, 2, 256, 257, 32768, 1000, 12345, 54321, 7, 3],
    # Exact in float32 too: 2^31 - 128 and 2^32 - 256 have 24 significant bits.
    "i4": [-2**31, 2**24, 0, -1, 1, -2**24, 2**31 - 128, 123456, -123456, 2**24 - 1, -(2**24 - 1), 2**30],
    "u4": [0, 2**32 - 256, 1, 2**24, 2**31, 2**24 - 1, 7, 65536, 123456, 2**25 + 2, 3, 2**31 + 2**8],
    "i8": [-2**63, 2**62, 0, -1, 1, -2**24, 2**24, 2**63 - 2**40, 2**53, -2**53, 12345, 2**40 + 2**20],
    "u8": [0, 2**64 - 2**40, 1, 2**63, 2**24, 2**53, 7, 2**40, 12345, 2**62 + 2**39, 3, 2**32],
    "f2": [0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 2**-24, 2**-14 - 2**-24, 2**-14, np.inf, -np.inf, np.nan],
    "f4": [0.0, -0.0, 1.5, np.finfo(np.float32).max, 2**-149, np.inf, -np.inf, np.nan, 1 / 3, -1e-30, -3e38, 1e-40],
    "f8": [0.0, -0.0, 0.1, np.finfo(np.float64).max, 5e-324, np.inf, -np.inf, np.nan, 1 / 3, -1e300, 2.2250738585072014e-308, 1e-310],
}


def grid():
    for code, values in GRID.items():
        orders = ["|"] if code[1] == "1" else ["<", ">"]
        for bo in orders:
            dt = np.dtype(("|" if bo == "|" else bo) + code)
            arr = np.array(values, dtype=object if code[0] in "iu" else None)
            arr = np.array(arr.tolist(), dtype=dt).reshape(3, 4)
            tag = {"|": "na", "<": "le", ">": "be"}[bo]
            for fortran in (False, True):
                npy(f"{code}_{tag}_{'F' if fortran else 'C'}.npy", arr, fortran)


def edges():
    for bo, tag in (("<", "le"), (">", "be")):
        npy(f"i4_2p24p1_{tag}.npy", np.array([1, 2, 2**24, 2**24 + 1, -(2**24 + 1)], dtype=bo + "i4"))
        npy(f"i8_2p53p1_{tag}.npy", np.array([0, 2**53, 2**53 + 1, 2**53 + 2], dtype=bo + "i8"))
        npy(f"i8_edges_{tag}.npy", np.array(
            [0, -1, 2**24, 2**53, -2**53, 2**53 + 2, 2**62, -2**63, 2**53 + 1, 2**63 - 1], dtype=bo + "i8"))
        npy(f"u8_edges_{tag}.npy", np.array([0, 2**63, 2**64 - 2**11, 2**64 - 1], dtype=bo + "u8"))
        npy(f"u4_max_{tag}.npy", np.array([2**32 - 1, 0], dtype=bo + "u4"))
        # Every kind of float16: zeros, subnormals, normals, extremes,
        # infinities, quiet and signalling NaNs with payloads.
        bits = [0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x3555, 0x3c00, 0x3c01, 0x7bff,
                0xfbff, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfd55, 0x7fff, 0xc000]
        npy(f"f2_specials_{tag}.npy", np.array(bits, dtype="<u2").view("<f2").astype(bo + "f2").reshape(3, 6))
    # Labels, and shapes.
    npy("labels_i8.npy", np.array([0, 1, 2, 1, 0, 2, 9], dtype="<i8"))
    npy("labels_i8_neg.npy", np.array([3, 0, -1, 2], dtype="<i8"))
    npy("labels_b1.npy", np.array([True, False, True], dtype="|b1"))
    npy("labels_u1_0d.npy", np.array(7, dtype="|u1"))
    npy("labels_i4_col.npy", np.array([[5], [4], [3]], dtype=">i4"))
    npy("labels_u2_row.npy", np.array([[1, 2, 3, 65535]], dtype="<u2"))
    npy("i2_3d.npy", np.arange(8, dtype="<i2").reshape(2, 2, 2))
    npy("f8_labels.npy", np.array([0.0, 1.0, 2.0]))


def unsupported():
    refused("structured.npy", np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")]))
    refused("structured_nested.npy", np.zeros(2, dtype=[("p", [("x", "<f4"), ("y", "<f4")]), ("n", "<i8", (2,))]))
    refused("object.npy", np.array([1, "x", None], dtype=object))
    refused("unicode.npy", np.array(["ab", "cde"]))
    refused("bytes.npy", np.array([b"ab", b"c"]))
    refused("complex64.npy", np.array([1 + 2j], dtype="<c8"))
    refused("complex128.npy", np.array([[1 + 2j, 3j]], dtype=">c16"))
    refused("datetime.npy", np.array(["2024-01-02"], dtype="datetime64[ns]"))
    refused("timedelta.npy", np.array([5], dtype="timedelta64[s]"))
    refused("void.npy", np.zeros(2, dtype="V4"))
    refused("longdouble.npy", np.zeros(2, dtype=np.longdouble))


# --- safetensors --------------------------------------------------------

def st_line(file, name, arr):
    manifest.append(" ".join([file, name] + describe(arr, False)))


def safetensors_files():
    ints = {
        "i8": (torch.int8, [-128, 127, 0, -1, 5, 6]),
        "u8": (torch.uint8, [0, 255, 1, 2, 3, 4]),
        "i16": (torch.int16, [-32768, 32767, 0, -1, 5, 6]),
        "u16": (torch.uint16, [0, 65535, 1, 2, 3, 4]),
        "i32": (torch.int32, [-2**31, 2**31 - 1, 2**24, 2**24 + 1, -1, 0]),
        "u32": (torch.uint32, [0, 2**32 - 1, 2**24, 2**25 + 2, 1, 2]),
        "i64": (torch.int64, [0, 2**53, 2**53 + 2, 2**53 + 1, -2**63, 2**63 - 1]),
        "u64": (torch.uint64, [0, 2**63, 2**64 - 2**11, 2**64 - 1, 1, 2]),
        "bool": (torch.bool, [True, False, False, True, True, False]),
        "labels": (torch.int64, [2, 0, 1, 1, 0, 2]),
        "neg": (torch.int64, [2, 0, -3, 1, 0, 2]),
    }
    tensors = {}
    for name, (dt, values) in ints.items():
        shape = (6,) if name in ("labels", "neg") else (2, 3)
        if dt in (torch.uint32, torch.uint64):
            # torch cannot build these from large Python ints: go through numpy.
            t = torch.from_numpy(np.array(values, dtype=np.uint32 if dt == torch.uint32 else np.uint64))
        else:
            t = torch.tensor(values, dtype=dt)
        tensors[name] = t.reshape(shape)
        st_line("ints.safetensors", name, np.array(values, dtype=object).reshape(shape).astype(
            {torch.int8: "i1", torch.uint8: "u1", torch.int16: "i2", torch.uint16: "u2",
             torch.int32: "i4", torch.uint32: "u4", torch.int64: "i8", torch.uint64: "u8",
             torch.bool: "b1"}[dt]))
    tensors["col"] = torch.tensor([[4], [1]], dtype=torch.int32)
    tensors["cube"] = torch.zeros((2, 1, 2), dtype=torch.uint8)
    save_file(tensors, os.path.join(OUT, "ints.safetensors"))

    # F16 from numpy's bit patterns; BF16 from PyTorch. Quiet NaNs only for
    # BF16 (PyTorch's bfloat16 -> float64 goes through float32, which
    # quietens signalling NaNs).
    f16_bits = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3555, 0x3c00, 0x7bff, 0xfbff, 0x7c00,
                0xfc00, 0x7e00, 0x7c01, 0xfd55, 0x3c01, 0xc000]
    bf16_bits = [0x0000, 0x8000, 0x0001, 0x007f, 0x0080, 0x3eab, 0x3f80, 0x7f7f, 0xff7f, 0x7f80,
                 0xff80, 0x7fc0, 0xffc1, 0x3f81, 0xc000, 0x4049]
    h = np.array(f16_bits, dtype="<u2").view("<f2").reshape(4, 4)
    b = torch.from_numpy(np.array(bf16_bits, dtype="<u2").view(np.int16).copy()).view(torch.bfloat16).reshape(4, 4)
    halfs = {"f16": torch.from_numpy(h.copy()), "bf16": b}
    save_file(halfs, os.path.join(OUT, "halfs.safetensors"))
    st_line("halfs.safetensors", "f16", h)
    bf_as = {
        "f32": b.to(torch.float32).numpy(),
        "f64": b.to(torch.float64).numpy(),
    }
    manifest.append(" ".join([
        "halfs.safetensors", "bf16", "shape=4,4",
        "f32=ok:" + ",".join(f"{x:x}" for x in bf_as["f32"].reshape(-1).view("<u4").tolist()),
        "f64=ok:" + ",".join(f"{x:x}" for x in bf_as["f64"].reshape(-1).view("<u8").tolist()),
    ]))


def rne(x, ebits, mbits):
    """x (a finite or infinite Python float) rounded to nearest even in a
    binary format with `ebits` exponent and `mbits` fraction bits, computed
    exactly with rationals; the bit pattern."""
    sign = 0x8000 if math.copysign(1.0, x) < 0 else 0
    inf = ((1 << ebits) - 1) << mbits
    if math.isinf(x):
        return sign | inf
    a = abs(Fraction(x))
    if a == 0:
        return sign
    bias = (1 << (ebits - 1)) - 1
    emin = 1 - bias
    e = a.numerator.bit_length() - a.denominator.bit_length()
    while Fraction(2) ** e > a:
        e -= 1
    while Fraction(2) ** (e + 1) <= a:
        e += 1
    q = max(e, emin) - mbits
    scaled = a / Fraction(2) ** q
    r = math.floor(scaled)
    rem = scaled - r
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and r % 2 == 1):
        r += 1
    if r == 2 ** (mbits + 1):
        r //= 2
        q += 1
    if r >= 2 ** mbits:
        biased = q + mbits + bias
        if biased >= (1 << ebits) - 1:
            return sign | inf
        return sign | (biased << mbits) | (r - 2 ** mbits)
    return sign | r


def rounding_values():
    """Values to round to 16 bits: specials, ties and near-ties (in f64, a
    hair off a tie, which catches double rounding through f32), overflow and
    underflow boundaries, and random values over the whole range."""
    rng = random.Random(1984)
    vals = [0.0, -0.0, 1.0, -1.0, 0.1, 1 / 3, 65504.0, 65519.0, 65519.996, 65520.0, -65520.0, 70000.0,
            2**-24, 2**-25, 2**-25 * 1.5, 2**-26, 3 * 2**-25, 2**-14 - 2**-26, 1e-9, -1e-30,
            3.3895313892515355e38, 3.3961775292304957e38, 3.4e38, 3.0e38,
            2**-133, 2**-134, 1.5 * 2**-134, 1e-45, float("inf"), float("-inf")]
    for _ in range(120):
        # A random half / bfloat16 and the midpoint to its neighbour.
        m = rng.randrange(1, 1 << 10)
        e = rng.randrange(-24, 16)
        vals.append((1024 + m + 0.5) * 2.0 ** (e - 10))
        m = rng.randrange(1, 1 << 7)
        e = rng.randrange(-130, 127)
        vals.append((128 + m + 0.5) * 2.0 ** (e - 7))
        vals.append(rng.uniform(-70000, 70000))
        vals.append(math.ldexp(rng.uniform(0.5, 1), rng.randrange(-140, 130)) * rng.choice([1, -1]))
    v64 = []
    for v in vals:
        v64.append(v)
        if v != 0 and math.isfinite(v):
            v64.append(v * (1 + 2**-40))
            v64.append(v * (1 - 2**-40))
    x64 = np.array(v64, dtype="<f8")
    x32 = np.array(vals, dtype="<f4")
    with np.errstate(over="ignore"):
        f16_from32 = x32.astype("<f2").view("<u2")
        f16_from64 = x64.astype("<f2").view("<u2")
    bf16_from32 = torch.from_numpy(x32.copy()).to(torch.bfloat16).view(torch.int16).numpy().view("<u2")
    # The rational reference agrees with numpy (F16, from both widths) and
    # PyTorch (BF16 from F32) before it is trusted for BF16 from F64.
    for src, want, ebits, mbits in ((x32, f16_from32, 5, 10), (x64, f16_from64, 5, 10), (x32, bf16_from32, 8, 7)):
        for x, w in zip(src.tolist(), want.tolist()):
            assert rne(x, ebits, mbits) == w, (x, hex(w), hex(rne(x, ebits, mbits)))
    bf16_from64 = np.array([rne(x, 8, 7) for x in x64.tolist()], dtype="<u2")
    n_double = sum(rne(float(np.float32(x)), 8, 7) != rne(x, 8, 7) for x in x64.tolist())
    print(f"rounding: {len(x32)} f32 and {len(x64)} f64 values; {n_double} f64 values where "
          "rounding through f32 would differ for BF16")
    u16 = lambda a: torch.from_numpy(a.view(np.int16).copy())
    save_file({
        "x32": torch.from_numpy(x32.copy()),
        "x64": torch.from_numpy(x64.copy()),
        "x32_f16": u16(f16_from32).view(torch.float16),
        "x64_f16": u16(f16_from64).view(torch.float16),
        "x32_bf16": u16(bf16_from32).view(torch.bfloat16),
        "x64_bf16": u16(bf16_from64).view(torch.bfloat16),
    }, os.path.join(OUT, "rounding.safetensors"))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    grid()
    edges()
    unsupported()
    safetensors_files()
    rounding_values()
    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.write("# Generated by scripts/gen_dtype_fixtures.py; see there for the format.\n")
        f.write("\n".join(manifest) + "\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, {len(manifest)} manifest lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
