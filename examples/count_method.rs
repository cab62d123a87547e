//! The book's `ch02/count_method_big.py`: count-based word vectors from a
//! PTB-format corpus — co-occurrence counts, PPMI, a truncated SVD — and
//! the nearest neighbours of a few query words.
//!
//! ```sh
//! cargo run --release --example count_method -- --corpus ptb.train.txt
//! cargo run --release --example count_method -- --help
//! ```
//!
//! The book calls scikit-learn's `randomized_svd(W, n_components=100,
//! n_iter=5, random_state=None)`; this runs the same algorithm
//! ([`groundup::linalg::randomized_svd`]) seeded by `--seed`, so its
//! output is reproducible but not scikit-learn's (whose draws are not
//! seeded at all).

#[macro_use]
#[path = "common/out.rs"]
mod out;

use groundup::linalg::{randomized_svd, RandomizedSvdOptions};
use groundup::text::{create_co_matrix, format_most_similar, most_similar, ppmi, read_ptb};
use groundup::RandomState;
use std::path::PathBuf;
use std::process::ExitCode;

#[path = "common/cli.rs"]
mod cli;
use cli::{number, value};

const USAGE: &str = "\
usage: cargo run --release --example count_method -- --corpus FILE [options]

Count-based word vectors as ch02/count_method_big.py makes them: the
co-occurrence matrix of a PTB-format corpus (one sentence per line; line
ends become <eos>), its PPMI, a randomized truncated SVD (10 oversamples,
5 power iterations), and the 5 most similar words to each query.

options:
  --corpus FILE         the corpus, PTB format (required; e.g. ptb.train.txt)
  --window N            context window on each side (default 2)
  --dim N               word vector size: the leading N singular vectors
                        (default 100; at most the vocabulary size)
  --query W1,W2,...     query words (default you,year,car,toyota)
  --seed N              seed of the SVD's random test matrix (default 0;
                        the book's scikit-learn call is unseeded)
  --help                this text";

#[derive(Debug)]
struct Args {
    corpus: PathBuf,
    window: usize,
    dim: usize,
    queries: Vec<String>,
    seed: u32,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut corpus = None;
    let mut a = Args {
        corpus: PathBuf::new(),
        window: 2,
        dim: 100,
        queries: ["you", "year", "car", "toyota"].map(String::from).to_vec(),
        seed: 0,
    };
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--corpus" => corpus = Some(PathBuf::from(value(&flag, argv.next())?)),
            "--window" => a.window = number(&flag, argv.next(), "a positive whole number")?,
            "--dim" => a.dim = number(&flag, argv.next(), "a positive whole number")?,
            "--query" => {
                let v = value(&flag, argv.next())?;
                a.queries = v.split(',').map(String::from).collect();
                if a.queries.iter().any(|q| q.is_empty()) {
                    return Err(format!("--query {v:?}: expected words separated by commas"));
                }
            }
            "--seed" => a.seed = number(&flag, argv.next(), "a whole number from 0 to 4294967295")?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    a.corpus = corpus.ok_or("--corpus FILE is required")?;
    if a.window == 0 {
        return Err("--window must be at least 1".into());
    }
    if a.dim == 0 {
        return Err("--dim must be at least 1".into());
    }
    Ok(Some(a))
}

fn run(args: &Args) -> Result<(), String> {
    let (corpus, vocab) = read_ptb(&args.corpus).map_err(|e| e.to_string())?;
    if vocab.is_empty() {
        return Err(format!(
            "{}: the corpus has no words",
            args.corpus.display()
        ));
    }
    let dim = if args.dim > vocab.len() {
        eprintln!(
            "note: --dim {} is more than the {} words of the vocabulary; using {}",
            args.dim,
            vocab.len(),
            vocab.len()
        );
        vocab.len()
    } else {
        args.dim
    };

    outln!("counting  co-occurrence ...");
    let c = create_co_matrix(&corpus, vocab.len(), args.window).map_err(|e| e.to_string())?;
    outln!("calculating PPMI ...");
    let w = ppmi(&c, |percent| outln!("{percent:.1}% done"));
    drop(c);

    outln!("calculating SVD ...");
    // U, S, V = randomized_svd(W, n_components=wordvec_size, n_iter=5)
    let mut rng = RandomState::new(args.seed);
    let svd = randomized_svd(&w, dim, RandomizedSvdOptions::default(), &mut rng)
        .map_err(|e| e.to_string())?;
    // word_vecs = U[:, :wordvec_size]
    let word_vecs = svd.u;

    for query in &args.queries {
        if vocab.id(query).is_none() {
            outln!("{query} is not found");
            continue;
        }
        let top = most_similar(query, &vocab, &word_vecs, 5).map_err(|e| e.to_string())?;
        out!("{}", format_most_similar(query, &top));
    }
    Ok(())
}

fn main() -> ExitCode {
    cli::main_with(USAGE, parse_args, run)
}
