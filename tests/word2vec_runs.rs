//! The word2vec models against the book's own runs under numpy
//! (`tests/fixtures/word2vec_runs.txt`, from `scripts/gen_word2vec_fixtures.py`):
//! the same random draws (weights, shuffles, negative samples) in the same
//! order, `loss_list` within 1e-4 relative in float32 (the book's
//! precision) and far closer in float64.

mod common;

use common::numpy::{assert_close, Fixtures};
use groundup::layers::UnigramSampler;
use groundup::matrix::Ids;
use groundup::model::{Cbow, SimpleCbow, SimpleSkipGram, SkipGram};
use groundup::optim::Adam;
use groundup::text::{create_contexts_target, most_similar, parse_ptb, preprocess};
use groundup::train::{FitOptions, Trainable, Trainer};
use groundup::{Matrix, RandomState, Scalar};

const RUNS: &str = include_str!("fixtures/word2vec_runs.txt");
const CORPUS: &str = include_str!("fixtures/license_corpus.txt");

fn fit<T: Scalar, M: Trainable<T, Input = Ids>>(
    model: M,
    rng: Option<RandomState>,
    contexts: &Ids,
    target: &[usize],
    options: FitOptions,
) -> Trainer<T, M, Adam<T>> {
    let mut trainer = Trainer::new(model, Adam::default());
    if let Some(rng) = rng {
        trainer = trainer.with_rng(rng);
    }
    trainer.set_verbose(false);
    trainer.fit(contexts, target, options).unwrap();
    trainer
}

#[test]
fn the_sampler_draws_the_books_negatives() {
    let fx = Fixtures::parse(RUNS);
    let (corpus, _) = parse_ptb(CORPUS);
    let mut sampler = UnigramSampler::new(&corpus, 0.75, 5).unwrap();
    let want_p = fx.f64s("sampler_word_p");
    // np.power on AVX-512 may differ from pow in the last bit
    assert_close("word_p", sampler.word_p(), &want_p, 4.0 * f64::EPSILON);
    let mut rng = RandomState::new(7);
    let neg = sampler
        .negative_sample(&corpus[100..160], &mut rng)
        .unwrap();
    let want: Vec<usize> = fx
        .i64s("sampler_neg.s7")
        .into_iter()
        .map(|v| v as usize)
        .collect();
    assert_eq!(neg.as_slice(), want.as_slice());
}

fn ch03<T: Scalar>(name: &str, seed: u32, tol: f64) -> f64 {
    let fx = Fixtures::parse(RUNS);
    let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
    let (contexts, target) = create_contexts_target(&corpus, 1);
    let mut rng = RandomState::new(seed);
    let opts = FitOptions {
        max_epoch: 1000,
        batch_size: 3,
        ..Default::default()
    };
    let v = vocab.len();
    let (loss, vecs) = if name == "simple_cbow" {
        let m = SimpleCbow::<T>::new(v, 5, 2, &mut || rng.randn());
        let t = fit(m, Some(rng), &contexts, &target, opts);
        (t.loss_list.clone(), t.model.word_vecs().cast::<f64>())
    } else {
        let m = SimpleSkipGram::<T>::new(v, 5, 2, &mut || rng.randn());
        let t = fit(m, Some(rng), &contexts, &target, opts);
        (t.loss_list.clone(), t.model.word_vecs().cast::<f64>())
    };
    let key = match T::DTYPE {
        groundup::DType::F32 => format!("{name}.s{seed}"),
        groundup::DType::F64 => format!("{name}.f64.s{seed}"),
    };
    let worst = assert_close(
        &format!("{key} loss_list"),
        &loss,
        &fx.f64s(&format!("{key}.loss")),
        tol,
    );
    let want_vecs: Vec<f64> = match T::DTYPE {
        groundup::DType::F32 => fx
            .f32s(&format!("{key}.word_vecs"))
            .iter()
            .map(|&v| v as f64)
            .collect(),
        groundup::DType::F64 => fx.f64s(&format!("{key}.word_vecs")),
    };
    let dv: f64 = vecs
        .iter()
        .zip(&want_vecs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(dv < 1e3 * tol, "{key} word_vecs differ by {dv:e}");
    eprintln!("{key}: loss_list worst relative {worst:.2e}, word_vecs max |diff| {dv:.2e}");
    worst
}

#[test]
fn simple_cbow_f32_follows_the_book_for_three_seeds() {
    for seed in 0..3 {
        ch03::<f32>("simple_cbow", seed, 1e-4);
    }
}

#[test]
fn simple_skip_gram_f32_follows_the_book_for_three_seeds() {
    for seed in 0..3 {
        ch03::<f32>("simple_skip_gram", seed, 1e-4);
    }
}

#[test]
fn simple_models_f64_follow_the_book_closely() {
    ch03::<f64>("simple_cbow", 0, 1e-13);
    ch03::<f64>("simple_skip_gram", 0, 1e-13);
}

fn ch04(name: &str) {
    let fx = Fixtures::parse(RUNS);
    let (corpus, vocab) = parse_ptb(CORPUS);
    let (contexts, target) = create_contexts_target(&corpus, 2);
    let mut rng = RandomState::new(0);
    let opts = FitOptions {
        max_epoch: 2,
        batch_size: 20,
        eval_interval: 5,
        ..Default::default()
    };
    let (loss, vecs, mut after) = if name == "cbow" {
        let m = Cbow::<f32>::new(vocab.len(), 10, 2, &corpus, &mut rng).unwrap();
        let mut t = fit(m, None, &contexts, &target, opts);
        let after = t.model.rng().unwrap().clone();
        (t.loss_list.clone(), t.model.word_vecs().clone(), after)
    } else {
        let m = SkipGram::<f32>::new(vocab.len(), 10, 2, &corpus, &mut rng).unwrap();
        let mut t = fit(m, None, &contexts, &target, opts);
        let after = t.model.rng().unwrap().clone();
        (t.loss_list.clone(), t.model.word_vecs().clone(), after)
    };
    // every draw in the same order: the stream ends where numpy's ended
    assert_eq!(
        after.random_sample(),
        fx.f64s(&format!("{name}.s0.after"))[0],
        "{name}: stream position"
    );
    let worst = assert_close(
        &format!("{name} loss_list"),
        &loss,
        &fx.f64s(&format!("{name}.s0.loss")),
        1e-4,
    );
    let want = fx.f32s(&format!("{name}.s0.word_vecs"));
    let dv = vecs
        .iter()
        .zip(&want)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(dv < 1e-3, "{name} word_vecs differ by {dv:e}");
    eprintln!("{name}: loss_list worst relative {worst:.2e}, word_vecs max |diff| {dv:.2e}");
    // most_similar gives the same top 5 on our vectors as on numpy's
    let numpy_vecs = Matrix::from_vec(vecs.rows(), vecs.cols(), want).unwrap();
    for query in ["license", "work", "the", "copyright", "software"] {
        let top = |m: &Matrix<f32>| -> Vec<String> {
            most_similar(query, &vocab, m, 5)
                .unwrap()
                .into_iter()
                .map(|(w, _)| w)
                .collect()
        };
        assert_eq!(
            top(&vecs),
            top(&numpy_vecs),
            "{name}: most_similar({query:?})"
        );
    }
}

#[test]
fn cbow_follows_the_book_on_the_license_corpus() {
    ch04("cbow");
}

#[test]
fn skip_gram_follows_the_book_on_the_license_corpus() {
    ch04("skip_gram");
}
