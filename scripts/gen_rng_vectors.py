#!/usr/bin/env python3
"""Generate tests/fixtures/rng_vectors.txt from real numpy.

    python3 scripts/gen_rng_vectors.py          # from the repository root

Needs only numpy (checked with numpy 2.4.6). The Rust tests (tests/rng.rs,
tests/spiral_data.rs) parse the output with std only; they never run Python.

Format: '#' lines are comments; every other line is

    <name> <kind> <count>: <value> <value> ...

kind is one of
    u32  raw 32-bit words, 8 hex digits
    i64  signed decimal integers
    f64  IEEE-754 binary64 bit patterns, 16 hex digits (bit-exact, keeps -0.0)
    f32  IEEE-754 binary32 bit patterns, 8 hex digits
"""

import os
import struct
import sys

import numpy as np

SEEDS = (0, 1, 42, 1984, 2**32 - 1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "rng_vectors.txt")


def f64_bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0]


def f32_bits(v):
    return "%08x" % struct.unpack("<I", struct.pack("<f", np.float32(v)))[0]


lines = []


def emit(name, kind, values):
    values = list(values)
    fmt = {"u32": lambda v: "%08x" % int(v), "i64": lambda v: "%d" % int(v),
           "f64": f64_bits, "f32": f32_bits}[kind]
    lines.append("%s %s %d: %s" % (name, kind, len(values), " ".join(fmt(v) for v in values)))


def load_data(seed=1984):
    """The book's dataset/spiral.py load_data (np.int replaced by int)."""
    np.random.seed(seed)
    N = 100
    DIM = 2
    CLS_NUM = 3
    x = np.zeros((N * CLS_NUM, DIM))
    t = np.zeros((N * CLS_NUM, CLS_NUM), dtype=int)
    for j in range(CLS_NUM):
        for i in range(N):
            rate = i / N
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + np.random.randn() * 0.2
            ix = N * j + i
            x[ix] = np.array([radius * np.sin(theta),
                              radius * np.cos(theta)]).flatten()
            t[ix, j] = 1
    return x, t


def generic():
    for s in SEEDS:
        rs = np.random.RandomState(s)
        emit("raw.s%d" % s, "u32", rs._bit_generator.random_raw(1500).tolist())

        rs.seed(s)
        emit("random_sample.s%d" % s, "f64", rs.random_sample(700))

        # an odd count, then three more: the first of those comes from the cache
        rs.seed(s)
        emit("randn.s%d" % s, "f64", rs.randn(7, 101).ravel())
        emit("randn_next.s%d" % s, "f64", rs.randn(3))

        rs.seed(s)
        emit("perm300.s%d" % s, "i64", rs.permutation(300))
        emit("perm10.s%d" % s, "i64", rs.permutation(10))

        # mixed stream: the cached Gaussian survives other draws
        rs.seed(s)
        n0 = rs.randn()
        u0 = rs.random_sample()
        p = rs.permutation(5)
        r = rs.randint(0, 10, size=3)
        n1 = rs.randn()
        n2 = rs.randn()
        emit("mixed_f64.s%d" % s, "f64", [n0, u0, n1, n2])
        emit("mixed_perm.s%d" % s, "i64", p)
        emit("mixed_randint.s%d" % s, "i64", r)

        rs.seed(s)
        emit("randint.s%d" % s, "i64", rs.randint(0, 10, size=1000))
        # other ranges: negative low, exactly 2**32 values, 64-bit masked draws
        rs.seed(s)
        emit("randint_neg.s%d" % s, "i64", rs.randint(-3, 4, size=100))
        emit("randint_u32.s%d" % s, "i64", rs.randint(0, 2**32, size=20))
        emit("randint_wide.s%d" % s, "i64", rs.randint(0, 2**40, size=50))
        emit("randint_full.s%d" % s, "i64", rs.randint(-2**63, 2**63 - 1, size=10))
        emit("randint_after.s%d" % s, "u32", rs._bit_generator.random_raw(1).tolist())


def spiral():
    for s in (1984, 7):
        x, t = load_data(s)
        assert x.shape == (300, 2) and t.shape == (300, 3)
        emit("spiral_x.s%d" % s, "f64", x.ravel())
        emit("spiral_t.s%d" % s, "f64", t.astype(np.float64).ravel())
        # numpy's global generator right after load_data
        emit("after_spiral_randn5.s%d" % s, "f64", [np.random.randn() for _ in range(5)])
    # ch01/train.py: load_data, TwoLayerNet(2, 10, 3) weights, then the first
    # epoch's permutation(300)
    load_data(1984)
    W1 = 0.01 * np.random.randn(2, 10)
    W2 = 0.01 * np.random.randn(10, 3)
    emit("train_py_W1.s1984", "f64", W1.ravel())
    emit("train_py_W2.s1984", "f64", W2.ravel())
    emit("train_py_perm0.s1984", "i64", np.random.permutation(300))


