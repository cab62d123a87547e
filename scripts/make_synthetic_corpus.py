#!/usr/bin/env python3
"""Write a synthetic PTB-format corpus for timing word2vec (not committed).

    python3 scripts/make_synthetic_corpus.py OUT [TOKENS] [VOCAB]

Defaults: 1 000 000 tokens (line ends included), 10 000 words, the sizes
of the Penn Treebank training split the book uses. Words are w0, w1, ...;
each sentence of 5-30 words follows a random topic so that words have
neighbours to learn from, and word frequencies are Zipf-like as in text.
Deterministic (numpy RandomState(0)).
"""
import sys

import numpy as np

out = sys.argv[1]
tokens = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
vocab = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
rs = np.random.RandomState(0)
ranks = np.arange(1, vocab + 1)
topics = 50
# each topic prefers a random slice of the vocabulary, on top of Zipf
base = 1.0 / ranks
lines, count = [], 0
while count < tokens:
    t = rs.randint(topics)
    p = base.copy()
    lo = (t * vocab) // topics
    p[lo:lo + vocab // topics] *= 20
    p /= p.sum()
    n = rs.randint(5, 31)
    words = rs.choice(vocab, size=n, p=p)
    lines.append(" " + " ".join("w%d" % w for w in words) + " ")
    count += n + 1
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote %d tokens, %d lines to %s" % (count, len(lines), out))
