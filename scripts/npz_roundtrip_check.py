#!/usr/bin/env python3
"""Round trips a > 64 MiB array between numpy and groundup's .npz, both ways.

Usage: python3 scripts/npz_roundtrip_check.py   (needs numpy and cargo)

1. numpy writes the array of tests/io_npz.rs `large_array_round_trip`
   (4096 x 2100 float64, 68.8 MB) with np.savez and np.savez_compressed
   into a temporary directory;
2. that ignored test runs (GROUNDUP_NPZ_DIR points it there): it writes the
   array with groundup stored and deflated, reads both back, reads numpy's
   two archives, checks every element and prints sizes and speeds;
3. numpy loads groundup's two archives and compares them with its array.
"""
import os
import subprocess
import sys
import tempfile
import time
import zipfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def main():
    rows, cols = 4096, 2100
    i = np.arange(rows)[:, None]
    j = np.arange(cols)[None, :]
    big = ((i * 7 + j // 64) % 1000).astype(np.float64) * 0.001
    with tempfile.TemporaryDirectory() as d:
        for name, fn in [("numpy_savez.npz", np.savez), ("numpy_savez_compressed.npz", np.savez_compressed)]:
            t = time.time()
            fn(os.path.join(d, name), big=big)
            size = os.path.getsize(os.path.join(d, name))
            print(f"numpy {name}: {size / 1e6:.2f} MB (ratio {big.nbytes / size:.1f}) in {time.time() - t:.2f} s")
        env = dict(os.environ, GROUNDUP_NPZ_DIR=d)
        subprocess.run(
            ["cargo", "test", "--release", "--test", "io_npz", "--", "--ignored", "--nocapture",
             "large_array_round_trip"],
            cwd=ROOT, env=env, check=True,
        )
        for name in ["groundup_stored.npz", "groundup_compressed.npz"]:
            path = os.path.join(d, name)
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None, name
            t = time.time()
            with np.load(path) as f:
                got = f["big"]
            print(f"numpy read {name} in {time.time() - t:.2f} s")
            assert got.dtype == np.float64 and got.shape == big.shape, (got.dtype, got.shape)
            assert np.array_equal(got, big), name
        noisy_path = os.path.join(d, "groundup_noisy.npz")
        with np.load(noisy_path) as f:
            noisy = f["noisy"]
        again = os.path.join(d, "numpy_noisy.npz")
        t = time.time()
        np.savez_compressed(again, noisy=noisy)
        print(f"noisy: groundup {os.path.getsize(noisy_path) / 1e6:.2f} MB, numpy (zlib) "
              f"{os.path.getsize(again) / 1e6:.2f} MB in {time.time() - t:.2f} s")
    print("OK: numpy and groundup agree both ways")


if __name__ == "__main__":
    sys.exit(main())