def mlp_bench():
    rs = np.random.RandomState(0)
    x = rs.randn(12800, 784).astype(np.float32)
    t = rs.randint(0, 10, size=12800)
    Ws = [(rs.randn(i, o) * np.sqrt(2.0 / i)).astype(np.float32)
          for i, o in ((784, 1024), (1024, 1024), (1024, 10))]
    flat = x.ravel()
    emit("mlp_x_first8", "f32", flat[:8])
    emit("mlp_x_last8", "f32", flat[-8:])
    emit("mlp_x_sum_f64", "f64", [x.astype(np.float64).sum()])
    emit("mlp_t_first32", "i64", t[:32])
    emit("mlp_t_counts", "i64", np.bincount(t, minlength=10))
    for k, W in enumerate(Ws, 1):
        emit("mlp_W%d_first8" % k, "f32", W.ravel()[:8])
    emit("mlp_W3_last8", "f32", Ws[2].ravel()[-8:])
    emit("mlp_W_sums_f64", "f64", [W.astype(np.float64).sum() for W in Ws])
    # the generator after all of it (even counts: no cached Gaussian)
    emit("mlp_after_raw", "u32", rs._bit_generator.random_raw(4).tolist())


def choice():
    """RandomState.choice with p, with and without replacement.

    Each case emits its p (f64 bits, so the Rust side needs no pow), the
    values drawn, and the next raw word (the stream position afterwards)."""
    cases = []
    # the book's UnigramSampler rows: counts ** 0.75, normalised, the
    # row's target zeroed and p renormalised, 5 values without replacement
    counts = np.array([40, 1, 7, 3, 3, 12, 1, 1, 25, 2, 9, 1, 4, 6, 1, 2], dtype=np.float64)
    word_p = np.power(counts, 0.75)
    word_p /= np.sum(word_p)
    for target in (0, 3, 8, 15):
        p = word_p.copy()
        p[target] = 0
        p /= p.sum()
        cases.append(("unigram_t%d" % target, p, 5, False))
    # peaked: repeats within a round force several rounds
    p = np.array([0.9, 0.04, 0.03, 0.02, 0.01])
    cases.append(("peaked_all", p, 5, False))
    cases.append(("peaked_3", p, 3, False))
    # zeros everywhere but size entries
    p = np.array([0, 0.5, 0, 0, 0.25, 0, 0.25, 0])
    cases.append(("sparse_exact", p, 3, False))
    cases.append(("sparse_repl", p, 40, True))
    cases.append(("uniform_repl", np.full(7, 1 / 7), 100, True))
    cases.append(("single", np.array([1.0]), 1, False))
    for s in (0, 1984):
        for name, p, size, replace in cases:
            rs = np.random.RandomState(s)
            got = rs.choice(len(p), size=size, replace=replace, p=p)
            emit("choice_%s_p.s%d" % (name, s), "f64", p)
            emit("choice_%s.s%d" % (name, s), "i64", got)
            emit("choice_%s_after.s%d" % (name, s), "u32", rs._bit_generator.random_raw(1).tolist())
    # a long stream of sampler rows from one generator (the training loop's
    # pattern: one choice per row, the generator shared)
    rs = np.random.RandomState(1984)
    rows = []
    for i in range(300):
        p = word_p.copy()
        p[i % len(p)] = 0
        p /= p.sum()
        rows.extend(rs.choice(len(p), size=5, replace=False, p=p))
    emit("choice_stream_word_p.s1984", "f64", word_p)
    emit("choice_stream.s1984", "i64", rows)
    emit("choice_stream_after.s1984", "u32", rs._bit_generator.random_raw(1).tolist())


def main():
    generic()
    spiral()
    mlp_bench()
    choice()
    header = [
        "# numpy legacy RandomState test vectors, generated by scripts/gen_rng_vectors.py",
        "# numpy %s, python %s" % (np.__version__, sys.version.split()[0]),
        "# line format: <name> <kind> <count>: values (u32 hex, i64 decimal, f64/f32 hex bits)",
    ]
    with open(OUT, "w") as f:
        f.write("\n".join(header + lines) + "\n")
    print("wrote %d entries to %s" % (len(lines), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
