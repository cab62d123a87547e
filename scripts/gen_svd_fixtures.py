#!/usr/bin/env python3
"""Generate the SVD fixtures from real numpy and the book's own code.

    python3 scripts/gen_svd_fixtures.py          # from the repository root

Needs numpy (checked with numpy 2.4.6) and the book's code in
../shared/book (override with BOOK_DIR=...). Writes

  tests/fixtures/svd_corpus.txt    a small synthetic corpus in PTB format
                                   (one sentence per line, words separated by
                                   spaces, a leading and a trailing space as in
                                   ptb.train.txt), made here from a fixed
                                   grammar and numpy's seeded RandomState, so
                                   no licence question arises
  tests/fixtures/svd_fixtures.txt  numpy's SVDs of two PPMI matrices

The Rust tests (tests/linalg.rs, tests/count_method_cli.rs) read both with std
only; they never run Python.

Fixture format (as tests/fixtures/rng_vectors.txt): '#' lines are comments;
every other line is

    <name> <kind> <count>: <value> <value> ...

with kind f64 (IEEE-754 binary64 bit patterns, 16 hex digits), f32 (binary32
bit patterns, 8 hex digits) or i64 (decimal).

  small_*   the book's chapter 2 example: W = ppmi(create_co_matrix(corpus,
            7, 1)) for "You say goodbye and I say hello."; small_w is W
            (float32, row-major), small_u / small_s / small_vt are
            np.linalg.svd(W.astype(np.float64)) (U and Vt row-major).
  big_*     the corpus above read by dataset/ptb.py's rule, window 2:
            big_vocab = [V], big_tokens = [corpus length], big_w_fsum = [math.fsum of W (float32 entries
            summed exactly)], big_w_probe = W at the flat indices in
            big_probe_idx, big_s = np.linalg.svd(W.astype(np.float64),
            compute_uv=False) (all V singular values), big_tail_k = for each
            k in BIG_KS, sqrt(sum of s[k:]**2): the optimal rank-k Frobenius
            error (Eckart-Young).
  skl_*     scikit-learn's randomized_svd algorithm (n_oversamples=10,
            n_iter=5) run here in numpy on the same W for SKL_SEEDS seeds:
            for each k in BIG_KS the worst relative error of its top-k
            singular values and the worst ratio of its rank-k error to the
            optimal one.
"""

import math
import os
import struct
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BOOK = os.environ.get("BOOK_DIR", os.path.join(ROOT, "..", "shared", "book"))
sys.path.insert(0, BOOK)
from common.util import create_co_matrix, ppmi, preprocess  # noqa: E402

FIXTURES = os.path.join(ROOT, "tests", "fixtures")
BIG_KS = (5, 10, 20, 40)
SKL_SEEDS = 20


def f64_bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0]


def f32_bits(v):
    return "%08x" % struct.unpack("<I", struct.pack("<f", np.float32(v)))[0]


lines = []


def emit(name, kind, values):
    values = list(values)
    fmt = {"i64": lambda v: "%d" % int(v), "f64": f64_bits, "f32": f32_bits}[kind]
    lines.append("%s %s %d: %s" % (name, kind, len(values), " ".join(fmt(v) for v in values)))


# ---------------------------------------------------------------- corpus ----
# A toy grammar with word classes of Zipf-distributed frequency, so that the
# PPMI matrix has structure (words of a class share contexts) and a decaying
# spectrum, and the book's default queries (you, year, car, toyota) exist.

def syllable_words(rng, count, syllables):
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables, size=rng.randint(2, 4))))
    return sorted(words)


def build_corpus(seed=2):
    rng = np.random.RandomState(seed)
    syl = ["ka", "lo", "mi", "ren", "to", "sa", "vu", "ne", "di", "po", "gra", "fe"]
    cls = {
        "pron": ["i", "you", "we", "they", "he", "she"],
        "vehicle": ["car", "toyota", "truck", "honda", "bus", "ford", "nissan", "bike"]
        + ["v" + w for w in syllable_words(rng, 16, syl)],
        "time": ["year", "month", "week", "quarter", "day", "decade"],
        "company": ["c" + w for w in syllable_words(rng, 30, syl)],
        "noun": ["n" + w for w in syllable_words(rng, 90, syl)],
        "verb": ["b" + w for w in syllable_words(rng, 50, syl)],
        "adj": ["a" + w for w in syllable_words(rng, 40, syl)],
        "num": [str(n) for n in range(2, 40)],
    }

    def pick(c):
        words = cls[c]
        p = 1.0 / np.arange(1, len(words) + 1)
        return words[rng.choice(len(words), p=p / p.sum())]

    templates = [
        "pron verb the adj noun .",
        "pron said the noun was adj .",
        "last time company sold num vehicle .",
        "the company vehicle verb the noun .",
        "pron bought a adj vehicle this time .",
        "company shares rose num % this time .",
        "the adj noun verb pron .",
        "pron verb a vehicle from company .",
    ]
    sentences = []
    for _ in range(700):
        t = templates[rng.randint(len(templates))]
        sentences.append([pick(w) if w in cls else w for w in t.split()])
    return "".join(" " + " ".join(s) + " \n" for s in sentences)


