#!/usr/bin/env python3
"""Generate tests/fixtures/seq2seq_runs.txt and tests/fixtures/seq2seq_eval_output.txt
by running the book's own code (chapters 7-8: seq2seq, peeky seq2seq and
attention seq2seq) under numpy.

    python3 scripts/gen_seq2seq_fixtures.py               # needs numpy; BOOK=path/to/book
    python3 scripts/gen_seq2seq_fixtures.py --stability   # prints, writes nothing

The book's code is read from $BOOK (default ../shared/book beside the
repository): ch07/seq2seq.py Seq2seq, ch07/peeky_seq2seq.py PeekySeq2seq,
ch08/attention_seq2seq.py AttentionSeq2seq, common/trainer.py Trainer,
common/optimizer.py Adam, common/util.py eval_seq2seq, dataset/sequence.py
load_data. matplotlib is stubbed (nothing is plotted). Output lines use the
format of rng_vectors.txt: `<name> <kind> <count>: values`, kinds i64, f64
(hex bits), f32 (hex bits).

Data. sequence.load_data(FILE) (default seed 1984: it calls
np.random.seed(1984) and then np.random.shuffle, so every run starts from
the same global RandomState and nothing else seeds it) reads the book's
dataset/FILE; examples/data/FILE is asserted to be byte-identical. The
module keeps its vocabulary in module-level dicts that only ever grow, so
the module is reloaded before every run (each run sees exactly the
vocabulary of its own file, ids in order of first appearance, questions
and answers interleaved line by line).

Every run R follows ch07/train_seq2seq.py / ch08/train.py, shrunk:

    (x_train, t_train), (x_test, t_test) = sequence.load_data(FILE)
    char_to_id, id_to_char = sequence.get_vocab()
    if reverse: x_train, x_test = x_train[:, ::-1], x_test[:, ::-1]
    x_train, t_train = x_train[:TRAIN_ROWS], t_train[:TRAIN_ROWS]
    model = MODEL(len(char_to_id), 16, HIDDEN)      # np.random.randn, the same stream
    optimizer = Adam(); trainer = Trainer(model, optimizer)
    for epoch in range(EPOCHS):
        trainer.fit(x_train, t_train, max_epoch=1, batch_size=BATCH,
                    max_grad=5.0, eval_interval=EVAL_INTERVAL)
        for i in range(EVAL_ROWS):                   # the book loops over all 5000
            question, correct = x_test[[i]], t_test[[i]]
            guess = model.generate(question, correct.flatten()[0],
                                   len(correct.flatten()) - 1)   # recorded
            correct_num += eval_seq2seq(model, question, correct, id_to_char,
                                        i < 10, reverse)
        acc = correct_num / EVAL_ROWS

Trainer.fit draws np.random.permutation(TRAIN_ROWS) once per call, i.e.
once per epoch; generate is argmax decoding and draws nothing, so the extra
model.generate call changes nothing (checked: the recorded guess equals the
answer exactly when eval_seq2seq counts the row as correct). Trainer's
loss_list gets one entry every EVAL_INTERVAL iterations (iters 0,
EVAL_INTERVAL, ...; the average loss since the previous entry, the
iterations after an epoch's last entry are dropped since each fit call
restarts its running sum) and is never reset, so it holds all epochs.

    run             file          model             reverse hidden batch rows  epochs interval eval
    seq2seq.full    addition.txt  Seq2seq           no      128    128   12800 2      10       300
    peeky.full      addition.txt  PeekySeq2seq      yes     128    128   12800 2      10       300
    attention.full  date.txt      AttentionSeq2seq  yes     256    128   5120  1      4        300
    *.small         (same)                                  16     32    640   2      2        40

(wordvec 16 everywhere; the .small runs are for slow emulated targets).

Entries per run R:
  R.loss f64      trainer.loss_list (all epochs)
  R.acc f64       accuracy on the first EVAL_ROWS test rows, per epoch
  R.guess i64     the last epoch's guessed ids, EVAL_ROWS rows x (t cols - 1)
  R.sizes i64     [vocab_size, TRAIN_ROWS, EVAL_ROWS, x cols, t cols]
  R.affine_b f32  model.decoder.affine.params[1] at the end
  R.lstm_b f32    model.encoder.lstm.params[2] at the end
  R.init f32      the first 8 values (C order) of every parameter right after
                  construction, in model.params order, concatenated
  R.attention f32 / R.attention_shape i64 (attention runs only): after the
                  last evaluation, model.forward(x_test[[0]], t_test[[0]])
                  and np.array(model.decoder.attention.attention_weights),
                  shape (T_dec, 1, T_enc) = (10, 1, 29): per decoder step the
                  softmax weights over the (reversed) encoder steps
  R.rng_pos / R.rng_gauss  np.random.get_state()[2] and [3] at the end
                  (the Mersenne Twister position; 1 if a gaussian is cached)

seq2seq_eval_output.txt is what eval_seq2seq prints (stdout, byte for byte,
UTF-8, ANSI colour codes included) for the first 10 test rows of
peeky.full after its last epoch (verbose=True, is_reverse=True): per row
`Q <question, un-reversed>`, `T <answer>`, `<mark> <guess>`, `---`, where
mark is '\\033[92m☑\\033[0m' or '\\033[91m☒\\033[0m'.

Numpy 2 (NEP 50 promotion) vs the numpy 1 the book was written for. The
book runs unchanged, but two places compute differently:
* Adam.update: lr_t = lr * np.sqrt(1.0 - beta2**iter) / (1.0 - beta1**iter)
  is an np.float64 scalar (np.sqrt of a Python float), and NEP 50 makes
  np.float64 scalar * float32 array a float64 array. So
  `params[i] -= lr_t * m[i] / (np.sqrt(v[i]) + 1e-7)` is computed as
  double(lr_t) * double(m) / double(float32(sqrt_f32(v) + 1e-7f)) in float64,
  then p = float32(double(p) - that) (in-place subtract with same_kind
  casting runs the float64 loop and rounds once). Under numpy 1 lr_t was
  cast to float32 first and everything was float32. The m and v updates
  ((1 - beta1) is a Python float, so weak) stay float32.
* TimeSoftmaxWithLoss: `loss /= mask.sum()` (np.float32 / np.int64 scalar)
  gives an np.float64 loss (as under numpy 1), and in backward
  `dx /= mask.sum()` now runs the float64 loop and rounds to float32 --
  which equals float32 division exactly (an exact double quotient of two
  float32 values rounds to the correctly rounded float32 quotient).
So loss_list entries are float64 means of float64 per-batch losses, each
a float32 sum of float32 logs divided in float64 by N*T.
Nothing else needed changing: generate's np.argmax ids (np.int64) go
through int() in eval_seq2seq; the book's ch08 imports (`from ch07.seq2seq
import ...`) work with the book's root on sys.path (ch07/ch08 are namespace
packages), and ch07/peeky_seq2seq.py's `from seq2seq import ...` needs
ch07 itself on sys.path (so seq2seq.py is loaded twice, as `seq2seq` and
`ch07.seq2seq`; harmless, it has no state).

Chaos and tolerances: `--stability` reruns the .full runs with the
encoder's embedding weight W[0, 0] (char id 0, which occurs in the training
inputs) nudged one ulp up right after construction and prints the largest
relative difference of the loss entries, the first entry beyond 1e-5, the
accuracy differences and how many guessed ids differ (writes nothing).
Here (numpy 2.4.6, OpenBLAS 0.3.31 Haswell kernels, one thread) it printed:
  seq2seq.full    loss max rel 2.7e-08, no entry beyond 1e-5, acc diff 0,
                  0 of 1200 guesses differ, affine_b max abs diff 8.2e-09
  peeky.full      loss max rel 6.7e-08, none beyond 1e-5, acc diff 0,
                  0 of 1200 differ, affine_b 7.5e-09
  attention.full  loss max rel 7.1e-08, none beyond 1e-5, acc diff 0,
                  0 of 3000 differ, affine_b 3.7e-09, attention weights 4.1e-07
So at these sizes training (Adam, lr 0.001, clip 5.0) is not chaotic: the
runs can be compared with a tolerance of about 1e-6 relative on losses and
exact guessed ids. It does not stay so with more training: attention at
2 full epochs (2 x 351 iterations) gave loss max rel 1.4e-3, 15 of 3000
guesses and 1 of 300 answers different after the nudge.

Note that all the accuracies here are 0 (the runs are far too short for the
models to learn addition or dates; the guesses are a few repeated
patterns, e.g. '103 ' for many addition questions), so R.acc only checks
the bookkeeping and R.guess checks the argmax decoding of a barely trained
model. For reference (same code, not written): 4 epochs of all 45000
addition rows (351 iterations each) give peeky accuracy 0.003, 0.003,
0.010, 0.047 on the first 300 test rows; attention needs 2 such epochs
(0.0 then 0.46).

Wall time here (2 cores, one BLAS thread): seq2seq.full 2.3 s, peeky.full
2.7 s, attention.full 6.8 s, the .small runs 0.2-0.5 s each; about 13 s in
all, 24 s for --stability. BLAS is pinned to one thread (the fixtures were
made with OPENBLAS_NUM_THREADS=1).
"""
import contextlib
import importlib
import io
import os
import struct
import sys
import time
import types

