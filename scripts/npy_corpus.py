#!/usr/bin/env python3
"""Describe every .npy and .npz file shipped inside the installed numpy,
scipy and joblib packages, for tests/npy_corpus.rs.

Usage: python3 scripts/npy_corpus.py OUTDIR

Writes OUTDIR/manifest.tsv, one tab-separated line per array:

    path  member  class  descr  shape  values  bin

  path     the file (absolute)
  member   the array's name inside a .npz archive, '-' for a .npy file
  class    numeric       bool, integer or f2/f4/f8, at most 2 dimensions
           dims          one of those dtypes with more than 2 dimensions
           other         any other dtype (structured, object, string,
                         complex, long double, datetime, ...)
           unreadable    numpy itself cannot read the header
  descr    numpy's dtype.str ('<f8', '|O', '|V72'), '-' if unreadable
  shape    comma-separated dimensions ('' for a 0-d array)
  values   for numeric arrays, how OUTDIR/<bin> holds the elements in
           row-major (C) order: f64 (float64, exact for f2/f4/f8), i64
           (int64; bools as 0/1) or u64 (uint64); '-' otherwise
  bin      the file name in OUTDIR, '-' if none

and one line per .npz archive, `names  path  name1/name2/...` (numpy's
np.load(path).files, in archive order).

Exit status 3 (with the reason on stdout) when numpy is missing: the Rust
test then skips. Packages other than numpy that are not installed are left
out (and named on stdout).
"""
import os
import sys
import warnings
import zipfile

# Python 2 headers ('shape': (5L,)) make numpy warn; reading them is the point.
warnings.filterwarnings("ignore", message=".*created on Python 2")

try:
    import numpy as np
except ImportError as e:
    print(f"numpy is not installed ({e})")
    sys.exit(3)

fmt = np.lib.format


def header(fp):
    """(dtype, shape) from an open .npy stream, or None if numpy cannot read it."""
    try:
        version = fmt.read_magic(fp)
        if version == (1, 0):
            shape, _, dtype = fmt.read_array_header_1_0(fp, max_header_size=1 << 30)
        elif version == (2, 0):
            shape, _, dtype = fmt.read_array_header_2_0(fp, max_header_size=1 << 30)
        else:
            shape, _, dtype = fmt._read_array_header(fp, version, max_header_size=1 << 30)
        return dtype, shape
    except Exception:  # noqa: BLE001 - any failure means "numpy cannot read it"
        return None


def classify(dtype, shape):
    plain = dtype.fields is None and dtype.subdtype is None and not dtype.hasobject
    numeric = plain and (dtype.kind in "biu" or (dtype.kind == "f" and dtype.itemsize in (2, 4, 8)))
    if not numeric:
        return "other"
    return "numeric" if len(shape) <= 2 else "dims"


class Out:
    def __init__(self, d):
        self.dir = d
        self.lines = []
        self.n = 0

    def array(self, path, member, loader, opener):
        with opener() as fp:
            got = header(fp)
        if got is None:
            self.lines.append([path, member, "unreadable", "-", "", "-", "-"])
            return
        dtype, shape = got
        cls = classify(dtype, shape)
        values, name = "-", "-"
        if cls == "numeric":
            arr = np.ascontiguousarray(loader())
            assert arr.dtype == dtype and arr.shape == tuple(shape), (path, member)
            if arr.dtype.kind == "f":
                values, data = "f64", arr.astype("<f8")
            elif arr.dtype.kind == "u":
                values, data = "u64", arr.astype("<u8")
            else:
                values, data = "i64", arr.astype("<i8")
            name = f"{self.n}.bin"
            self.n += 1
            data.reshape(-1).tofile(os.path.join(self.dir, name))
        self.lines.append([path, member, cls, dtype.str, ",".join(map(str, shape)), values, name])


def main():
    out = Out(sys.argv[1])
    roots = []
    for pkg in ("numpy", "scipy", "joblib"):
        try:
            mod = __import__(pkg)
        except ImportError:
            print(f"{pkg} is not installed: its files are left out")
            continue
        roots.append(os.path.dirname(os.path.abspath(mod.__file__)))
    names = []
    for root in roots:
        for d, _, files in sorted(os.walk(root)):
            for f in sorted(files):
                path = os.path.join(d, f)
                if f.endswith(".npy"):
                    out.array(path, "-", lambda: np.load(path, allow_pickle=False), lambda: open(path, "rb"))
                elif f.endswith(".npz"):
                    with np.load(path, allow_pickle=False) as npz:
                        files = list(npz.files)
                        for name in files:
                            assert "\t" not in name and "/" not in name and "\n" not in name, name
                            member = name + ".npy"
                            with zipfile.ZipFile(path) as z:
                                if member not in z.namelist():
                                    member = name
                            out.array(
                                path,
                                name,
                                lambda: npz[name],
                                lambda: zipfile.ZipFile(path).open(member),
                            )
                    names.append(["names", path, "/".join(files)])
    with open(os.path.join(out.dir, "manifest.tsv"), "w", encoding="utf-8") as f:
        for line in out.lines + names:
            f.write("\t".join(line) + "\n")
    classes = {}
    for line in out.lines:
        classes[line[2]] = classes.get(line[2], 0) + 1
    print(f"{len(out.lines)} arrays in {len(names)} .npz and "
          f"{sum(1 for l in out.lines if l[1] == '-')} .npy files: {classes}")


if __name__ == "__main__":
    main()
