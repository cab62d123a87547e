#!/usr/bin/env python3
"""Write tests/fixtures/iris.csv: Fisher's iris data (150 rows, 4 features,
3 species) with the species as words, for the train_csv word-label test.

    python3 scripts/make_iris_csv.py        # needs scikit-learn

The rows come from scikit-learn's bundled copy (sklearn.datasets.load_iris;
provenance and license in tests/fixtures/LICENSE.md). The header is
sepal_length,sepal_width,petal_length,petal_width,species (centimetres; the
species setosa, versicolor, virginica). scikit-learn lists the rows by
species, 50 of each; here they are interleaved -- setosa 1, versicolor 1,
virginica 1, setosa 2, ... -- so that any tail of the file (train_csv's
--test-rows holds out the last rows) has every species in equal measure
(the last 30 rows are the last 10 of each species) and the labels appear
in the order setosa, versicolor, virginica. No randomness: the file is the
same on every run.
"""
import os

from sklearn.datasets import load_iris

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "iris.csv")


def main():
    iris = load_iris()
    x, y, names = iris.data, iris.target, list(iris.target_names)
    assert x.shape == (150, 4) and names == ["setosa", "versicolor", "virginica"]
    by_class = [[i for i in range(len(y)) if y[i] == c] for c in range(3)]
    assert all(len(rows) == 50 for rows in by_class)
    order = [by_class[c][k] for k in range(50) for c in range(3)]
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    for i in order:
        # Every measurement has one decimal in the source.
        assert all(abs(v * 10 - round(v * 10)) < 1e-9 for v in x[i])
        lines.append(",".join("%.1f" % v for v in x[i]) + "," + names[y[i]])
    with open(OUT, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(OUT), len(order), "rows")


if __name__ == "__main__":
    main()
