//! After warm-up, a training step allocates nothing: proven with a counting
//! global allocator, which sees every thread's allocations. So this file is
//! one check run from its own `main` (`harness = false` in Cargo.toml): under
//! libtest, its main thread sometimes allocated while the test ran (4 or 5
//! allocations in about a third of the runs on a loaded machine, the same
//! on `main` before the safe build; likely its first blocking wait for the
//! test's result, delayed by the load).
//!
//! The steps run with one GEMM thread (`set_threads(1)`), so this holds in
//! both builds: the default one and the safe one (`--no-default-features`,
//! whose threaded products start scoped threads and so allocate; see
//! `tests/gemm_alloc.rs` for what holds for threaded products in each).

use groundup::data::spiral;
use groundup::layers::{Affine, Dropout, ReLU, SoftmaxWithLoss, Targets};
use groundup::matrix::Ids;
use groundup::model::{Cbow, Model, Sequential, SimpleCbow, SimpleSkipGram, SkipGram, TwoLayerNet};
use groundup::optim::{clip_grads, Adam, Optimizer, Sgd};
use groundup::text::create_contexts_target;
use groundup::train::{FitOptions, Trainable, Trainer};
use groundup::{Matrix, RandomState};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn count(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

fn spiral_steps_allocate_nothing() {
    let (x, t, mut rng) = spiral::load_data_with_rng(1984);
    let mut model = TwoLayerNet::<f64>::new(2, 10, 3, &mut || rng.randn());
    let mut opt = Sgd::new(1.0);
    let step = |model: &mut TwoLayerNet<f64>, opt: &mut Sgd, i: usize| {
        let rows = (i % 10) * 30..(i % 10 + 1) * 30;
        let loss = model.forward(
            x.rows_view(rows.clone()),
            Targets::OneHot(t.rows_view(rows)),
        );
        // Both backward forms (the Trainer uses backward_params).
        if i % 2 == 0 {
            model.backward();
        } else {
            model.backward_params();
        }
        clip_grads(model, 5.0);
        opt.update(model);
        loss
    };
    step(&mut model, &mut opt, 0);
    let n = count(|| {
        for i in 1..200 {
            std::hint::black_box(step(&mut model, &mut opt, i));
        }
    });
    assert_eq!(n, 0, "spiral training steps allocated {n} times");
}

fn trainer_fit_allocates_only_its_loss_list_reservation() {
    let (x, t, mut rng) = spiral::load_data_with_rng(1984);
    let model = TwoLayerNet::<f32>::new(2, 10, 3, &mut || rng.randn());
    let (x, t) = (x.cast::<f32>(), t.cast::<f32>());
    let mut trainer = Trainer::new(model, Sgd::new(1.0)).with_rng(rng);
    trainer.set_verbose(false);
    trainer
        .fit(
            &x,
            &t,
            FitOptions {
                max_epoch: 1,
                batch_size: 30,
                max_grad: Some(5.0),
                eval_interval: 10,
            },
        )
        .unwrap();
    let short = count(|| {
        trainer
            .fit(
                &x,
                &t,
                FitOptions {
                    max_epoch: 2,
                    batch_size: 30,
                    max_grad: Some(5.0),
                    eval_interval: 10,
                },
            )
            .unwrap()
    });
    let long = count(|| {
        trainer
            .fit(
                &x,
                &t,
                FitOptions {
                    max_epoch: 50,
                    batch_size: 30,
                    max_grad: Some(5.0),
                    eval_interval: 10,
                },
            )
            .unwrap()
    });
    assert!(
        short <= 1 && long <= 1,
        "fit allocated {short} (2 epochs) and {long} (50 epochs) times"
    );
}

fn mlp_steps_allocate_nothing() {
    // A small ReLU MLP with Dropout and Adam (state allocated on first use).
    let mut rng = RandomState::new(3);
    let mut w = |r, c| Matrix::from_fn(r, c, |_, _| 0.1 * rng.randn() as f32);
    let mut model = Sequential::new(SoftmaxWithLoss::new())
        .with(Affine::new(w(20, 64), Matrix::zeros(1, 64)))
        .with(ReLU::new())
        .with(Dropout::new(0.2, 1))
        .with(Affine::new(w(64, 64), Matrix::zeros(1, 64)))
        .with(ReLU::new())
        .with(Affine::new(w(64, 5), Matrix::zeros(1, 5)));
    let x = Matrix::from_fn(64, 20, |i, j| ((i * 31 + j * 17) % 11) as f32 / 11.0);
    let labels: Vec<usize> = (0..64).map(|i| i % 5).collect();
    let mut opt = Adam::<f32>::default();
    let mut step = |model: &mut Sequential<f32>| {
        let l = model.forward(x.view(), Targets::Indices(&labels));
        model.backward();
        opt.update(model);
        l
    };
    step(&mut model);
    let n = count(|| {
        for _ in 0..50 {
            std::hint::black_box(step(&mut model));
        }
    });
    assert_eq!(n, 0, "MLP training steps allocated {n} times");

    // The folded SGD step (`backward_sgd`) reuses the same buffers.
    let sgd = Sgd::new(0.01);
    let fused_step = |model: &mut Sequential<f32>| {
        let l = model.forward(x.view(), Targets::Indices(&labels));
        model.backward_sgd(&sgd);
        l
    };
    fused_step(&mut model);
    let n = count(|| {
        for _ in 0..50 {
            std::hint::black_box(fused_step(&mut model));
        }
    });
    assert_eq!(
        n, 0,
        "MLP steps with the folded SGD step allocated {n} times"
    );
}

/// The word2vec models of chapters 3–4 through the Trainer: gathers,
/// scatter-adds, negative sampling (numpy's choice rounds) and Adam reuse
/// their buffers, so a whole fit after the first allocates only the
/// loss_list reservation.
fn word2vec_fits_allocate_only_their_loss_list_reservation() {
    let corpus: Vec<usize> = (0..400).map(|i| (i * 7 + i / 13) % 37).collect();
    let (contexts, target) = create_contexts_target(&corpus, 2);
    let opts = |epochs| FitOptions {
        max_epoch: epochs,
        batch_size: 20,
        ..Default::default()
    };
    fn fits<M: Trainable<f32, Input = Ids>>(
        name: &str,
        model: M,
        contexts: &Ids,
        target: &[usize],
        opts: impl Fn(usize) -> FitOptions,
    ) {
        let mut trainer = Trainer::new(model, Adam::<f32>::default());
        trainer.set_verbose(false);
        trainer.fit(contexts, target, opts(1)).unwrap();
        let n = count(|| trainer.fit(contexts, target, opts(3)).unwrap());
        assert!(n <= 1, "{name}: a 3-epoch fit allocated {n} times");
    }
    let mut rng = RandomState::new(0);
    fits(
        "CBOW",
        Cbow::<f32>::new(37, 8, 2, &corpus, &mut rng).unwrap(),
        &contexts,
        &target,
        opts,
    );
    fits(
        "SkipGram",
        SkipGram::<f32>::new(37, 8, 2, &corpus, &mut rng).unwrap(),
        &contexts,
        &target,
        opts,
    );
    let mut r = || rng.randn();
    fits(
        "SimpleCBOW",
        SimpleCbow::<f32>::new(37, 8, 4, &mut r),
        &contexts,
        &target,
        opts,
    );
    let mut r = || rng.randn();
    fits(
        "SimpleSkipGram",
        SimpleSkipGram::<f32>::new(37, 8, 4, &mut r),
        &contexts,
        &target,
        opts,
    );
}

/// The language models of chapters 5–6: a step (forward, backward, clip,
/// SGD) after the first allocates nothing, for all three models, and a
/// whole RnnlmTrainer fit only its two batch buffers and the ppl_list
/// reservation.
fn language_model_steps_allocate_nothing() {
    use groundup::model::{BetterRnnlm, LanguageModel, Rnnlm, SimpleRnnlm};
    use groundup::train::{RnnlmFitOptions, RnnlmTrainer};
    let v = 50;
    let xs = Ids::from_vec(4, 6, (0..24).map(|i| (i * 7) % v).collect()).unwrap();
    let ts = Ids::from_vec(4, 6, (0..24).map(|i| (i * 11 + 3) % v).collect()).unwrap();
    fn steps<M: LanguageModel<f32>>(name: &str, mut model: M, xs: &Ids, ts: &Ids) {
        let mut sgd = Sgd::new(1.0);
        let mut step = |model: &mut M| {
            let loss = model.forward(xs.view(), ts.view());
            model.backward();
            clip_grads(model, 0.25);
            sgd.update(model);
            loss
        };
        step(&mut model);
        let n = count(|| {
            for _ in 0..5 {
                std::hint::black_box(step(&mut model));
            }
        });
        assert_eq!(n, 0, "{name}: training steps allocated {n} times");
    }
    let mut rng = RandomState::new(0);
    steps(
        "SimpleRnnlm",
        SimpleRnnlm::<f32>::new(v, 8, 12, &mut rng),
        &xs,
        &ts,
    );
    steps("Rnnlm", Rnnlm::<f32>::new(v, 8, 12, &mut rng), &xs, &ts);
    let better = BetterRnnlm::<f32>::new(v, 12, 12, 0.5, &mut rng).unwrap();
    steps("BetterRnnlm", better, &xs, &ts);

    let corpus: Vec<usize> = (0..600).map(|i| (i * 7 + i / 13) % v).collect();
    let mut trainer = RnnlmTrainer::new(Rnnlm::<f32>::new(v, 8, 12, &mut rng), Sgd::new(1.0));
    trainer.set_verbose(false);
    let opts = RnnlmFitOptions {
        max_epoch: 2,
        batch_size: 4,
        time_size: 6,
        max_grad: Some(0.25),
        eval_interval: Some(5),
    };
    trainer.fit(&corpus[..599], &corpus[1..], opts).unwrap();
    let n = count(|| trainer.fit(&corpus[..599], &corpus[1..], opts).unwrap());
    assert!(n <= 3, "RnnlmTrainer: a 2-epoch fit allocated {n} times");
}

/// The seq2seq models of chapters 7–8: a step after the first allocates
/// nothing (the decoder's inputs and targets, the concatenations, the
/// attention weights and the encoder gradient live in reused buffers), and
/// a whole Trainer fit only its loss_list reservation.
fn seq2seq_steps_allocate_nothing() {
    use groundup::model::{
        AttentionSeq2seq, EncoderDecoder, PeekySeq2seq, Seq2seq, Seq2seqDecoder,
    };
    let v = 13;
    let xs = Ids::from_vec(8, 7, (0..56).map(|i| (i * 7) % 12).collect()).unwrap();
    let ts = Ids::from_vec(
        8,
        5,
        (0..40)
            .map(|i| if i % 5 == 0 { 12 } else { (i * 3) % 12 })
            .collect(),
    )
    .unwrap();
    fn steps<D: Seq2seqDecoder<f32>>(
        name: &str,
        mut model: EncoderDecoder<f32, D>,
        xs: &Ids,
        ts: &Ids,
    ) {
        let mut adam = Adam::<f32>::default();
        let mut step = |model: &mut EncoderDecoder<f32, D>| {
            let loss = model.forward(xs.view(), ts.view());
            model.backward();
            clip_grads(model, 5.0);
            adam.update(model);
            loss
        };
        step(&mut model);
        let n = count(|| {
            for _ in 0..5 {
                std::hint::black_box(step(&mut model));
            }
        });
        assert_eq!(n, 0, "{name}: training steps allocated {n} times");
        let mut trainer = Trainer::new(model, Adam::<f32>::default());
        trainer.set_verbose(false);
        let opts = FitOptions {
            max_epoch: 2,
            batch_size: 4,
            max_grad: Some(5.0),
            eval_interval: 1,
        };
        trainer.fit(xs, ts, opts).unwrap();
        let n = count(|| trainer.fit(xs, ts, opts).unwrap());
        assert!(n <= 1, "{name}: a 2-epoch fit allocated {n} times");
    }
    let mut rng = RandomState::new(0);
    steps("Seq2seq", Seq2seq::<f32>::new(v, 4, 8, &mut rng), &xs, &ts);
    steps(
        "PeekySeq2seq",
        PeekySeq2seq::<f32>::new(v, 4, 8, &mut rng),
        &xs,
        &ts,
    );
    steps(
        "AttentionSeq2seq",
        AttentionSeq2seq::<f32>::new(v, 4, 8, &mut rng),
        &xs,
        &ts,
    );
}

fn main() {
    training_steps_do_not_allocate_after_warm_up();
    println!("alloc: training steps allocate nothing after warm-up");
}

fn training_steps_do_not_allocate_after_warm_up() {
    groundup::gemm::set_threads(1);
    spiral_steps_allocate_nothing();
    trainer_fit_allocates_only_its_loss_list_reservation();
    mlp_steps_allocate_nothing();
    word2vec_fits_allocate_only_their_loss_list_reservation();
    language_model_steps_allocate_nothing();
    seq2seq_steps_allocate_nothing();
}
