#!/usr/bin/env python3
"""Times one training epoch and the test-set evaluation of the book's
chapter-8 attention seq2seq ("Deep Learning from Scratch 2",
ch08/attention_seq2seq.py `AttentionSeq2seq`) under numpy, using the book's
own code at the book's settings (ch08/train.py), so our Rust implementation
can be compared with it.

    python3 scripts/bench_seq2seq_numpy.py                        # a full epoch + 5000 eval rows, 1 thread
    python3 scripts/bench_seq2seq_numpy.py --threads 1,2          # one child process per count
    python3 scripts/bench_seq2seq_numpy.py --threads 1,2 --iters 40   # quick: 40 iterations, extrapolated
    python3 scripts/bench_seq2seq_numpy.py --eval-rows 500        # evaluate 500 rows, extrapolated to 5000

The book's code is read from $BOOK (default ../shared/book beside the
repository); matplotlib is stubbed (common/trainer.py imports it, nothing is
plotted).

Setup, as ch08/train.py: (x_train, t_train), (x_test, t_test) =
sequence.load_data('date.txt') (seed 1984), inputs reversed
(x[:, ::-1]), model = AttentionSeq2seq(59, 16, 256) built right after,
Adam(), batch 128, max_grad 5.0. 45000 training rows, so an epoch is
45000 // 128 = 351 iterations; --iters N uses x_train[:N*128] (N
iterations). The training loop is a copy of common/trainer.py Trainer.fit
for one epoch (np.random.permutation shuffle, the same batch slicing, the
running loss and loss_list every eval_interval=20 iterations, without the
progress print) with each iteration's

    loss = model.forward(batch_x, batch_t)
    model.backward()
    params, grads = remove_duplicate(model.params, model.grads)
    clip_grads(grads, max_grad)
    optimizer.update(params, grads)

timed alone with time.perf_counter(). There is no warm-up: iteration 0
includes Adam allocating its m and v; the median is insensitive to it.

Output, one line per thread count on stdout:

    impl=numpy model=attention V=59 D=16 H=256 batch=128 threads=1 iters=40
      iter_ms=<median> mean_ms=<mean> min_ms=<min> epoch_s=<seconds for 351
      iterations> epoch_basis=<measured|extrapolated> loop_s=<wall time of
      the timed loop incl. shuffling and slicing> eval_rows=<rows evaluated>
      eval_row_ms=<median per row> eval_s=<seconds for 5000 rows>
      eval_basis=<measured|extrapolated> blas_threads=<n> loss=<last avg loss>

epoch_basis=measured: epoch_s is the sum of the 351 per-iteration times;
extrapolated (with --iters N < 351): epoch_s = mean per-iteration time x 351
(epoch_s_median = median x 351 is printed too). The evaluation runs after
the timed training, over x_test[[i]], t_test[[i]] for i < --eval-rows
(default all 5000) one row at a time, exactly the book's loop with
eval_seq2seq(model, question, correct, id_to_char, False, True), each row
timed alone; eval_s is the sum (measured) or mean x 5000 (extrapolated, when
--eval-rows < 5000). The cost of a row does not depend on the weights
(greedy decoding of a fixed 10 characters), so a short training is fine.

Threads: numpy's BLAS (OpenBLAS here) reads its thread count from the
environment when numpy is imported, so --threads N sets OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS and MKL_NUM_THREADS before `import numpy`; with a list
(--threads 1,2) the script re-executes itself once per count (as
scripts/bench_rnnlm_numpy.py does). blas_threads is the count OpenBLAS
reports (openblas_get_num_threads through ctypes; "?" if not found). Only
BLAS calls (the matmuls) are threaded; the rest of numpy is single-threaded.
Lines starting with '#' go to stderr.
"""
import argparse
import os
import subprocess
import sys

EPOCH_ITERS = 45000 // 128
TEST_ROWS = 5000


def int_list(s):
    return [int(v) for v in s.split(",") if v]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int_list, default=[1],
                   help="BLAS thread counts, comma-separated (default 1)")
    p.add_argument("--iters", type=int, default=None,
                   help="train only the first N iterations (x_train[:N*128]); "
                        "the epoch time is extrapolated")
    p.add_argument("--eval-rows", type=int, default=TEST_ROWS,
                   help="test rows to evaluate (default all 5000); fewer are extrapolated")
    a = p.parse_args()
    if a.iters is not None and not 1 <= a.iters <= EPOCH_ITERS:
        p.error("--iters must be in 1..%d" % EPOCH_ITERS)
    if not 0 <= a.eval_rows <= TEST_ROWS:
        p.error("--eval-rows must be in 0..%d" % TEST_ROWS)
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

import numpy  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BOOK = os.environ.get("BOOK", os.path.join(ROOT, "..", "shared", "book"))

