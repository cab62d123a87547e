#!/usr/bin/env python3
"""Write tests/fixtures/license_corpus.txt: the crate's own license texts
(LICENSE-APACHE, LICENSE-MIT) as a small PTB-format corpus.

    python3 scripts/make_license_corpus.py

PTB format as the book's dataset/ptb.py reads it: lowercase words separated
by single spaces, one sentence per line, every line starting and ending
with a space. Numbers become N and other non-word characters are dropped,
like the Penn Treebank's preprocessing. The text is license text, so the
fixture can be shipped; it is small (a few thousand tokens) so the book's
chapter 4 code runs on it in seconds.
"""
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "license_corpus.txt")

text = ""
for name in ("LICENSE-APACHE", "LICENSE-MIT"):
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        text += f.read() + "\n"

lines = []
for sentence in re.split(r"[.;:!?]\s+|\n\s*\n", text):
    words = []
    for raw in sentence.lower().split():
        w = re.sub(r"[^a-z0-9'-]", "", raw).strip("'-")
        if not w:
            continue
        if re.fullmatch(r"[0-9][0-9'-]*", w):
            w = "N"
        words.append(w)
    if len(words) >= 3:
        lines.append(" " + " ".join(words) + " ")

with open(OUT, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print("wrote %d lines, %d tokens to %s" % (len(lines), sum(len(l.split()) + 1 for l in lines), os.path.normpath(OUT)))
