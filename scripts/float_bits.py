"""Helpers shared by the table generators (gen_exp_table.py,
gen_log_table.py): doubles as their bits, an exact fused multiply-add, and
a Rust array of u64 words written four to a line."""
import struct
from fractions import Fraction


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(u):
    return struct.unpack("<d", struct.pack("<Q", u & (2**64 - 1)))[0]


def fma(a, b, c):
    """a·b + c rounded once, as a fused multiply-add."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def u64_array(declaration, words):
    """Lines of `#[rustfmt::skip] <declaration> = [ ... ];`, four hex words
    a line."""
    lines = ["#[rustfmt::skip]", f"{declaration} = ["]
    for i in range(0, len(words), 4):
        lines.append("    " + " ".join(f"0x{w:016x}," for w in words[i : i + 4]))
    return lines + ["];"]
