//! The book's `ch01/train_custom_loop.py`: the same training as `spiral`,
//! written out by hand instead of through `Trainer` — shuffle, slice a
//! mini-batch, forward, backward, update, report every 10 iterations.
//!
//! ```sh
//! cargo run --release --example train_custom_loop
//! ```
//! Same numbers as the book (f64, seed 1984); figures go to
//! `target/train_custom_loop/`.

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::data::spiral;
use groundup::layers::Targets;
use groundup::model::{Model, TwoLayerNet};
use groundup::optim::{Optimizer, Sgd};
use groundup::{io, plot};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Hyperparameters.
    let max_epoch = 300;
    let batch_size = 30;
    let hidden_size = 10;
    let learning_rate = 1.0;

    // Data, model, optimizer: one random stream, as np.random in the book.
    let (mut x, mut t, mut rng) = spiral::load_data_with_rng(1984);
    let mut model = TwoLayerNet::<f64>::new(2, hidden_size, 3, &mut || rng.randn());
    let mut optimizer = Sgd::new(learning_rate);

    let data_size = x.rows();
    let max_iters = data_size / batch_size;
    let mut total_loss = 0.0;
    let mut loss_count = 0;
    let mut loss_list = Vec::new();

    for epoch in 0..max_epoch {
        // Shuffle (cumulatively, as `x = x[idx]` does).
        let idx = rng.permutation(data_size);
        x = x.gather_rows(&idx);
        t = t.gather_rows(&idx);

        for iters in 0..max_iters {
            let rows = iters * batch_size..(iters + 1) * batch_size;
            let batch_x = x.rows_view(rows.clone());
            let batch_t = Targets::OneHot(t.rows_view(rows));

            // Gradients, then the update.
            let loss = model.forward(batch_x, batch_t);
            model.backward();
            optimizer.update(&mut model);
            total_loss += loss;
            loss_count += 1;

            // Report the average loss every 10 iterations.
            if (iters + 1) % 10 == 0 {
                let avg_loss = total_loss / loss_count as f64;
                outln!(
                    "| epoch {} |  iter {} / {} | loss {:.2}",
                    epoch + 1,
                    iters + 1,
                    max_iters,
                    avg_loss
                );
                loss_list.push(avg_loss);
                total_loss = 0.0;
                loss_count = 0;
            }
        }
    }

    let out = std::path::Path::new("target/train_custom_loop");
    std::fs::create_dir_all(out)?;
    let loss_svg = out.join("loss.svg");
    io::write_atomic(&loss_svg, plot::loss_curve(&loss_list, 10).as_bytes())?;
    let (x0, t0) = spiral::load_data(1984);
    let boundary = plot::decision_boundary(&x0, &t0.argmax_rows(), 3, |grid| {
        model.predict(grid).argmax_rows()
    });
    let boundary_svg = out.join("decision_boundary.svg");
    io::write_atomic(&boundary_svg, boundary.as_bytes())?;
    outln!(
        "wrote {} and {}",
        loss_svg.display(),
        boundary_svg.display()
    );
    Ok(())
}
