#!/usr/bin/env python3
"""Write tests/fixtures/lm_corpus.txt: a small synthetic PTB-format corpus for
the RNN / LSTM language models of chapters 5-7 (scripts/gen_rnnlm_fixtures.py).

    python3 scripts/make_lm_corpus.py [OUT] [TOKENS] [SEED]

Defaults: OUT = tests/fixtures/lm_corpus.txt, TOKENS = 12000 (line ends
counted as `<eos>`, as dataset/ptb.py reads them), SEED = 3. Deterministic:
the only randomness is numpy's RandomState(SEED) (legacy, stable across numpy
versions); no external text is read.

The approach of scripts/gen_svd_fixtures.py's corpus (invented syllable words
in word classes with Zipf-like frequencies, sentences from templates), made
richer so that a language model has something to learn beyond unigram
frequencies:

* number agreement: singular subjects take verbs in -s / "was" / "has",
  plural subjects the bare form / "were" / "have", also across a relative
  clause or a prepositional phrase between subject and verb;
* determiners agree with their noun (a / this / every + singular, these /
  many / some + plural; "the" with both);
* each sentence has one of 8 topics; nouns, verbs and adjectives of the
  topic are 12 times likelier, so words predict their neighbours;
* fixed phrases ("shares rose N % this year", "sold $ N million of",
  "if ... then ...", "said that ...").

PTB conventions: lowercase words, numbers as `N`, a few rare nouns replaced by
`<unk>`, and `$`; so the chapter 7 skip words ['N', '<unk>', '$'] all occur.
Each line is one sentence, starting and ending with a space.
"""
import os
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "lm_corpus.txt")
TOPICS = 8
TOPIC_BOOST = 12.0
UNK_RATE = 0.03


def syllable_words(rng, count, syllables, taken):
    words = []
    while len(words) < count:
        w = "".join(rng.choice(syllables, size=rng.randint(2, 4)))
        if w not in taken:
            taken.add(w)
            words.append(w)
    return words


class Grammar:
    def __init__(self, rng):
        self.rng = rng
        syl = ["ka", "lo", "mi", "ren", "to", "sa", "vu", "ne", "di", "po",
               "gra", "fe", "bo", "tu", "li", "mar"]
        taken = set()
        # no syllable ends in s, d or y and none starts with c, so the forms
        # stem+s, stem+ed, stem+ly and c+stem never equal another stem
        self.nouns = syllable_words(rng, 110, syl, taken)
        self.verbs = syllable_words(rng, 60, syl, taken)
        self.adjs = syllable_words(rng, 50, syl, taken)
        self.advs = [w + "ly" for w in syllable_words(rng, 16, syl, taken)]
        self.names = ["c" + w for w in syllable_words(rng, 24, syl, taken)]
        self.times = ["year", "month", "week", "quarter", "day", "decade"]
        self.preps = ["in", "of", "near", "with", "for", "from"]
        self.prons_sg = ["he", "she", "it"]
        self.prons_pl = ["we", "they", "you"]

    def zipf(self, n, topic=None, boost=True):
        p = 1.0 / np.arange(1, n + 1)
        if topic is not None and boost:
            lo = topic * n // TOPICS
            p[lo:lo + max(1, n // TOPICS)] *= TOPIC_BOOST
        return p / p.sum()

    def pick(self, words, topic=None):
        return words[self.rng.choice(len(words), p=self.zipf(len(words), topic))]

    # ---- words -----------------------------------------------------------
    def noun(self, plural, topic):
        w = self.pick(self.nouns, topic)
        if self.rng.random_sample() < UNK_RATE:
            return "<unk>"
        return w + "s" if plural else w

    def verb(self, form, topic):
        w = self.pick(self.verbs, topic)
        return {"base": w, "s": w + "s", "ed": w + "ed"}[form]

    def adj(self, topic):
        return self.pick(self.adjs, topic)

    # ---- phrases ---------------------------------------------------------
    def det(self, plural):
        if plural:
            return self.pick(["the", "these", "many", "some"])
        return self.pick(["the", "a", "this", "every"])

    def np_(self, plural, topic, depth=0):
        out = [self.det(plural)]
        if self.rng.random_sample() < 0.4:
            out.append(self.adj(topic))
        out.append(self.noun(plural, topic))
        r = self.rng.random_sample()
        if depth == 0 and r < 0.15:
            out += [self.pick(self.preps)] + self.np_(self.rng.random_sample() < 0.5, topic, 1)
        elif depth == 0 and r < 0.25:
            # relative clause: "that <pron> <verb-ed>"
            out += ["that", self.pick(self.prons_sg + self.prons_pl), self.verb("ed", topic)]
        return out

    def subject(self, topic):
        plural = self.rng.random_sample() < 0.45
        r = self.rng.random_sample()
        if r < 0.25:
            return [self.pick(self.prons_pl if plural else self.prons_sg)], plural
        if r < 0.35:
            return [self.pick(self.names)], False
        return self.np_(plural, topic), plural

    def vp(self, plural, topic):
        r = self.rng.random_sample()
        if r < 0.45:
            form = self.pick(["ed", "base"]) if self.rng.random_sample() < 0.5 else "ed"
            if form == "base":
                form = "base" if plural else "s"
            out = [self.verb(form, topic)] + self.np_(self.rng.random_sample() < 0.5, topic)
        elif r < 0.65:
            out = ["were" if plural else "was", self.adj(topic)]
        elif r < 0.8:
            out = ["have" if plural else "has", self.verb("ed", topic)] \
                + self.np_(self.rng.random_sample() < 0.5, topic)
        else:
            out = ["said", "that"] + self.clause(topic, allow_said=False)
        if self.rng.random_sample() < 0.2:
            out.append(self.pick(self.advs))
        if self.rng.random_sample() < 0.15:
            out += ["this" if self.rng.random_sample() < 0.5 else "last", self.pick(self.times)]
        return out

    def clause(self, topic, allow_said=True):
        subj, plural = self.subject(topic)
        while True:
            v = self.vp(plural, topic)
            if allow_said or v[0] != "said":
                return subj + v

    def sentence(self):
        topic = self.rng.randint(TOPICS)
        r = self.rng.random_sample()
        if r < 0.62:
            return self.clause(topic)
        if r < 0.72:
            return ["if"] + self.clause(topic, False) + ["then"] + self.clause(topic, False)
        if r < 0.82:
            return [self.pick(self.names), "shares", self.pick(["rose", "fell"]), "N", "%",
                    "this" if self.rng.random_sample() < 0.6 else "last", self.pick(self.times)]
        if r < 0.92:
            return [self.pick(self.names), "sold", "$", "N", self.pick(["million", "billion"]),
                    "of"] + [self.noun(True, topic)] + ["to", self.pick(self.names)]
        return ["the", self.noun(False, topic), "of", self.pick(self.names), "cost", "$", "N",
                "last", self.pick(self.times)]


def build(tokens=12000, seed=3):
    g = Grammar(np.random.RandomState(seed))
    lines, count = [], 0
    while count < tokens:
        s = g.sentence()
        lines.append(" " + " ".join(s) + " ")
        count += len(s) + 1
    return "\n".join(lines) + "\n", count, len(lines)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else OUT
    tokens = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    text, count, n = build(tokens, seed)
    with open(out, "w") as f:
        f.write(text)
    words = text.replace("\n", "<eos>").strip().split()
    print("wrote %d tokens (<eos> included), %d lines, %d distinct words to %s"
          % (len(words), n, len(set(words)), out))


if __name__ == "__main__":
    main()