sys.modules["matplotlib"] = types.ModuleType("matplotlib")
sys.modules["matplotlib.pyplot"] = types.ModuleType("matplotlib.pyplot")
sys.path.insert(0, BOOK)

from dataset import sequence  # noqa: E402
from common.optimizer import Adam  # noqa: E402
from common.trainer import remove_duplicate  # noqa: E402
from common.util import clip_grads, eval_seq2seq  # noqa: E402
from ch08.attention_seq2seq import AttentionSeq2seq  # noqa: E402


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


def timed_fit(model, optimizer, x, t, batch_size, max_grad, eval_interval=20):
    """common/trainer.py Trainer.fit, max_epoch=1, no print; returns the
    per-iteration times, the loss list and the wall time of the loop."""
    clock = time.perf_counter
    data_size = len(x)
    max_iters = data_size // batch_size
    total_loss = 0
    loss_count = 0
    loss_list = []
    times = []

    start = clock()
    idx = numpy.random.permutation(numpy.arange(data_size))
    x = x[idx]
    t = t[idx]

    for iters in range(max_iters):
        batch_x = x[iters*batch_size:(iters+1)*batch_size]
        batch_t = t[iters*batch_size:(iters+1)*batch_size]

        t0 = clock()
        loss = model.forward(batch_x, batch_t)
        model.backward()
        params, grads = remove_duplicate(model.params, model.grads)
        if max_grad is not None:
            clip_grads(grads, max_grad)
        optimizer.update(params, grads)
        times.append(clock() - t0)
        total_loss += loss
        loss_count += 1

        if (eval_interval is not None) and (iters % eval_interval) == 0:
            avg_loss = total_loss / loss_count
            loss_list.append(float(avg_loss))
            total_loss, loss_count = 0, 0
    return times, loss_list, clock() - start


def main():
    blas_threads, blas_config = blas_info()
    print("# numpy %s, BLAS: %s, BOOK=%s" % (np.__version__, blas_config, os.path.abspath(BOOK)),
          file=sys.stderr, flush=True)

    # ch08/train.py
    (x_train, t_train), (x_test, t_test) = sequence.load_data('date.txt')
    char_to_id, id_to_char = sequence.get_vocab()
    x_train, x_test = x_train[:, ::-1], x_test[:, ::-1]
    vocab_size = len(char_to_id)
    wordvec_size = 16
    hidden_size = 256
    batch_size = 128
    max_grad = 5.0
    model = AttentionSeq2seq(vocab_size, wordvec_size, hidden_size)
    optimizer = Adam()

    n_iters = EPOCH_ITERS if args.iters is None else args.iters
    x, t = x_train[:n_iters * batch_size], t_train[:n_iters * batch_size]
    times, loss_list, loop_s = timed_fit(model, optimizer, x, t, batch_size, max_grad)
    assert len(times) == n_iters
    med = statistics.median(times)
    mean = statistics.mean(times)
    if n_iters == EPOCH_ITERS:
        epoch_s, epoch_basis = sum(times), "measured"
    else:
        epoch_s, epoch_basis = mean * EPOCH_ITERS, "extrapolated"

    eval_times = []
    correct_num = 0
    for i in range(args.eval_rows):
        question, correct = x_test[[i]], t_test[[i]]
        t0 = time.perf_counter()
        correct_num += eval_seq2seq(model, question, correct, id_to_char, False, True)
        eval_times.append(time.perf_counter() - t0)
    if eval_times:
        eval_med = statistics.median(eval_times)
        if args.eval_rows == TEST_ROWS:
            eval_s, eval_basis = sum(eval_times), "measured"
        else:
            eval_s, eval_basis = statistics.mean(eval_times) * TEST_ROWS, "extrapolated"
        ev = "eval_rows=%d eval_row_ms=%.3f eval_s=%.1f eval_basis=%s eval_acc=%.4f" % (
            args.eval_rows, eval_med * 1e3, eval_s, eval_basis, correct_num / args.eval_rows)
    else:
        ev = "eval_rows=0"

    print("impl=numpy model=attention V=%d D=%d H=%d batch=%d threads=%d iters=%d "
          "iter_ms=%.2f mean_ms=%.2f min_ms=%.2f epoch_s=%.1f epoch_basis=%s "
          "epoch_s_median=%.1f loop_s=%.1f %s blas_threads=%s loss=%.4f"
          % (vocab_size, wordvec_size, hidden_size, batch_size, THREADS, n_iters,
             med * 1e3, mean * 1e3, min(times) * 1e3, epoch_s, epoch_basis,
             med * EPOCH_ITERS, loop_s, ev, blas_threads, loss_list[-1]), flush=True)


main()
