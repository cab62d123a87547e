//! Chapters 7–8: the attention layers and the three encoder–decoder
//! models, gradient-checked end to end in f64 (every parameter, through
//! the encoder, the decoder and the loss), attention against a naive
//! per-element implementation of the book's formulas, batched generation
//! against one question at a time, and training through the `Trainer`
//! with answer sequences as targets, including its errors.

mod common;

use common::rng::TestRng;
use groundup::gradcheck::check_matrix;
use groundup::layers::attention::{Attention, AttentionWeight, TimeAttention, WeightSum};
use groundup::layers::Targets;
use groundup::matrix::Ids;
use groundup::model::{
    AttentionSeq2seq, EncoderDecoder, Params, PeekySeq2seq, Seq2seq, Seq2seqDecoder,
};
use groundup::optim::Adam;
use groundup::train::{FitOptions, Trainer};
use groundup::{Error, Matrix, RandomState};

const TOL: f64 = 1e-6;

fn random_matrix(rng: &mut TestRng, rows: usize, cols: usize) -> Matrix<f64> {
    Matrix::from_vec(rows, cols, rng.fill(rows * cols)).unwrap()
}

fn random_ids(rng: &mut RandomState, rows: usize, cols: usize, vocab: usize) -> Ids {
    let data = (0..rows * cols)
        .map(|_| rng.randint(0, vocab as i64) as usize)
        .collect();
    Ids::from_vec(rows, cols, data).unwrap()
}

fn wsum(out: &Matrix<f64>, r: &Matrix<f64>) -> f64 {
    assert_eq!(out.shape(), r.shape());
    out.iter().zip(r.iter()).map(|(a, b)| a * b).sum()
}

/// Every parameter of `model` against the numerical gradient of the loss
/// of `(xs, ts)`; returns the worst error.
fn gradcheck_model<D>(what: &str, model: &EncoderDecoder<f64, D>, xs: &Ids, ts: &Ids) -> f64
where
    D: Seq2seqDecoder<f64> + Clone,
{
    let mut m = model.clone();
    m.forward(xs.view(), ts.view());
    m.backward();
    let names = m.param_names();
    let grads: Vec<Matrix<f64>> = m.params().iter().map(|p| p.grad.clone()).collect();
    let values: Vec<Matrix<f64>> = m.params().iter().map(|p| p.value.clone()).collect();
    let mut worst = 0.0f64;
    for (k, name) in names.iter().enumerate() {
        let err = check_matrix(name, &grads[k], &values[k], |v| {
            let mut probe = model.clone();
            probe.for_each_param(&mut |i, p| {
                if i == k {
                    p.value = v.clone();
                }
            });
            probe.forward(xs.view(), ts.view())
        });
        eprintln!("gradcheck {what} {name}: {err:.2e}");
        assert!(err < TOL, "{what}: {name} has gradient error {err:e}");
        worst = worst.max(err);
    }
    worst
}

/// Weights large enough that the gates and the attention are not all at
/// their flat middle: the book's init scaled up.
fn scaled<D: Seq2seqDecoder<f64>>(
    mut m: EncoderDecoder<f64, D>,
    by: f64,
) -> EncoderDecoder<f64, D> {
    m.for_each_param(&mut |_, p| p.value.map_inplace(|v| v * by));
    m
}

fn data(seed: u32, n: usize, te: usize, ta: usize, vocab: usize) -> (Ids, Ids) {
    let mut rng = RandomState::new(seed);
    (
        random_ids(&mut rng, n, te, vocab),
        random_ids(&mut rng, n, ta, vocab),
    )
}

#[test]
fn seq2seq_passes_gradcheck_end_to_end() {
    let model = scaled(Seq2seq::<f64>::new(7, 3, 4, &mut RandomState::new(1)), 3.0);
    let (xs, ts) = data(2, 3, 5, 4, 7);
    gradcheck_model("Seq2seq", &model, &xs, &ts);
}

