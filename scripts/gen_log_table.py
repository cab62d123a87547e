#!/usr/bin/env python3
"""Writes src/gemm/kernel/log_table.rs: the constants, table and probe inputs
of the vectorized f64 natural log (see that file's docs).

The algorithm is the log of glibc >= 2.28 (Szabolcs Nagy's, from ARM's
optimized-routines, MIT OR Apache-2.0 WITH LLVM-exception; musl has it too):

    x = 2^k z, z in [0x1.6p-1, 0x1.6p0) split into 128 subintervals;
    log x = k ln2 + log c + log1p(z/c - 1) for a c inside z's subinterval,

with a polynomial of degree 6 for log1p, and for x within about 1/16 of 1
a separate degree-12 polynomial in r = x - 1 with r² split exactly. The 128
(1/c, log c) pairs are not plain mathematics: each c was chosen by a search
(so that z/c - 1 is exact with one FMA and log c is unusually close to a
double), so they are read here from this machine's libm, where the table
(`__log_data`) is found by its first two words, the split of ln 2 that the
algorithm uses, and checked: the model below, evaluated with the fused
multiply-adds of glibc's x86-64 FMA build (instruction by instruction as
`__ieee754_log_fma` does them), must return exactly `math.log(x)` for every
input drawn.

The probe inputs are where that evaluation differs from the same algorithm
without FMA, or from the correctly rounded log. The crate checks its vector
log against the platform's `f64::ln` on them once per process: another C
library, or glibc built without FMA, fails on at least one of them and the
vector path is not used.

Run: python3 scripts/gen_log_table.py   (needs mpmath; this machine's libm
must be glibc's, on an x86-64 CPU with FMA, so that math.log is the FMA build.)
"""
import math
import random
import struct

import mpmath

from float_bits import bits, fma, from_bits, u64_array

OUT = "src/gemm/kernel/log_table.rs"
LIBM = "/lib/x86_64-linux-gnu/libm.so.6"
N = 128


def read_log_data():
    data = open(LIBM, "rb").read()
    ln2hi, ln2lo = float.fromhex("0x1.62e42fefa3800p-1"), float.fromhex("0x1.ef35793c76730p-45")
    at = data.find(struct.pack("<2d", ln2hi, ln2lo))
    if at < 0:
        raise SystemExit(f"{LIBM}: no __log_data (ln2 split not found): not glibc >= 2.28?")
    words = struct.unpack(f"<{2 + 5 + 11 + 2 * N}Q", data[at : at + 8 * (18 + 2 * N)])
    return words[0], words[1], words[2:7], words[7:18], words[18:]


LN2HI_B, LN2LO_B, A_B, B_B, TAB_B = read_log_data()
LN2HI, LN2LO = from_bits(LN2HI_B), from_bits(LN2LO_B)
A = [from_bits(w) for w in A_B]
B = [from_bits(w) for w in B_B]
TAB = [(from_bits(TAB_B[2 * i]), from_bits(TAB_B[2 * i + 1])) for i in range(N)]
OFF = 0x3FE6000000000000
LO = bits(1.0 - 2.0**-4)
HI = bits(1.0 + float.fromhex("0x1.09p-4"))


