#!/usr/bin/env python3
"""Times one training step of the book's chapter-6 LSTM language model
("Deep Learning from Scratch 2", ch06/rnnlm.py `Rnnlm`) under numpy, using
the book's own code, so our Rust implementation can be compared with it.

    python3 scripts/bench_rnnlm_numpy.py                       # D=H=100 and 650, 1 thread
    python3 scripts/bench_rnnlm_numpy.py --threads 1,2         # one child process per count
    python3 scripts/bench_rnnlm_numpy.py --hidden 100 --steps 5   # quick check
    python3 scripts/bench_rnnlm_numpy.py --hidden 650 --breakdown # per-phase times too

The book's code is read from $BOOK (default ../shared/book beside the
repository); matplotlib is stubbed (common/trainer.py imports it, nothing is
plotted).

What is measured (one "step"), exactly the body of RnnlmTrainer.fit's loop
with max_grad=0.25 and SGD(lr=20.0), as in ch06/train_rnnlm.py:

    loss = model.forward(xs, ts)        # TimeEmbedding, TimeLSTM (stateful),
    model.backward()                    #   TimeAffine, TimeSoftmaxWithLoss
    params, grads = remove_duplicate(model.params, model.grads)
    clip_grads(grads, 0.25)
    optimizer.update(params, grads)     # SGD(20.0)

Model: Rnnlm(V, D, H) built after np.random.seed(0) (float32 weights as in the
book). Inputs: xs and ts are int32 (batch, time) arrays drawn uniformly from
[0, V) by np.random.RandomState(1), a fresh batch each step, drawn outside the
timed region. The LSTM is stateful, so h and c carry over between steps
(truncated BPTT), as in the book's training.

Timing: 3 warm-up steps (--warmup), then --steps steps each timed alone with
time.perf_counter(); when --steps is not given, enough steps for about
--seconds (default 5) seconds per case, estimated from the last warm-up
step (at least 5). step_ms is the median over the timed steps;
tokens_per_s = batch*time / median step time. mean_ms and min_ms are given
too.

Threads: numpy's BLAS (OpenBLAS here) reads its thread count from the
environment when numpy is imported, so --threads N sets OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS and MKL_NUM_THREADS before `import numpy`; with a list
(--threads 1,2) the script re-executes itself once per count. blas_threads
in the output is the count OpenBLAS reports having (openblas_get_num_threads
through ctypes; "?" if the library cannot be found). Only BLAS calls
(the matmuls) are threaded; the rest of numpy is single-threaded.

Output: one line per case on stdout, for example

    impl=numpy D=100 H=100 V=10000 batch=20 time=35 threads=1 step_ms=123.456 tokens_per_s=5670.1 steps=40 mean_ms=... min_ms=... blas_threads=1 loss=9.2103

(loss is that of the last timed step, a sanity check only). Lines starting
with '#' go to stderr. --breakdown adds a line per case
`impl=numpy ... phase=<name> ms=<median>` for each phase of the step, timed
in a separate run of the same number of steps (the per-layer calls of
Rnnlm.forward/backward made one at a time, so that run's total is slightly
larger than step_ms).
"""
import argparse
import os
import subprocess
import sys


def int_list(s):
    return [int(v) for v in s.split(",") if v]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--time", type=int, default=35)
    p.add_argument("--vocab", type=int, default=10000)
    p.add_argument("--hidden", type=int_list, default=[100, 650],
                   help="comma-separated hidden sizes H, one case each (default 100,650)")
    p.add_argument("--wordvec", type=int_list, default=None,
                   help="comma-separated wordvec sizes D, paired with --hidden (default D=H)")
    p.add_argument("--threads", type=int_list, default=[1],
                   help="BLAS thread counts, comma-separated (default 1)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=None,
                   help="timed steps per case (default: about --seconds worth)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--breakdown", action="store_true",
                   help="also time each phase of the step (a separate run)")
    a = p.parse_args()
    if a.wordvec is None:
        a.wordvec = list(a.hidden)
    if len(a.wordvec) == 1 and len(a.hidden) > 1:
        a.wordvec = a.wordvec * len(a.hidden)
    if len(a.wordvec) != len(a.hidden):
        p.error("--wordvec needs one value or as many as --hidden")
    return a


args = parse_args()

if len(args.threads) > 1:
    # One child per thread count: the BLAS thread count is fixed at import.
    # argparse keeps the last --threads given, so appending one overrides.
    rc = 0
    for t in args.threads:
        rc |= subprocess.call([sys.executable, os.path.abspath(__file__)]
                              + sys.argv[1:] + ["--threads", str(t)])
    sys.exit(rc)

THREADS = args.threads[0]
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)

import ctypes  # noqa: E402
import glob  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402

import numpy as np  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BOOK = os.environ.get("BOOK", os.path.join(ROOT, "..", "shared", "book"))