#[test]
fn peeky_seq2seq_passes_gradcheck_end_to_end() {
    let model = scaled(
        PeekySeq2seq::<f64>::new(7, 3, 4, &mut RandomState::new(3)),
        3.0,
    );
    let (xs, ts) = data(4, 2, 4, 5, 7);
    gradcheck_model("PeekySeq2seq", &model, &xs, &ts);
}

#[test]
fn attention_seq2seq_passes_gradcheck_end_to_end() {
    let model = scaled(
        AttentionSeq2seq::<f64>::new(7, 3, 5, &mut RandomState::new(5)),
        3.0,
    );
    let (xs, ts) = data(6, 3, 6, 4, 7);
    gradcheck_model("AttentionSeq2seq", &model, &xs, &ts);
}

/// The book's attention for one sequence, element by element:
/// `a = softmax(hs·h)`, `c = Σ a·hs`.
fn naive_attention(hs: &[Vec<f64>], h: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let s: Vec<f64> = hs
        .iter()
        .map(|row| row.iter().zip(h).map(|(a, b)| a * b).sum())
        .collect();
    let max = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = s.iter().map(|v| (v - max).exp()).collect();
    let total: f64 = e.iter().sum();
    let a: Vec<f64> = e.iter().map(|v| v / total).collect();
    let mut c = vec![0.0; h.len()];
    for (w, row) in a.iter().zip(hs) {
        for (ci, v) in c.iter_mut().zip(row) {
            *ci += w * v;
        }
    }
    (a, c)
}

#[test]
fn time_attention_matches_a_naive_per_sequence_reference() {
    let mut rng = TestRng::new(11);
    for &(n, te, td, h) in &[(1, 1, 1, 1), (2, 5, 3, 4), (3, 7, 2, 9), (4, 2, 6, 17)] {
        let enc = random_matrix(&mut rng, te * n, h).map(|v| v * 2.0);
        let dec = random_matrix(&mut rng, td * n, h).map(|v| v * 2.0);
        let mut att = TimeAttention::new();
        let out = att.forward(enc.view(), dec.view(), n).clone();
        for i in 0..n {
            let hs: Vec<Vec<f64>> = (0..te).map(|s| enc.row(s * n + i).to_vec()).collect();
            for t in 0..td {
                let (a, c) = naive_attention(&hs, dec.row(t * n + i));
                let got_a = att.attention_weights().row(t * n + i);
                for (x, y) in got_a.iter().zip(&a) {
                    assert!((x - y).abs() < 1e-14, "weights {n} {te} {td} {h}");
                }
                for (x, y) in out.row(t * n + i).iter().zip(&c) {
                    assert!((x - y).abs() < 1e-13, "context {n} {te} {td} {h}");
                }
            }
        }
    }
}

