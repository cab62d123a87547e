#!/usr/bin/env python3
"""Generate tests/fixtures/word2vec_runs.txt by running the book's own code
(chapters 3 and 4) under numpy.

    python3 scripts/gen_word2vec_fixtures.py     # needs numpy; BOOK=path/to/book

The book's code is read from $BOOK (default ../shared/book beside the
repository). matplotlib is stubbed (nothing is plotted). Output lines use
the format of rng_vectors.txt: `<name> <kind> <count>: values`, kinds i64,
f64 (hex bits), f32 (hex bits).

Runs:
* sampler: UnigramSampler(license corpus, 0.75, 5) after np.random.seed(7),
  get_negative_sample(corpus[100:160]), and word_p.
* ch03/train.py for SimpleCBOW and SimpleSkipGram, seeds 0, 1, 2, the
  book's settings (window 1, hidden 5, batch 3, 1000 epochs, Adam()):
  loss_list and the final word_vecs; also in float64 (the same code with
  astype('f') left out) for seed 0.
* ch04 CBOW and SkipGram on tests/fixtures/license_corpus.txt (window 2,
  hidden 10, batch 20, 2 epochs, eval_interval 5, seed 0): loss_list and
  word_vecs.
"""
import contextlib
import io
import os
import struct
import sys
import types

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BOOK = os.environ.get("BOOK", os.path.join(ROOT, "..", "shared", "book"))
OUT = os.path.join(ROOT, "tests", "fixtures", "word2vec_runs.txt")
CORPUS = os.path.join(ROOT, "tests", "fixtures", "license_corpus.txt")

sys.modules["matplotlib"] = types.ModuleType("matplotlib")
sys.modules["matplotlib.pyplot"] = types.ModuleType("matplotlib.pyplot")
sys.path.insert(0, BOOK)
sys.path.insert(0, os.path.join(BOOK, "ch03"))
sys.path.insert(0, os.path.join(BOOK, "ch04"))

from common.trainer import Trainer  # noqa: E402
from common.optimizer import Adam  # noqa: E402
from common.util import preprocess, create_contexts_target, convert_one_hot  # noqa: E402
from simple_cbow import SimpleCBOW  # noqa: E402
from simple_skip_gram import SimpleSkipGram  # noqa: E402
from cbow import CBOW  # noqa: E402
from skip_gram import SkipGram  # noqa: E402
from negative_sampling_layer import UnigramSampler  # noqa: E402
import simple_cbow  # noqa: E402
import simple_skip_gram  # noqa: E402

lines = []


def emit(name, kind, values):
    fmt = {
        "i64": lambda v: "%d" % int(v),
        "f64": lambda v: "%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0],
        "f32": lambda v: "%08x" % struct.unpack("<I", struct.pack("<f", np.float32(v)))[0],
    }[kind]
    values = list(values)
    lines.append("%s %s %d: %s" % (name, kind, len(values), " ".join(fmt(v) for v in values)))


def ptb_corpus(path):
    words = open(path).read().replace("\n", "<eos>").strip().split()
    w2i = {}
    for w in words:
        if w not in w2i:
            w2i[w] = len(w2i)
    return np.array([w2i[w] for w in words]), w2i


def quiet_fit(trainer, *args, **kw):
    with contextlib.redirect_stdout(io.StringIO()):
        trainer.fit(*args, **kw)


class F64:
    """The chapter 3 models with their weights left in float64."""

    @staticmethod
    def patch(module):
        real = module.np
        fake = types.SimpleNamespace(**{k: getattr(real, k) for k in dir(real) if not k.startswith("__")})

        class Rand:
            @staticmethod
            def randn(*shape):
                return Arr(real.random.randn(*shape))

        class Arr(np.ndarray):
            def __new__(cls, a):
                return np.asarray(a).view(cls)

            def astype(self, t):
                return np.asarray(self)

        fake.random = Rand
        module.np = fake
        return real


def sampler():
    corpus, _ = ptb_corpus(CORPUS)
    np.random.seed(7)
    s = UnigramSampler(corpus, 0.75, 5)
    neg = s.get_negative_sample(corpus[100:160])
    emit("sampler_word_p", "f64", s.word_p)
    emit("sampler_neg.s7", "i64", neg.ravel())


def ch03():
    text = "You say goodbye and I say hello."
    corpus, word_to_id, id_to_word = preprocess(text)
    vocab_size = len(word_to_id)
    contexts, target = create_contexts_target(corpus, 1)
    target = convert_one_hot(target, vocab_size)
    contexts = convert_one_hot(contexts, vocab_size)
    for name, cls, module in (("simple_cbow", SimpleCBOW, simple_cbow),
                              ("simple_skip_gram", SimpleSkipGram, simple_skip_gram)):
        for seed in (0, 1, 2):
            np.random.seed(seed)
            model = cls(vocab_size, 5)
            trainer = Trainer(model, Adam())
            quiet_fit(trainer, contexts, target, 1000, 3)
            emit("%s.s%d.loss" % (name, seed), "f64", trainer.loss_list)
            emit("%s.s%d.word_vecs" % (name, seed), "f32", model.word_vecs.ravel())
        real = F64.patch(module)
        try:
            np.random.seed(0)
            model = cls(vocab_size, 5)
            assert model.word_vecs.dtype == np.float64
            trainer = Trainer(model, Adam())
            quiet_fit(trainer, contexts.astype(np.float64), target.astype(np.float64), 1000, 3)
        finally:
            module.np = real
        emit("%s.f64.s0.loss" % name, "f64", trainer.loss_list)
        emit("%s.f64.s0.word_vecs" % name, "f64", model.word_vecs.ravel())


def ch04():
    corpus, _ = ptb_corpus(CORPUS)
    vocab_size = int(corpus.max()) + 1
    contexts, target = create_contexts_target(corpus, 2)
    for name, cls in (("cbow", CBOW), ("skip_gram", SkipGram)):
        np.random.seed(0)
        model = cls(vocab_size, 10, 2, corpus)
        trainer = Trainer(model, Adam())
        quiet_fit(trainer, contexts, target, 2, 20, eval_interval=5)
        emit("%s.s0.loss" % name, "f64", trainer.loss_list)
        emit("%s.s0.word_vecs" % name, "f32", model.word_vecs.ravel())
        emit("%s.s0.after" % name, "f64", [np.random.random_sample()])


def main():
    sampler()
    ch03()
    ch04()
    header = [
        "# the book's chapter 3-4 code under numpy, generated by scripts/gen_word2vec_fixtures.py",
        "# numpy %s, python %s" % (np.__version__, sys.version.split()[0]),
    ]
    with open(OUT, "w") as f:
        f.write("\n".join(header + lines) + "\n")
    print("wrote %d entries to %s" % (len(lines), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