sys.modules["matplotlib"] = types.ModuleType("matplotlib")
sys.modules["matplotlib.pyplot"] = types.ModuleType("matplotlib.pyplot")
sys.path.insert(0, BOOK)
sys.path.insert(0, os.path.join(BOOK, "ch06"))

from common.optimizer import SGD  # noqa: E402
from common.trainer import remove_duplicate  # noqa: E402
from common.util import clip_grads  # noqa: E402
from rnnlm import Rnnlm  # noqa: E402


def blas_info():
    """(thread count, config string) that numpy's OpenBLAS reports, or '?'."""
    libdir = os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libdir, "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for pre in ("scipy_openblas_", "openblas_"):
            for suf in ("64_", "_64_", ""):
                get = getattr(lib, pre + "get_num_threads" + suf, None)
                cfg = getattr(lib, pre + "get_config" + suf, None)
                if get is not None:
                    conf = "?"
                    if cfg is not None:
                        cfg.restype = ctypes.c_char_p
                        conf = cfg().decode(errors="replace")
                    return str(get()), conf
    return "?", "?"


def step(model, optimizer, xs, ts):
    loss = model.forward(xs, ts)
    model.backward()
    params, grads = remove_duplicate(model.params, model.grads)
    clip_grads(grads, 0.25)
    optimizer.update(params, grads)
    return loss


def step_phases(model, optimizer, xs, ts, acc):
    """The same step, each layer call and each trainer call timed alone."""
    clock = time.perf_counter
    names = ["embed", "lstm", "affine"]
    x = xs
    for name, layer in zip(names, model.layers):
        t0 = clock()
        x = layer.forward(x)
        acc.setdefault(name + ".fwd", []).append(clock() - t0)
    t0 = clock()
    loss = model.loss_layer.forward(x, ts)
    acc.setdefault("softmax_loss.fwd", []).append(clock() - t0)
    t0 = clock()
    d = model.loss_layer.backward(1)
    acc.setdefault("softmax_loss.bwd", []).append(clock() - t0)
    for name, layer in reversed(list(zip(names, model.layers))):
        t0 = clock()
        d = layer.backward(d)
        acc.setdefault(name + ".bwd", []).append(clock() - t0)
    t0 = clock()
    params, grads = remove_duplicate(model.params, model.grads)
    acc.setdefault("remove_duplicate", []).append(clock() - t0)
    t0 = clock()
    clip_grads(grads, 0.25)
    acc.setdefault("clip_grads", []).append(clock() - t0)
    t0 = clock()
    optimizer.update(params, grads)
    acc.setdefault("sgd", []).append(clock() - t0)
    return loss


def run_case(D, H):
    V, B, T = args.vocab, args.batch, args.time
    np.random.seed(0)
    model = Rnnlm(V, D, H)
    optimizer = SGD(20.0)
    data = np.random.RandomState(1)

    def batch():
        xs = data.randint(0, V, size=(B, T)).astype(np.int32)
        ts = data.randint(0, V, size=(B, T)).astype(np.int32)
        return xs, ts

    last = None
    for _ in range(args.warmup):
        xs, ts = batch()
        t0 = time.perf_counter()
        step(model, optimizer, xs, ts)
        last = time.perf_counter() - t0
    n = args.steps
    if n is None:
        n = max(5, int(round(args.seconds / last))) if last else 5
    times = []
    loss = float("nan")
    for _ in range(n):
        xs, ts = batch()
        t0 = time.perf_counter()
        loss = step(model, optimizer, xs, ts)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    head = "impl=numpy D=%d H=%d V=%d batch=%d time=%d threads=%d" % (D, H, V, B, T, THREADS)
    print("%s step_ms=%.3f tokens_per_s=%.1f steps=%d mean_ms=%.3f min_ms=%.3f "
          "blas_threads=%s loss=%.4f" % (head, med * 1e3, B * T / med, n,
                                         statistics.mean(times) * 1e3, min(times) * 1e3,
                                         BLAS_THREADS, float(loss)), flush=True)
    if args.breakdown:
        acc = {}
        for _ in range(n):
            xs, ts = batch()
            step_phases(model, optimizer, xs, ts, acc)
        total = sum(statistics.median(v) for v in acc.values())
        for name, v in acc.items():
            m = statistics.median(v)
            print("%s phase=%s ms=%.3f share=%.1f%%" % (head, name, m * 1e3, 100 * m / total),
                  flush=True)


BLAS_THREADS, BLAS_CONFIG = blas_info()
print("# numpy %s, BLAS: %s, BOOK=%s" % (np.__version__, BLAS_CONFIG, os.path.abspath(BOOK)),
      file=sys.stderr, flush=True)
for D, H in zip(args.wordvec, args.hidden):
    run_case(D, H)