#[test]
fn attention_layers_pass_gradcheck() {
    let mut rng = TestRng::new(12);
    let (n, te, td, h) = (3, 4, 3, 5);
    let enc = random_matrix(&mut rng, te * n, h).map(|v| v * 2.0);
    let dec = random_matrix(&mut rng, td * n, h).map(|v| v * 2.0);
    let r = random_matrix(&mut rng, td * n, h);
    // TimeAttention, both inputs.
    let mut att = TimeAttention::new();
    att.forward(enc.view(), dec.view(), n);
    let (denc, ddec) = att.backward(r.view());
    let (denc, ddec) = (denc.clone(), ddec.clone());
    let loss = |e: &Matrix<f64>, d: &Matrix<f64>| {
        let mut att = TimeAttention::new();
        wsum(att.forward(e.view(), d.view(), n), &r)
    };
    assert!(check_matrix("hs_enc", &denc, &enc, |e| loss(e, &dec)) < TOL);
    assert!(check_matrix("hs_dec", &ddec, &dec, |d| loss(&enc, d)) < TOL);
    // A wrong gradient is caught: the check can fail.
    let wrong = denc.map(|v| v * 1.01);
    assert!(check_matrix("hs_enc", &wrong, &enc, |e| loss(e, &dec)) > TOL);

    // Attention, WeightSum and AttentionWeight, one step.
    let h0 = dec.rows_view(0..n).to_matrix();
    let rc = r.rows_view(0..n).to_matrix();
    let mut one = Attention::new();
    one.forward(enc.view(), h0.view());
    let (dhs, dh) = one.backward(rc.view());
    let (dhs, dh) = (dhs.clone(), dh.clone());
    let loss =
        |e: &Matrix<f64>, d: &Matrix<f64>| wsum(Attention::new().forward(e.view(), d.view()), &rc);
    assert!(check_matrix("Attention hs", &dhs, &enc, |e| loss(e, &h0)) < TOL);
    assert!(check_matrix("Attention h", &dh, &h0, |d| loss(&enc, d)) < TOL);

    let a = Matrix::from_fn(n, te, |i, s| ((i + 2 * s) % 5) as f64 * 0.2 + 0.1);
    let mut ws = WeightSum::new();
    ws.forward(enc.view(), a.view());
    let (dhs, da) = ws.backward(rc.view());
    let (dhs, da) = (dhs.clone(), da.clone());
    let loss =
        |e: &Matrix<f64>, a: &Matrix<f64>| wsum(WeightSum::new().forward(e.view(), a.view()), &rc);
    assert!(check_matrix("WeightSum hs", &dhs, &enc, |e| loss(e, &a)) < TOL);
    assert!(check_matrix("WeightSum a", &da, &a, |w| loss(&enc, w)) < TOL);

    let ra = random_matrix(&mut rng, n, te);
    let mut aw = AttentionWeight::new();
    aw.forward(enc.view(), h0.view());
    let (dhs, dh) = aw.backward(ra.view());
    let (dhs, dh) = (dhs.clone(), dh.clone());
    let loss = |e: &Matrix<f64>, d: &Matrix<f64>| {
        wsum(AttentionWeight::new().forward(e.view(), d.view()), &ra)
    };
    assert!(check_matrix("AttentionWeight hs", &dhs, &enc, |e| loss(e, &h0)) < TOL);
    assert!(check_matrix("AttentionWeight h", &dh, &h0, |d| loss(&enc, d)) < TOL);
}

#[test]
fn batched_generation_equals_one_question_at_a_time() {
    fn check<D: Seq2seqDecoder<f32>>(m: EncoderDecoder<f32, D>) {
        let mut m = m;
        // Scaled weights so the argmax is not the same everywhere.
        m.for_each_param(&mut |_, p| p.value.map_inplace(|v| v * 20.0));
        let (xs, _) = data(21, 5, 6, 2, 9);
        let starts = [8, 7, 8, 6, 8];
        let batch = m.generate_batch(xs.view(), &starts, 4).unwrap();
        assert_eq!(batch.shape(), (5, 4));
        for (i, &s) in starts.iter().enumerate() {
            let one = m.generate(xs.rows_view(i..i + 1), s, 4).unwrap();
            assert_eq!(batch.row(i), one.as_slice(), "row {i}");
        }
    }
    check(Seq2seq::<f32>::new(9, 4, 8, &mut RandomState::new(0)));
    check(PeekySeq2seq::<f32>::new(9, 4, 8, &mut RandomState::new(1)));
    check(AttentionSeq2seq::<f32>::new(
        9,
        4,
        8,
        &mut RandomState::new(2),
    ));
}

#[test]
fn generation_follows_the_teacher_forced_argmax() {
    // Feeding the generated answer back as teacher input gives scores
    // whose argmax is that answer: generate and forward agree.
    let mut m = AttentionSeq2seq::<f64>::new(9, 4, 8, &mut RandomState::new(3));
    m.for_each_param(&mut |_, p| p.value.map_inplace(|v| v * 10.0));
    let (xs, _) = data(22, 3, 5, 2, 9);
    let gen = m.generate_batch(xs.view(), &[8, 8, 8], 4).unwrap();
    let mut ts = Ids::from_vec(3, 5, vec![0; 15]).unwrap();
    for i in 0..3 {
        ts.as_mut_slice()[i * 5] = 8;
        ts.as_mut_slice()[i * 5 + 1..i * 5 + 5].copy_from_slice(gen.row(i));
    }
    let loss = m.forward(xs.view(), ts.view());
    // Every target is the argmax, so each term is below ln V.
    assert!(loss < 9f64.ln(), "{loss}");
}