def model(x, fused=True):
    """log x for normal positive x, as `__ieee754_log_fma` evaluates it
    (fused=False: every product rounded, the sums in source order)."""
    f = fma if fused else (lambda a, b, c: a * b + c)
    ix = bits(x)
    if (ix - LO) % 2**64 < HI - LO:
        if ix == bits(1.0):
            return 0.0
        r = x - 1.0
        r2 = r * r
        r3 = r * r2
        p1 = f(r2, B[3], f(r, B[2], B[1]))
        p2 = f(r2, B[6], f(r, B[5], B[4]))
        p3 = f(r3, B[10], f(r2, B[9], f(r, B[8], B[7])))
        q = f(f(p3, r3, p2), r3, p1)
        if fused:
            t = fma(r, 2.0**27, r)
            rhi = fma(-(2.0**27), r, t)
        else:
            w = r * 2.0**27
            rhi = r + w - w
        rlo = r - rhi
        rhi2 = rhi * rhi
        hi = f(rhi2, B[0], r)
        lo = f(rhi2, B[0], r - hi)
        lo = f(B[0] * rlo, r + rhi, lo)
        return hi + f(q, r3, lo)
    tmp = (ix - OFF) % 2**64
    i = (tmp >> 45) % N
    k = (tmp >> 52) - (4096 if tmp >> 63 else 0)
    z = from_bits(ix - (tmp & (0xFFF << 52)))
    invc, logc = TAB[i]
    kd = float(k)
    r = f(z, invc, -1.0)
    w = f(kd, LN2HI, logc)
    hi = r + w
    lo = f(kd, LN2LO, (w - hi) + r)
    r2 = r * r
    t = f(r2, A[0], lo)
    p = f(f(r, A[4], A[3]), r2, f(r, A[2], A[1]))
    return f(r * r2, p, t) + hi


def draws(rng):
    """Inputs of the kinds a loss sees: probabilities, the band near 1 that
    takes the other polynomial, and positive doubles of every exponent."""
    while True:
        kind = rng.randrange(3)
        if kind == 0:
            yield rng.uniform(1e-7, 1.0)
        elif kind == 1:
            yield rng.uniform(0.93, 1.07)
        else:
            yield from_bits(rng.randrange(bits(2.0**-1022), bits(2.0**1023)))


def main():
    rng = random.Random(20261204)
    unfused_differs, not_correctly_rounded, checked = [], [], 0
    for x in draws(rng):
        checked += 1
        got = model(x)
        if got != math.log(x):
            raise SystemExit(f"model differs from this libm at {x.hex()}: not glibc's FMA log?")
        if len(unfused_differs) < 16 and model(x, fused=False) != got:
            unfused_differs.append(x)
        if len(not_correctly_rounded) < 16 and float(mpmath.log(mpmath.mpf(x))) != got:
            not_correctly_rounded.append(x)
        if checked >= 200_000 and len(unfused_differs) == 16 and len(not_correctly_rounded) == 16:
            break
    lines = [
        "//! Generated by `scripts/gen_log_table.py`; do not edit.",
        "//!",
        "//! glibc's `__log_data` (from ARM's optimized-routines), as bits:",
        "//! `LN2_HI`/`LN2_LO` split ln 2, `LOG_POLY` = A[0..5] (log1p near 0, the",
        "//! first coefficient 1 left out), `LOG_POLY1` = B[0..11] (x near 1), and",
        "//! `LOG_TABLE[2i]`, `LOG_TABLE[2i + 1]` = 1/c and log c of subinterval `i`.",
        "//! `LOG_PROBES`: inputs where glibc's FMA-built log differs from the same",
        "//! algorithm without FMA, then inputs where it is not correctly rounded.",
        "",
        f"pub(crate) const LN2_HI: u64 = 0x{LN2HI_B:016x};",
        f"pub(crate) const LN2_LO: u64 = 0x{LN2LO_B:016x};",
    ]
    lines += u64_array("pub(crate) const LOG_POLY: [u64; 5]", A_B)
    lines += u64_array("pub(crate) const LOG_POLY1: [u64; 11]", B_B)
    lines += ["", "/// 128 entries of (1/c bits, log c bits)."]
    lines += u64_array("pub(crate) static LOG_TABLE: [u64; 256]", TAB_B)
    lines += ["", f"/// Probe inputs (bits), found among {checked} draws checked against glibc's log."]
    probes = unfused_differs + not_correctly_rounded
    lines += u64_array("pub(crate) static LOG_PROBES: [u64; 32]", [bits(x) for x in probes])
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {OUT}: {checked} inputs checked against math.log")


if __name__ == "__main__":
    main()
