//! `RandomState::choice_p` against numpy's legacy `RandomState.choice(n,
//! size, replace, p)`, value for value and with the generator left at the
//! same position (`tests/fixtures/rng_vectors.txt`, written by
//! `scripts/gen_rng_vectors.py`).

mod common;

use common::numpy::Fixtures;
use groundup::rng::{ChoiceScratch, RandomState};
use groundup::Error;

const CASES: [(&str, usize, bool); 10] = [
    ("unigram_t0", 5, false),
    ("unigram_t3", 5, false),
    ("unigram_t8", 5, false),
    ("unigram_t15", 5, false),
    ("peaked_all", 5, false),
    ("peaked_3", 3, false),
    ("sparse_exact", 3, false),
    ("sparse_repl", 40, true),
    ("uniform_repl", 100, true),
    ("single", 1, false),
];

fn usizes(v: Vec<i64>) -> Vec<usize> {
    v.into_iter().map(|x| x as usize).collect()
}

#[test]
fn every_case_draws_what_numpy_draws_and_stops_where_numpy_stops() {
    let fx = Fixtures::load();
    for seed in [0u32, 1984] {
        for (name, size, replace) in CASES {
            let p = fx.f64s(&format!("choice_{name}_p.s{seed}"));
            let want = usizes(fx.i64s(&format!("choice_{name}.s{seed}")));
            let mut rng = RandomState::new(seed);
            let got = rng.choice_p(&p, size, replace).unwrap();
            assert_eq!(got, want, "{name} seed {seed}");
            let after = fx.u32s(&format!("choice_{name}_after.s{seed}"));
            assert_eq!(
                rng.next_u32(),
                after[0],
                "{name} seed {seed}: stream position"
            );
        }
    }
}

#[test]
fn a_stream_of_sampler_rows_with_one_scratch() {
    let fx = Fixtures::load();
    let word_p = fx.f64s("choice_stream_word_p.s1984");
    let want = usizes(fx.i64s("choice_stream.s1984"));
    let mut rng = RandomState::new(1984);
    let mut scratch = ChoiceScratch::default();
    let mut p = vec![0.0; word_p.len()];
    let mut got = Vec::new();
    let v = word_p.len();
    for i in 0..300 {
        // the book's get_negative_sample: zero the target, renormalise
        p.copy_from_slice(&word_p);
        p[i % v] = 0.0;
        let s = groundup::matrix::pairwise_sum(&p);
        p.iter_mut().for_each(|v| *v /= s);
        let mut row = [0usize; 5];
        rng.choice_p_into(&p, false, &mut row, &mut scratch)
            .unwrap();
        assert!(!row.contains(&(i % v)), "row {i}: the target was drawn");
        got.extend(row);
    }
    assert_eq!(got, want);
    assert_eq!(rng.next_u32(), fx.u32s("choice_stream_after.s1984")[0]);
}

#[test]
fn invalid_probabilities_are_errors_naming_the_problem_and_draw_nothing() {
    let mut rng = RandomState::new(0);
    let fresh = rng.clone();
    let cases: [(&[f64], usize, bool, &str); 7] = [
        (&[], 1, true, "population is empty"),
        (&[0.5, -0.1, 0.6], 1, true, "p[1] = -0.1 is negative"),
        (&[0.5, f64::NAN, 0.5], 1, true, "p[1] = NaN"),
        (&[0.5, 0.6], 1, true, "sum to 1.1"),
        (
            &[0.5, 0.5],
            3,
            false,
            "cannot take 3 values from a population of 2",
        ),
        (&[1.0, 0.0, 0.0], 2, false, "only 1 non-zero probabilities"),
        (&[0.25; 4], 5, false, "population of 4"),
    ];
    for (p, size, replace, msg) in cases {
        match rng.choice_p(p, size, replace) {
            Err(Error::InvalidArgument(m)) => assert!(m.contains(msg), "{m:?} lacks {msg:?}"),
            other => panic!("{p:?} size {size}: {other:?}"),
        }
    }
    assert_eq!(rng, fresh, "nothing was drawn");
    // numpy's tolerance: within sqrt(eps) of 1 is accepted
    assert!(rng.choice_p(&[0.5, 0.5 + 1e-9], 1, true).is_ok());
}