def read_ptb(text):
    """dataset/ptb.py's rule, ids in order of first appearance."""
    words = text.replace("\n", "<eos>").strip().split()
    word_to_id, id_to_word = {}, {}
    for w in words:
        if w not in word_to_id:
            word_to_id[w] = len(word_to_id)
            id_to_word[word_to_id[w]] = w
    return np.array([word_to_id[w] for w in words]), word_to_id, id_to_word


def sklearn_randomized_svd(M, k, random_state, n_oversamples=10, n_iter=5):
    """sklearn.utils.extmath.randomized_svd (transpose='auto' does not
    apply: M is square) with randomized_range_finder inlined. sklearn
    normalises the power iterations by LU ('auto' for n_iter > 2); QR is
    used here (no scipy): both span the same subspaces, so the result is
    the same up to rounding."""
    Q = random_state.normal(size=(M.shape[1], k + n_oversamples))
    for _ in range(n_iter):
        Q, _ = np.linalg.qr(M @ Q)
        Q, _ = np.linalg.qr(M.T @ Q)
    Q, _ = np.linalg.qr(M @ Q)
    B = Q.T @ M
    Uhat, s, Vt = np.linalg.svd(B, full_matrices=False)
    return (Q @ Uhat)[:, :k], s[:k], Vt[:k]


# ------------------------------------------------------------- fixtures ----
def main():
    lines.append("# Written by scripts/gen_svd_fixtures.py (numpy %s); see its docstring."
                 % np.__version__)

    corpus, word_to_id, _ = preprocess("You say goodbye and I say hello.")
    W = ppmi(create_co_matrix(corpus, len(word_to_id), 1))
    U, S, Vt = np.linalg.svd(W.astype(np.float64))
    emit("small_w", "f32", W.ravel())
    emit("small_u", "f64", U.ravel())
    emit("small_s", "f64", S)
    emit("small_vt", "f64", Vt.ravel())

    text = build_corpus()
    with open(os.path.join(FIXTURES, "svd_corpus.txt"), "w") as f:
        f.write(text)
    corpus, word_to_id, id_to_word = read_ptb(text)
    V = len(word_to_id)
    C = create_co_matrix(corpus, V, 2)
    W = ppmi(C)
    S = np.linalg.svd(W.astype(np.float64), compute_uv=False)
    probe = np.random.RandomState(0).choice(V * V, 20, replace=False)
    emit("big_vocab", "i64", [V])
    emit("big_tokens", "i64", [len(corpus)])
    emit("big_w_fsum", "f64", [math.fsum(float(x) for x in W.ravel())])
    emit("big_probe_idx", "i64", probe)
    emit("big_w_probe", "f32", W.ravel()[probe])
    emit("big_s", "f64", S)
    emit("big_ks", "i64", BIG_KS)
    emit("big_tail_k", "f64", [math.sqrt(math.fsum(S[k:] ** 2)) for k in BIG_KS])

    # scikit-learn's randomized_svd(W, k, n_oversamples=10, n_iter=5) in
    # numpy (sklearn is not needed): its accuracy on this matrix over
    # SKL_SEEDS draws, the yardstick for the Rust implementation.
    W64 = W.astype(np.float64)
    worst_s, worst_ratio = [], []
    for k, tail in zip(BIG_KS, [math.sqrt(math.fsum(S[k:] ** 2)) for k in BIG_KS]):
        errs, ratios = [], []
        for seed in range(SKL_SEEDS):
            U, s, Vt = sklearn_randomized_svd(W64, k, np.random.RandomState(seed))
            errs.append(np.max(np.abs(s - S[:k]) / S[:k]))
            ratios.append(np.linalg.norm(W64 - (U * s) @ Vt) / tail)
        worst_s.append(max(errs))
        worst_ratio.append(max(ratios))
    emit("skl_worst_rel_s", "f64", worst_s)
    emit("skl_worst_err_ratio", "f64", worst_ratio)

    print("vocabulary %d, %d tokens, s[0] %.4f, s[%d] %.4f"
          % (V, len(corpus), S[0], BIG_KS[-1], S[BIG_KS[-1]]))

    with open(os.path.join(FIXTURES, "svd_fixtures.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
