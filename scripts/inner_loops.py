#!/usr/bin/env python3
"""Lists the innermost loops of the GEMM tile functions in an objdump -d
listing (aarch64 or x86-64) with their instruction mix: FMAs, loads and the
bytes those loads read. Used to back the FMAs-per-byte table in
src/gemm/kernel/aarch64_neon/mod.rs.

    aarch64-linux-gnu-objdump -d --no-show-raw-insn BINARY > dis.s
    python3 scripts/inner_loops.py dis.s [symbol-substring]
"""
import re
import sys

path = sys.argv[1]
want = sys.argv[2] if len(sys.argv) > 2 else "tile"
func = None
insns = {}
for line in open(path):
    m = re.match(r"^([0-9a-f]+) <(.*)>:", line)
    if m:
        func = m.group(2)
        insns[func] = []
        continue
    m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
    if m and func:
        insns[func].append((int(m.group(1), 16), m.group(2), m.group(3)))

def load_bytes(op, args):
    if op.startswith("ld1r"):
        return 4 if ".4s" in args or ".2s" in args else 8
    if op == "ld1" or op == "ld1q":
        return 16 * args.count("v")
    if op in ("ldr", "ldur"):
        r = args.split(",")[0].strip()
        return {"q": 16, "d": 8, "s": 4, "x": 8, "w": 4}.get(r[0], 0)
    if op == "ldp":
        r = args.split(",")[0].strip()
        return 2 * {"q": 16, "d": 8, "s": 4, "x": 8, "w": 4}.get(r[0], 0)
    if op.startswith("vbroadcasts"):
        return 4 if op.endswith("s") else 8
    if op.startswith("vmovup") or op.startswith("vmovap"):
        return 32 if "ymm" in args.split(",")[-1] or "(" in args.split(",")[0] else 0
    return 0

rows = []
for f, body in insns.items():
    if want not in f:
        continue
    for i, (addr, op, args) in enumerate(body):
        if not (op.startswith("b.") or op.startswith("j") or op in ("cbnz", "cbz", "tbnz")):
            continue
        m = re.search(r"\b([0-9a-f]+) <", args)
        if not m:
            continue
        tgt = int(m.group(1), 16)
        if tgt >= addr:
            continue
        loop = [x for x in body if tgt <= x[0] <= addr]
        fma = [x for x in loop if x[1].startswith("fmla") or "fmadd" in x[1]]
        lanes = sum(4 if ".4s" in x[2] else 2 if ".2d" in x[2] else 8 if "ymm" in x[2] and "ps" in x[1] else 4 if "ymm" in x[2] else 1 for x in fma)
        nbytes = sum(load_bytes(x[1], x[2]) for x in loop if x[1].startswith("ld") or x[1].startswith("vbroadcast") or (x[1].startswith("vfmadd") and "(" in x[2]))
        if fma:
            rows.append((len(fma), lanes, nbytes, len(loop), f))
rows.sort(reverse=True)
print("fma_insns fma_lanes load_bytes loop_insns function")
for r in rows[:12]:
    print(*r[:4], r[4][:90])
