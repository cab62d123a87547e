"""Trains on scikit-learn's digits data set (1797 8x8 images, 10 classes; the
UCI optical digits test set) with groundup's train_csv example and with
scikit-learn's MLPClassifier on the same split, and prints both accuracies.

    python3 scripts/compare_sklearn_digits.py

Needs scikit-learn (pip install scikit-learn). Writes target/digits.csv with a
header row `p0..p63,label`, pixel values 0..16, the last 300 rows held out.
"""
import os
import subprocess
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
HIDDEN, EPOCHS, LR, BATCH, TEST = 100, 30, 0.001, 32, 300


def main():
    digits = load_digits()
    x, y = digits.data, digits.target
    os.makedirs(os.path.join(ROOT, "target"), exist_ok=True)
    path = os.path.join(ROOT, "target", "digits.csv")
    with open(path, "w") as f:
        f.write(",".join("p%d" % i for i in range(64)) + ",label\n")
        for row, label in zip(x, y):
            f.write(",".join("%d" % v for v in row) + ",%d\n" % label)
    print("wrote", path, x.shape)

    cmd = ["cargo", "run", "--release", "--quiet", "--example", "train_csv", "--",
           "--data", path, "--scale", "16", "--hidden", str(HIDDEN), "--activation", "relu",
           "--optimizer", "adam", "--lr", str(LR), "--batch", str(BATCH), "--epochs", str(EPOCHS),
           "--test-rows", str(TEST), "--seed", "0", "--quiet"]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    print(out.stdout.strip())
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return 1

    xs = x / 16.0
    n = len(xs) - TEST
    accs = []
    for seed in range(5):
        clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="adam",
                            learning_rate_init=LR, batch_size=BATCH, max_iter=EPOCHS, alpha=0.0,
                            shuffle=True, random_state=seed, n_iter_no_change=EPOCHS + 1, tol=0.0)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(xs[:n], y[:n])
        accs.append((clf.score(xs[:n], y[:n]), clf.score(xs[n:], y[n:])))
    tr = np.array(accs)
    print("sklearn MLPClassifier (same split, %d hidden relu, adam lr %g, batch %d, %d epochs, alpha 0), 5 seeds:"
          % (HIDDEN, LR, BATCH, EPOCHS))
    print("  train accuracy %.2f (min %.3f max %.3f)" % (tr[:, 0].mean(), tr[:, 0].min(), tr[:, 0].max()))
    print("  test accuracy %.2f (min %.3f max %.3f)" % (tr[:, 1].mean(), tr[:, 1].min(), tr[:, 1].max()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
