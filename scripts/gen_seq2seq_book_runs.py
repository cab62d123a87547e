#!/usr/bin/env python3
"""Generate tests/fixtures/seq2seq_book_runs.txt by running the book's two
seq2seq reference scripts at their FULL settings, exactly as the book does.

    nohup python3 scripts/gen_seq2seq_book_runs.py > /tmp/book_runs.log 2>&1 &

Needs numpy; the book is read from $BOOK (default ../shared/book beside the
repository). It reuses scripts/gen_seq2seq_fixtures.py as a module (its
imports of the book's code, the matplotlib stub, BLAS pinned to one thread,
the reloading `load`, and the `emit` / `emit_rng` line formatting:
`<name> <kind> <count>: values`, f64 as hex bits).

    run             script                      file          model             reverse hidden epochs
    peeky_book      ch07/train_seq2seq.py       addition.txt  PeekySeq2seq      yes     128    25
    attention_book  ch08/train.py               date.txt      AttentionSeq2seq  yes     256    10

(ch07/train_seq2seq.py ships with is_reverse=False and Seq2seq; its two
toggles are switched to is_reverse=True and PeekySeq2seq, as the book's text
does for its best result.) Everything else is the book's: load_data(FILE)
with its default seed 1984, all 45000 training rows, wordvec 16, batch 128,
max_grad 5.0, Adam(), per epoch trainer.fit(x_train, t_train, max_epoch=1,
batch_size=128, max_grad=5.0) with the default eval_interval=20 (351
iterations per epoch, loss entries at iters 0, 20, ..., 340: 18 per epoch),
then eval_seq2seq over all 5000 test rows (verbose for i < 10; stdout of fit
and of the evaluation is discarded). ch08/train.py's model.save_params() is
skipped (it writes a pickle; it draws no random numbers).

Entries per run R:
  R.loss f64            trainer.loss_list (all epochs)
  R.acc f64             accuracy over the 5000 test rows, per epoch
  R.epoch_seconds f64   wall seconds of each epoch's trainer.fit
  R.eval_seconds f64    wall seconds of each epoch's evaluation
  R.rng_pos / R.rng_gauss  np.random.get_state()[2] and [3] at the end

A progress line per epoch (epoch, accuracy, seconds) goes to stderr.
Wall time (2 cores, one BLAS thread): peeky 132 s (25 x (3.7 s + 1.6 s)),
attention 618 s (10 x (about 45 s + 15 s)).

    python3 scripts/gen_seq2seq_book_runs.py --stability [RUN ...]

reruns the named runs (default both) with the encoder's embedding W[0, 0]
moved one ulp up and prints how far loss_list and the accuracies move from
the fixture (writes nothing): how long any other arithmetic (another BLAS,
another summation order) can follow these runs to 1e-4.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_seq2seq_fixtures as g  # noqa: E402  (pins BLAS to 1 thread, imports the book)

np = g.np
OUT = os.path.join(g.FIXTURES, "seq2seq_book_runs.txt")

RUNS = [
    ("peeky_book", dict(script="ch07/train_seq2seq.py", file="addition.txt", model="peeky",
                        reverse=True, hidden=128, batch=128, epochs=25)),
    ("attention_book", dict(script="ch08/train.py", file="date.txt", model="attention",
                            reverse=True, hidden=256, batch=128, epochs=10)),
]
WORDVEC = 16
MAX_GRAD = 5.0


def run(name, c, perturb=False):
    (x_train, t_train), (x_test, t_test) = g.load(c["file"])[0]  # reloads sequence
    char_to_id, id_to_char = g.sequence.get_vocab()
    if c["reverse"]:
        x_train, x_test = x_train[:, ::-1], x_test[:, ::-1]
    vocab_size = len(char_to_id)
    model = g.MODELS[c["model"]](vocab_size, WORDVEC, c["hidden"])
    if perturb:
        W = model.encoder.embed.params[0]
        W.flat[0] = np.nextafter(W.flat[0], np.float32(np.inf))
    optimizer = g.Adam()
    trainer = g.Trainer(model, optimizer)

    accs, fit_s, eval_s = [], [], []
    t_run = time.perf_counter()
    with open(os.devnull, "w") as null:
        for epoch in range(c["epochs"]):
            t0 = time.perf_counter()
            with g.contextlib.redirect_stdout(null):
                trainer.fit(x_train, t_train, max_epoch=1,
                            batch_size=c["batch"], max_grad=MAX_GRAD)
            t1 = time.perf_counter()
            correct_num = 0
            with g.contextlib.redirect_stdout(null):
                for i in range(len(x_test)):
                    question, correct = x_test[[i]], t_test[[i]]
                    verbose = i < 10
                    correct_num += g.eval_seq2seq(model, question, correct,
                                                  id_to_char, verbose, c["reverse"])
            t2 = time.perf_counter()
            acc = float(correct_num) / len(x_test)
            accs.append(acc)
            fit_s.append(t1 - t0)
            eval_s.append(t2 - t1)
            print("%-15s epoch %2d/%d  acc %.4f  loss %.4f  fit %6.1f s  eval %6.1f s  (total %7.1f s)"
                  % (name, epoch + 1, c["epochs"], acc, trainer.loss_list[-1], t1 - t0, t2 - t1,
                     t2 - t_run), file=sys.stderr, flush=True)

    if perturb:
        return trainer.loss_list, accs
    g.emit(name + ".loss", "f64", trainer.loss_list)
    g.emit(name + ".acc", "f64", accs)
    g.emit(name + ".epoch_seconds", "f64", fit_s)
    g.emit(name + ".eval_seconds", "f64", eval_s)
    g.emit_rng(name)
    loss = trainer.loss_list
    print("%-15s done in %.1f s: loss %.6f .. %.6f (%d entries), acc %s"
          % (name, time.perf_counter() - t_run, loss[0], loss[-1], len(loss),
             " ".join("%.4f" % a for a in accs)), file=sys.stderr, flush=True)


def stability(names):
    """Rerun the named runs with the encoder's embedding W[0, 0] moved one
    ulp up and print how far loss_list and the accuracies move from the
    fixture (writes nothing): how closely any other implementation can
    follow these runs."""
    import struct
    saved = {}
    for line in open(OUT):
        if line.startswith("#"):
            continue
        key, kind, rest = line.split(" ", 2)
        vals = rest.split(":", 1)[1].split()
        if kind == "f64":
            vals = [struct.unpack("<d", struct.pack("<Q", int(v, 16)))[0] for v in vals]
        saved[key] = vals
    for name, c in RUNS:
        if name not in names:
            continue
        loss, accs = run(name, c, perturb=True)
        ref = saved[name + ".loss"]
        per = len(ref) // c["epochs"]
        rel = [abs(a - b) / abs(b) for a, b in zip(loss, ref)]
        over = [i for i, r in enumerate(rel) if r > 1e-4]
        print("%s nudged one ulp: loss entries within 1e-4 up to entry %s (epoch %s)"
              % (name, over[0] if over else len(rel), over[0] // per + 1 if over else "-"))
        print("  worst relative per epoch: " + " ".join(
            "%.1e" % max(rel[e:e + per]) for e in range(0, len(rel), per)))
        print("  accuracy difference per epoch: " + " ".join(
            "%.4f" % abs(a - b) for a, b in zip(accs, saved[name + ".acc"])))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--stability":
        stability(sys.argv[2:] or [n for n, _ in RUNS])
        return
    t0 = time.perf_counter()
    for name, c in RUNS:
        run(name, c)
    header = [
        "# the book's ch07/train_seq2seq.py (is_reverse=True, PeekySeq2seq) and ch08/train.py"
        " at full settings under numpy,",
        "# generated by: python3 scripts/gen_seq2seq_book_runs.py",
        "# numpy %s, python %s, OPENBLAS_NUM_THREADS=1" % (np.__version__, sys.version.split()[0]),
        "# *_seconds entries are wall times on the generating machine (informational)",
    ]
    with open(OUT, "w") as f:
        f.write("\n".join(header + g.lines) + "\n")
    print("wrote %d entries to %s (%.1f s)" % (len(g.lines), os.path.normpath(OUT),
                                                time.perf_counter() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
