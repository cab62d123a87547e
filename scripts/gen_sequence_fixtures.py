#!/usr/bin/env python3
"""Write tests/fixtures/sequence_data.txt: what the book's
dataset/sequence.py load_data(file, seed=1984) returns for the shipped
examples/data/addition.txt and date.txt, under numpy.

    python3 scripts/gen_sequence_fixtures.py     # needs numpy; BOOK=path/to/book

Per file: the vocabulary (code points, id order), the shapes, the first
three training rows and the last three test rows of x and t, a weighted
checksum of every split (sum of id * (k % 1000 + 1) over the flattened
array), and the next three np.random.rand() draws after load_data (the
stream the chapter 7-8 scripts build their models from). The book's
vocabulary is module-level, so the module is reloaded per file.
"""
import importlib
import os
import struct
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BOOK = os.environ.get("BOOK", os.path.join(ROOT, "..", "shared", "book"))
OUT = os.path.join(ROOT, "tests", "fixtures", "sequence_data.txt")
sys.path.insert(0, BOOK)
import dataset.sequence as sequence  # noqa: E402

lines = ["# the book's dataset/sequence.py under numpy, by scripts/gen_sequence_fixtures.py",
         "# numpy %s, python %s" % (np.__version__, sys.version.split()[0])]


def emit(name, kind, values):
    values = list(values)
    if kind == "f64":
        vals = ["%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0] for v in values]
    else:
        vals = ["%d" % int(v) for v in values]
    lines.append("%s %s %d: %s" % (name, kind, len(vals), " ".join(vals)))


def checksum(a):
    flat = np.asarray(a, dtype=np.int64).ravel()
    return int(np.sum(flat * (np.arange(flat.size) % 1000 + 1)))


for name in ("addition", "date"):
    importlib.reload(sequence)
    # load_data reads from the book's dataset folder; the shipped copies are identical.
    shipped = open(os.path.join(ROOT, "examples", "data", name + ".txt"), "rb").read()
    assert shipped == open(os.path.join(BOOK, "dataset", name + ".txt"), "rb").read()
    (x_train, t_train), (x_test, t_test) = sequence.load_data(name + ".txt", seed=1984)
    vocab = [ord(sequence.id_to_char[i]) for i in range(len(sequence.id_to_char))]
    emit(name + ".vocab", "i64", vocab)
    emit(name + ".shapes", "i64", list(x_train.shape) + list(t_train.shape) + list(x_test.shape) + list(t_test.shape))
    emit(name + ".x_train_head", "i64", x_train[:3].ravel())
    emit(name + ".t_train_head", "i64", t_train[:3].ravel())
    emit(name + ".x_test_tail", "i64", x_test[-3:].ravel())
    emit(name + ".t_test_tail", "i64", t_test[-3:].ravel())
    emit(name + ".checksums", "i64", [checksum(a) for a in (x_train, t_train, x_test, t_test)])
    emit(name + ".next_rand", "f64", np.random.rand(3))

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", OUT)
