"""Writes tests/fixtures/spiral_runs.txt: per-iteration losses of the book's
ch01 spiral training, computed by the faithful numpy transcription
../shared/reference/ref.py (bit-identical to the book's code), for the
default run and variations of seed, hidden size, batch size, learning rate,
optimizer and gradient clipping.

    python3 scripts/gen_spiral_fixtures.py [path/to/reference]

Each run is a header line `run NAME key=value ...` followed by lines
`losses HEX HEX ...` (float64 bit patterns of every iteration's loss, in
order), `loss_list HEX ...` and `accuracy X`. tests/spiral_reference.rs reads
it without Python.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "reference")
sys.path.insert(0, os.path.abspath(REF))
sys.path.insert(0, HERE)
import ref  # noqa: E402
from gen_optim_fixtures import SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam  # noqa: E402

OPTS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "adagrad": AdaGrad,
        "rmsprop": RMSprop, "adam": Adam}

RUNS = [
    # name, seed, hidden, lr, batch, epochs, optimizer, max_grad, dtype
    ("book", 1984, 10, 1.0, 30, 300, "sgd", None, "f64"),
    ("seed7_h5_b20", 7, 5, 0.5, 20, 100, "sgd", None, "f64"),
    ("h32_b7", 1984, 32, 1.0, 7, 30, "sgd", None, "f64"),
    ("clip", 1984, 10, 3.0, 30, 100, "sgd", 0.5, "f64"),
    ("momentum", 1984, 10, 0.1, 30, 100, "momentum", None, "f64"),
    ("nesterov", 42, 10, 0.1, 30, 100, "nesterov", 1.0, "f64"),
    ("adagrad", 1984, 10, 0.5, 30, 100, "adagrad", None, "f64"),
    ("rmsprop", 3, 16, 0.01, 15, 60, "rmsprop", None, "f64"),
    ("adam", 1984, 10, 0.01, 30, 100, "adam", None, "f64"),
    ("book_f32", 1984, 10, 1.0, 30, 300, "sgd", None, "f32"),
]


def hexs(values):
    return " ".join("%016x" % np.float64(v).view(np.uint64) for v in values)


def run(name, seed, hidden, lr, batch, epochs, opt, max_grad, dtype):
    x, t = ref.load_data(seed)
    if dtype == "f32":
        x = x.astype(np.float32)
        model = ref.TwoLayerNet(2, hidden, 3, dtype=np.float32)
    else:
        model = ref.TwoLayerNet(2, hidden, 3)
    trainer = ref.Trainer(model, OPTS[opt](lr=lr))
    trainer.record = {}
    trainer.fit(x, t, epochs, batch, max_grad=max_grad, eval_interval=10, verbose=False)
    acc = ref.accuracy(model, x, t)
    head = "run %s seed=%d hidden=%d lr=%r batch=%d epochs=%d optimizer=%s max_grad=%s dtype=%s" % (
        name, seed, hidden, lr, batch, epochs, opt, "none" if max_grad is None else repr(max_grad), dtype)
    return [head,
            "losses " + hexs(float(v) for v in trainer.record["iter_losses"]),
            "loss_list " + hexs(trainer.loss_list),
            "accuracy %r" % acc]


def main():
    lines = ["# spiral training runs from ref.py (numpy %s); see scripts/gen_spiral_fixtures.py" % np.__version__]
    for r in RUNS:
        lines += run(*r)
        print(lines[-4][:100], lines[-1])
    path = os.path.join(HERE, "..", "tests", "fixtures", "spiral_runs.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