#[test]
fn trainer_fits_answer_sequences_and_reports_bad_targets() {
    // Learn to reverse 3 digits.
    let mut rng = RandomState::new(7);
    let xs = random_ids(&mut rng, 64, 3, 10);
    let mut rows = Vec::new();
    for i in 0..64 {
        let q = xs.row(i);
        rows.extend_from_slice(&[10, q[2], q[1], q[0]]);
    }
    let ts = Ids::from_vec(64, 4, rows).unwrap();
    let mut init = RandomState::new(8);
    let model = PeekySeq2seq::<f32>::new(11, 8, 32, &mut init);
    let mut trainer = Trainer::new(model, Adam::new(0.01, 0.9, 0.999)).with_rng(init);
    trainer.set_verbose(false);
    let opts = FitOptions {
        max_epoch: 60,
        batch_size: 16,
        max_grad: Some(5.0),
        eval_interval: 4,
    };
    trainer.fit(&xs, &ts, opts).unwrap();
    let first = trainer.loss_list[0];
    let last = *trainer.loss_list.last().unwrap();
    assert!(last < first / 5.0, "{first} -> {last}");
    let guess = trainer
        .model
        .generate_batch(xs.view(), &[10; 64], 3)
        .unwrap();
    let correct = (0..64).filter(|&i| guess.row(i) == &ts.row(i)[1..]).count();
    assert!(correct >= 48, "{correct} of 64 reversed");

    // One class per row is not an answer sequence.
    let classes = vec![0usize; 64];
    let err = trainer.fit(&xs, &classes, opts).unwrap_err();
    assert!(err.to_string().contains("id sequences"), "{err}");
    // An answer id outside the vocabulary is named.
    let mut bad = ts.clone();
    bad.as_mut_slice()[4 * 5 + 2] = 11;
    let err = trainer.fit(&xs, &bad, opts).unwrap_err();
    assert!(
        err.to_string().contains("answer id 11 at row 5, column 2"),
        "{err}"
    );
    // Answers for another number of questions.
    let short = Ids::from_vec(2, 4, vec![10, 1, 2, 3, 10, 3, 2, 1]).unwrap();
    assert!(matches!(
        trainer.fit(&xs, &short, opts),
        Err(Error::ShapeMismatch { .. })
    ));
    // Sequence targets for a classifier are an error, not a silent argmax.
    let mut net = Trainer::new(
        groundup::model::TwoLayerNet::<f32>::new(3, 4, 2, &mut || 0.1),
        Adam::new(0.01, 0.9, 0.999),
    );
    let x = Matrix::<f32>::zeros(64, 3);
    let err = net
        .fit(&x, Targets::Sequences(ts.view()), opts)
        .unwrap_err();
    assert!(err.to_string().contains("sequences of 4 ids"), "{err}");
}

#[test]
fn generate_rejects_bad_questions_and_start_ids() {
    let mut m = Seq2seq::<f32>::new(5, 2, 3, &mut RandomState::new(0));
    let q = Ids::from_rows([[1, 2, 3]]);
    let err = m.generate(q.view(), 5, 3).unwrap_err();
    assert!(err.to_string().contains("start id 5"), "{err}");
    let two = Ids::from_rows([[1, 2], [3, 4]]);
    assert!(m.generate(two.view(), 0, 3).is_err());
    assert!(m.generate_batch(two.view(), &[0], 3).is_err());
    assert_eq!(
        m.generate_batch(two.view(), &[0, 0], 0).unwrap().shape(),
        (2, 0)
    );
}
