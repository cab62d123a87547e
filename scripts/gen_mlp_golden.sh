#!/usr/bin/env bash
# Regenerates tests/fixtures/mlp_bench_golden.json: the numpy float32 reference
# run of the mlp-bench workload (../shared/reference/MLP_BENCH.md), with one
# OpenBLAS thread, via the reference's own `bench_mlp.py golden`.
#   scripts/gen_mlp_golden.sh [path/to/shared/reference]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ref="${1:-$here/../../shared/reference}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$ref"/bench_mlp.py "$tmp"/
mkdir -p "$tmp/golden"
(cd "$tmp" && OPENBLAS_NUM_THREADS=1 python3 bench_mlp.py golden)
cp "$tmp/golden/mlp_bench.json" "$here/../tests/fixtures/mlp_bench_golden.json"
echo "wrote tests/fixtures/mlp_bench_golden.json"
