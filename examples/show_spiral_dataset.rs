//! The book's `ch01/show_spiral_dataset.py`: load the spiral data set, print
//! its shapes and draw it (`target/spiral/dataset.svg`).
//!
//! ```sh
//! cargo run --release --example show_spiral_dataset
//! ```

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::data::spiral;
use groundup::{io, plot};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (x, t) = spiral::load_data(1984);
    outln!("x {:?}", x.shape());
    outln!("t {:?}", t.shape());
    outln!("x[:3] =\n{}", x.rows_view(0..3).to_matrix());

    let svg = plot::scatter(&x, &t.argmax_rows(), spiral::CLS_NUM);
    let dir = std::path::Path::new("target/spiral");
    std::fs::create_dir_all(dir)?;
    let path = dir.join("dataset.svg");
    io::write_atomic(&path, svg.as_bytes())?;
    outln!("wrote {}", path.display());
    Ok(())
}
