#!/usr/bin/env bash
# Proves the vendoring promise: a crate that depends on groundup by path
# builds and runs with `--offline` and an empty CARGO_HOME (no registry, no
# network, nothing else compiled), with the default features and with
# `default-features = false` (the all-safe build).
#
#   scripts/offline-consumer.sh            # from anywhere
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CARGO_HOME="$work/cargo-home"   # empty: no registry index, no cache
mkdir -p "$CARGO_HOME"

make_consumer() { # name, dependency line
    local dir="$work/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$2

[workspace]
TOML
    cat >"$dir/src/main.rs" <<'RS'
use groundup::data::spiral;
use groundup::model::{Model, TwoLayerNet};
use groundup::optim::Sgd;
use groundup::train::{FitOptions, Trainer};
use groundup::Matrix;

fn main() {
    let a = Matrix::<f32>::filled(65, 33, 0.5);
    let b = Matrix::<f32>::filled(33, 17, 2.0);
    assert_eq!(a.matmul(&b)[(64, 16)], 33.0);
    let (x, t, mut rng) = spiral::load_data_with_rng(1984);
    let model = TwoLayerNet::<f64>::new(2, 10, 3, &mut || rng.randn());
    let mut trainer = Trainer::new(model, Sgd::new(1.0)).with_rng(rng);
    trainer.fit(&x, &t, FitOptions { max_epoch: 30, batch_size: 30, eval_interval: 1000, ..Default::default() }).expect("fit");
    let acc = trainer.model.accuracy(x.view(), (&t).into());
    println!("offline consumer: 30 epochs, accuracy {acc:.2}");
}
RS
    echo "$dir"
}

for variant in default safe; do
    if [ "$variant" = default ]; then
        dep="groundup = { path = \"$repo\" }"
    else
        dep="groundup = { path = \"$repo\", default-features = false }"
    fi
    dir="$(make_consumer "consumer_$variant" "$dep")"
    start=$(date +%s)
    (cd "$dir" && cargo build --release --offline --quiet && cargo run --release --offline --quiet | tail -n 1)
    # Nothing but the consumer and groundup was compiled, nothing downloaded.
    crates=$(ls "$dir/target/release/deps" | sed -n 's/^lib\([a-z_0-9]*\)-.*\.rlib$/\1/p' | sort -u | tr '\n' ' ')
    [ "$crates" = "groundup " ] || { echo "offline consumer ($variant): unexpected crates compiled: $crates" >&2; exit 1; }
    [ -z "$(ls -A "$CARGO_HOME")" ] || [ -z "$(find "$CARGO_HOME" -name '*.crate')" ] || { echo "offline consumer: something was downloaded" >&2; exit 1; }
    echo "offline consumer ($variant features): built and ran in $(( $(date +%s) - start )) s with an empty CARGO_HOME"
done