# one BLAS thread: no oversubscription on a busy machine, and the same
# summation order on every run
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import numpy as np  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BOOK = os.environ.get("BOOK", os.path.join(ROOT, "..", "shared", "book"))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
OUT = os.path.join(FIXTURES, "seq2seq_runs.txt")
EVAL_OUT = os.path.join(FIXTURES, "seq2seq_eval_output.txt")
DATA = os.path.join(ROOT, "examples", "data")

sys.modules["matplotlib"] = types.ModuleType("matplotlib")
sys.modules["matplotlib.pyplot"] = types.ModuleType("matplotlib.pyplot")
sys.path.insert(0, BOOK)
sys.path.insert(0, os.path.join(BOOK, "ch07"))

import dataset.sequence as sequence  # noqa: E402
from common.optimizer import Adam  # noqa: E402
from common.trainer import Trainer  # noqa: E402
from common.util import eval_seq2seq  # noqa: E402
from seq2seq import Seq2seq  # noqa: E402
from peeky_seq2seq import PeekySeq2seq  # noqa: E402
from ch08.attention_seq2seq import AttentionSeq2seq  # noqa: E402

MODELS = {"seq2seq": Seq2seq, "peeky": PeekySeq2seq, "attention": AttentionSeq2seq}
WORDVEC = 16
MAX_GRAD = 5.0

