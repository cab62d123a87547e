#!/usr/bin/env python3
"""Regenerate tests/fixtures/npz/ with real numpy and zlib.

Usage: python3 scripts/gen_npz_fixtures.py   (needs numpy)

tests/io_npz.rs checks the values written here (keep the two in sync):

* savez.npz / savez_compressed.npz: np.savez / np.savez_compressed of
  ARRAYS below (several dtypes, 1-D and 2-D, an empty array, a unicode
  name).
* floats_savez.npz / floats_savez_compressed.npz: two f8 and f4 2-D arrays,
  the kind groundup writes; the test writes the same data and compares the
  members' .npy bytes with numpy's.
* streamed.npz: x = arange(5) (i8) and y = eye(2), written to an
  unseekable stream as np.savez does to a pipe: data descriptors.
* zlib/*.bin: raw DEFLATE streams (wbits=-15) from zlib of several kinds
  (stored blocks, fixed Huffman, dynamic Huffman, Huffman only, RLE, long
  distances, empty); zlib/manifest.txt gives each one's uncompressed
  length and CRC-32 (the data itself is not committed).
"""
import os
import zipfile
import zlib

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "npz")


def arrays():
    return {
        "f8_2d": np.arange(12, dtype="<f8").reshape(3, 4) * 0.25 - 1.0,
        "i4_1d": np.array([-3, 0, 7, 2**31 - 1], dtype="<i4"),
        "b1": np.array([True, False, True]),
        "empty": np.zeros((0, 3), dtype="<f4"),
        "u1_labels": np.array([2, 0, 1, 1], dtype="u1"),
        "gewicht_ß_β": np.array([[1.5, -2.0]], dtype="<f4"),
        "f2_be": np.array([0.5, -1.0, 65504.0], dtype=">f2"),
    }


def floats():
    return {
        "W": (np.arange(6, dtype="<f8").reshape(2, 3) / 7.0),
        "b": np.full((1, 5), 0.1, dtype="<f8"),
    }


def main():
    os.makedirs(os.path.join(OUT, "zlib"), exist_ok=True)
    np.savez(os.path.join(OUT, "savez.npz"), **arrays())
    np.savez_compressed(os.path.join(OUT, "savez_compressed.npz"), **arrays())
    np.savez(os.path.join(OUT, "floats_savez.npz"), **floats())
    np.savez_compressed(os.path.join(OUT, "floats_savez_compressed.npz"), **floats())

    # Written to an unseekable stream: data descriptors (flag bit 3) after
    # each member, zeros for CRC and sizes in the local headers.
    class Unseekable:
        def __init__(self):
            self.data = bytearray()

        def write(self, b):
            self.data += b
            return len(b)

        def flush(self):
            pass

    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, a in [("x", np.arange(5, dtype="<i8")), ("y", np.eye(2))]:
            with z.open(name + ".npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, a)
    with open(os.path.join(OUT, "streamed.npz"), "wb") as f:
        f.write(stream.data)

    rng = np.random.RandomState(15)
    text = b"".join(b"line %d: the quick brown fox %d\n" % (i, i % 7) for i in range(2000))
    rand = rng.randint(0, 256, 20000).astype(np.uint8).tobytes()
    # A random block repeated 32000 bytes apart: matches at long distances.
    far = rng.randint(0, 256, 32000).astype(np.uint8).tobytes()
    far = far + far[:20000] + rng.randint(0, 256, 12000).astype(np.uint8).tobytes() + far
    floats_bytes = (np.sin(np.arange(20000) / 50.0).astype("<f4")).tobytes()
    cases = [
        ("stored", text[:30000] + rand[:5000], 0, zlib.Z_DEFAULT_STRATEGY),
        ("fixed", text, 6, zlib.Z_FIXED),
        ("dynamic", text, 9, zlib.Z_DEFAULT_STRATEGY),
        ("huffman_only", text, 6, zlib.Z_HUFFMAN_ONLY),
        ("rle", bytes(5000) + b"\x01" * 3000 + text[:1000], 6, zlib.Z_RLE),
        ("random", rand, 6, zlib.Z_DEFAULT_STRATEGY),
        ("long_distance", far, 9, zlib.Z_DEFAULT_STRATEGY),
        ("floats", floats_bytes, 6, zlib.Z_DEFAULT_STRATEGY),
        ("empty", b"", 6, zlib.Z_DEFAULT_STRATEGY),
        ("one_byte", b"x", 1, zlib.Z_DEFAULT_STRATEGY),
    ]
    manifest = []
    for name, data, level, strategy in cases:
        c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
        z = c.compress(data) + c.flush()
        assert zlib.decompress(z, -15) == data
        manifest.append(f"{name} {len(data)} {zlib.crc32(data):08x}\n")
        with open(os.path.join(OUT, "zlib", name + ".bin"), "wb") as f:
            f.write(z)
        print(f"zlib/{name}: {len(data)} -> {len(z)} bytes")
    with open(os.path.join(OUT, "zlib", "manifest.txt"), "w") as f:
        f.write("".join(manifest))


if __name__ == "__main__":
    main()
