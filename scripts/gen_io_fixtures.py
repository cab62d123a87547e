#!/usr/bin/env python3
"""Regenerate tests/fixtures/ with real numpy and safetensors.

Usage: python3 scripts/gen_io_fixtures.py   (needs numpy and safetensors)

The Rust tests (tests/io_npy.rs, tests/io_safetensors.rs) check the values
written here, so keep the two in sync. The files are committed; this script
is only needed to regenerate them.
"""
import os
import sys

import numpy as np
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")


def npy(name, arr, version=None):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        if version is None:
            np.save(f, arr)
        else:
            np.lib.format.write_array(f, arr, version=version)
    print(f"wrote {name}: dtype={arr.dtype.str} shape={arr.shape} version={version or 'default'}")


def main():
    os.makedirs(OUT, exist_ok=True)
    # f4, 2-D, version 1.0, with -0.0 and inf.
    npy("f4_2d.npy", np.array([[-1.5, -0.0, 0.25], [3.0, np.inf, -np.inf]], dtype="<f4"))
    # f8, 2-D: 0.1 * (i * cols + j) - 1.
    npy("f8_2d.npy", (np.arange(12, dtype="<f8").reshape(4, 3) * 0.1 - 1.0))
    # f8, 1-D -> 1 x n.
    npy("f8_1d.npy", np.array([1.0, 2.5, -3.25, 1e300], dtype="<f8"))
    # f8, 0-D -> 1 x 1.
    npy("f8_0d.npy", np.array(3.5, dtype="<f8"))
    # Explicit versions 2.0 and 3.0.
    npy("f8_v2.npy", np.arange(6, dtype="<f8").reshape(2, 3), version=(2, 0))
    npy("f4_v3.npy", np.arange(6, dtype="<f4").reshape(3, 2), version=(3, 0))
    # Big-endian f8 (read with a byte swap).
    npy("f8_big_endian.npy", np.array([[1.0, -2.0], [0.5, 1e-300]], dtype=">f8"))
    # Fortran order (read transposed), an integer dtype (converted exactly),
    # three dimensions (refused). scripts/gen_dtype_fixtures.py has the rest.
    npy("f8_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)))
    npy("i8_2d.npy", np.arange(6, dtype="<i8").reshape(2, 3))
    npy("f4_3d.npy", np.zeros((2, 2, 2), dtype="<f4"))

    # safetensors: F32 + F64 tensors of several ranks, and metadata.
    tensors = {
        "layer1.W": (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1.0),
        "layer1.b": np.array([0.125, -0.0, np.nan], dtype=np.float32),
        "scale": np.array(2.5, dtype=np.float64),
        "layer2.W": (np.arange(6, dtype=np.float64).reshape(3, 2) / 3.0),
        "empty": np.zeros((0, 4), dtype=np.float32),
    }
    meta = {"epoch": "3", "note": 'caf\u00e9 "quoted" \\ \U0001F600'}
    save_file(tensors, os.path.join(OUT, "mixed.safetensors"), metadata=meta)
    print("wrote mixed.safetensors:", sorted(tensors), meta)
    # Other dtypes (kept in SafeTensors::skipped, converted on request).
    save_file({"w": np.zeros((2, 2), dtype=np.float32), "ids": np.arange(3, dtype=np.int64)},
              os.path.join(OUT, "i64.safetensors"))
    save_file({"h": np.ones((2,), dtype=np.float16)}, os.path.join(OUT, "f16.safetensors"))
    print("wrote i64.safetensors, f16.safetensors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