FULL = {
    "seq2seq": dict(file="addition.txt", model="seq2seq", reverse=False, hidden=128, batch=128,
                    rows=12800, epochs=2, interval=10, eval_rows=300),
    "peeky": dict(file="addition.txt", model="peeky", reverse=True, hidden=128, batch=128,
                  rows=12800, epochs=2, interval=10, eval_rows=300),
    "attention": dict(file="date.txt", model="attention", reverse=True, hidden=256, batch=128,
                      rows=5120, epochs=1, interval=4, eval_rows=300),
}
SMALL = dict(hidden=16, batch=32, rows=640, epochs=2, interval=2, eval_rows=40)
RUNS = [(k + ".full", v) for k, v in FULL.items()] + \
       [(k + ".small", dict(v, **SMALL)) for k, v in FULL.items()]

lines = []


def emit(name, kind, values):
    fmt = {
        "i64": lambda v: "%d" % int(v),
        "f64": lambda v: "%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0],
        "f32": lambda v: "%08x" % struct.unpack("<I", struct.pack("<f", np.float32(v)))[0],
    }[kind]
    values = list(values)
    lines.append("%s %s %d: %s" % (name, kind, len(values), " ".join(fmt(v) for v in values)))


def emit_rng(run):
    state = np.random.get_state()
    emit(run + ".rng_pos", "i64", [state[2]])
    emit(run + ".rng_gauss", "i64", [state[3]])


def load(file_name):
    importlib.reload(sequence)  # fresh module-level vocabulary
    shipped = open(os.path.join(DATA, file_name), "rb").read()
    assert shipped == open(os.path.join(BOOK, "dataset", file_name), "rb").read(), file_name
    data = sequence.load_data(file_name)
    char_to_id, id_to_char = sequence.get_vocab()
    return data, char_to_id, id_to_char


