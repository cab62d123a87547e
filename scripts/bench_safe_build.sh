#!/usr/bin/env bash
# The price of the safe build: GEMM throughput (GFLOP/s) of the default
# build (AVX2 and portable kernels, persistent pool) next to
# `--no-default-features` (portable kernel, scoped threads), for 1 and 2
# threads. The two bench binaries run alternately, REPEAT rounds (default
# 5) in one sitting; each cell is the median over the rounds of criterion's
# median time per call. About 4 minutes after the bench builds.
#
#   scripts/bench_safe_build.sh [criterion filter regex]
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-'matmul/float(32|64)/[a-z0-9]+/(128x128x128|512x512x512|128x784x1024|128x1024x10)$'}
repeat=${REPEAT:-5}
out=$(mktemp -d)
bin() { cargo bench --bench matmul "$@" --no-run 2>&1 | grep -o 'target/release/deps/matmul-[0-9a-f]*'; }
default_bin=$(bin)
safe_bin=$(bin --no-default-features)
for round in $(seq "$repeat"); do
  for threads in 1 2; do
    for build in default safe; do
      exe=$default_bin
      [ "$build" = safe ] && exe=$safe_bin
      rm -rf target/criterion
      GROUNDUP_THREADS=$threads "$exe" --bench "$filter" >/dev/null 2>&1
      for est in target/criterion/matmul_*/*/*/new/estimates.json; do
        id=${est#target/criterion/}
        id=${id%/new/estimates.json}
        python3 - "$est" "$id" "$build" "$threads" >>"$out/rows" <<'PY'
import json, sys
est, id, build, threads = sys.argv[1:]
med = json.load(open(est))["median"]["point_estimate"]  # ns per call
dtype, kernel, shape = id.split("/")
m, k, n = map(int, shape.split("x"))
print(f"{dtype.removeprefix('matmul_')} {shape} {threads} {build}-{kernel} {2*m*n*k/med:.3f}")
PY
      done
    done
  done
done
python3 - "$out/rows" <<'PY'
import sys, collections, statistics
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    dtype, shape, threads, col, gflops = line.split()
    rows[(dtype, shape, int(threads))][col].append(float(gflops))
cols = ["default-avx2", "default-portable", "safe-portable"]
print("| dtype | m×k×n | threads | default avx2 | default portable | safe portable | safe / default portable | safe / default avx2 |")
print("|---|---|---|---:|---:|---:|---:|---:|")
for key in sorted(rows, key=lambda r: (r[0], [int(x) for x in r[1].split("x")], r[2])):
    r = rows[key]
    vals = [statistics.median(r[c]) if r.get(c) else None for c in cols]
    fmt = lambda v: f"{v:.1f}" if v is not None else "–"
    ratio = lambda a, b: f"{a / b:.2f}" if a and b else "–"
    print(f"| f{key[0][5:]} | {key[1]} | {key[2]} | " + " | ".join(fmt(v) for v in vals)
          + f" | {ratio(vals[2], vals[1])} | {ratio(vals[2], vals[0])} |")
print(f"(GFLOP/s: medians over {len(next(iter(next(iter(rows.values())).values())))} rounds of criterion's median time per call)")
PY
