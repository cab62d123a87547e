//! The book's `ch01/forward_net.py`: the forward pass of an untrained
//! two-layer net (Affine → Sigmoid → Affine) on 10 random points. Unlike the
//! trained `TwoLayerNet`, every weight *and bias* is a standard normal draw.
//!
//! ```sh
//! cargo run --release --example forward_net
//! ```

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::layers::{Affine, Layer, Sigmoid};
use groundup::RandomState;

fn main() {
    // The book leaves the seed unset; seed 0 makes the output repeatable.
    let mut rng = RandomState::new(0);
    let x = rng.randn_matrix(10, 2);

    let (input, hidden, output) = (2, 4, 3);
    let w1 = rng.randn_matrix(input, hidden);
    let b1 = rng.randn_matrix(1, hidden);
    let w2 = rng.randn_matrix(hidden, output);
    let b2 = rng.randn_matrix(1, output);
    let mut layers: Vec<Box<dyn Layer<f64>>> = vec![
        Box::new(Affine::new(w1, b1)),
        Box::new(Sigmoid::new()),
        Box::new(Affine::new(w2, b2)),
    ];

    // predict: each layer's output is the next one's input.
    let mut s = x.clone();
    for layer in &mut layers {
        s = layer.forward(s.view()).clone();
    }
    outln!("x =\n{x}\n");
    outln!("s = predict(x) =\n{s}");
}