def run(name, c, perturb=False, eval_out=None):
    """One run; returns its results. Emits its entries unless perturb."""
    (x_train, t_train), (x_test, t_test) = load(c["file"])[0]
    char_to_id, id_to_char = sequence.get_vocab()
    if c["reverse"]:
        x_train, x_test = x_train[:, ::-1], x_test[:, ::-1]
    x_train, t_train = x_train[:c["rows"]], t_train[:c["rows"]]
    vocab_size = len(char_to_id)

    model = MODELS[c["model"]](vocab_size, WORDVEC, c["hidden"])
    init = np.concatenate([p.ravel()[:8] for p in model.params])
    if perturb:
        W = model.encoder.embed.params[0]
        assert W is model.params[0] and np.any(x_train == 0)
        W.flat[0] = np.nextafter(W.flat[0], np.float32(np.inf))
    optimizer = Adam()
    trainer = Trainer(model, optimizer)

    accs = []
    guesses = None
    for epoch in range(c["epochs"]):
        with contextlib.redirect_stdout(io.StringIO()):
            trainer.fit(x_train, t_train, max_epoch=1, batch_size=c["batch"],
                        max_grad=MAX_GRAD, eval_interval=c["interval"])
        out = io.StringIO()
        correct_num = 0
        guesses = []
        with contextlib.redirect_stdout(out):
            for i in range(c["eval_rows"]):
                question, correct = x_test[[i]], t_test[[i]]
                verbose = i < 10
                flat = correct.flatten()
                guess = [int(g) for g in model.generate(question, flat[0], len(flat) - 1)]
                ok = eval_seq2seq(model, question, correct, id_to_char, verbose, c["reverse"])
                assert ok == (1 if guess == [int(v) for v in flat[1:]] else 0)
                correct_num += ok
                guesses += guess
        accs.append(float(correct_num) / c["eval_rows"])

    if eval_out is not None and not perturb:
        with open(eval_out, "wb") as f:
            f.write(out.getvalue().encode("utf-8"))

    res = {"loss": list(trainer.loss_list), "acc": accs, "guess": guesses,
           "affine_b": model.decoder.affine.params[1].copy()}
    if c["model"] == "attention":
        model.forward(x_test[[0]], t_test[[0]])
        att = np.array(model.decoder.attention.attention_weights)
        res["attention"] = att
    if not perturb:
        emit(name + ".loss", "f64", trainer.loss_list)
        emit(name + ".acc", "f64", accs)
        emit(name + ".guess", "i64", guesses)
        emit(name + ".sizes", "i64", [vocab_size, c["rows"], c["eval_rows"],
                                      x_train.shape[1], t_train.shape[1]])
        emit(name + ".affine_b", "f32", model.decoder.affine.params[1])
        emit(name + ".lstm_b", "f32", model.encoder.lstm.params[2])
        emit(name + ".init", "f32", init)
        if "attention" in res:
            emit(name + ".attention", "f32", res["attention"].ravel())
            emit(name + ".attention_shape", "i64", res["attention"].shape)
        emit_rng(name)
    return res


class Overflows:
    """Counts the numpy calls that overflowed (np.seterrcall); values are
    unchanged (numpy's default is a RuntimeWarning, the result is inf)."""

    def __init__(self):
        self.n = 0

    def __call__(self, kind, flag):
        self.n += 1


def summary(res):
    loss = res["loss"]
    return "loss %.4f .. %.4f (%d), acc %s" % (
        loss[0], loss[-1], len(loss), " ".join("%.4f" % a for a in res["acc"]))


def timed(name, c, **kw):
    t = time.time()
    counter = Overflows()
    old = np.seterrcall(counter)
    with np.errstate(over="call"):
        res = run(name, c, **kw)
    np.seterrcall(old)
    print("%-16s %6.1f s  %s; %d overflowing numpy calls"
          % (name + (" (nudged)" if kw.get("perturb") else ""), time.time() - t, summary(res),
             counter.n), file=sys.stderr, flush=True)
    return res


def stability():
    print("rerun with encoder embed_W[0, 0] one ulp up:")
    for name, c in RUNS:
        if not name.endswith(".full"):
            continue
        a = timed(name, c)
        b = timed(name, c, perturb=True)
        rel = [abs(x - y) / abs(x) for x, y in zip(a["loss"], b["loss"])]
        first = next((i for i, r in enumerate(rel) if r > 1e-5), None)
        parts = ["loss max rel %.1e (first > 1e-5: %s of %d)"
                 % (max(rel), "none" if first is None else "entry %d" % first, len(rel)),
                 "acc diff %s" % " ".join("%+.4f" % (y - x) for x, y in zip(a["acc"], b["acc"])),
                 "guesses differing %d of %d" % (sum(x != y for x, y in zip(a["guess"], b["guess"])),
                                                 len(a["guess"]))]
        fb = np.abs(a["affine_b"].astype(np.float64) - b["affine_b"])
        parts.append("affine_b max abs diff %.1e" % fb.max())
        if "attention" in a:
            parts.append("attention max abs diff %.1e"
                         % np.abs(a["attention"].astype(np.float64) - b["attention"]).max())
        print("%-16s %s" % (name, "; ".join(parts)), flush=True)
    print("(nothing written)")


def main():
    if "--stability" in sys.argv[1:]:
        stability()
        return
    t0 = time.time()
    for name, c in RUNS:
        timed(name, c, eval_out=EVAL_OUT if name == "peeky.full" else None)
    header = [
        "# the book's chapter 7-8 code under numpy, generated by scripts/gen_seq2seq_fixtures.py",
        "# numpy %s, python %s, OPENBLAS_NUM_THREADS=1" % (np.__version__, sys.version.split()[0]),
    ]
    with open(OUT, "w") as f:
        f.write("\n".join(header + lines) + "\n")
    print("wrote %d entries to %s, %s (%.1f s)"
          % (len(lines), os.path.normpath(OUT), os.path.normpath(EVAL_OUT), time.time() - t0),
          file=sys.stderr)


if __name__ == "__main__":
    main()
