//! Seeded mutation robustness test for the npy, safetensors, npz and CSV
//! readers.
//! The seeds cover every element conversion (integers, bools, 16-bit
//! floats, both byte orders, Fortran order, npy labels, safetensors
//! integer/BOOL/F16/BF16 tensors and the F16/BF16 writer) and `.npz`
//! archives stored and deflated (numpy's, ours, and ours with every ZIP64
//! field), whose ZIP fields get extreme values as their header edits.
//!
//! Valid inputs are mutated (truncation, bit flips, byte pokes, splices,
//! deletions, insertions, numbers in the header replaced by extreme values,
//! duplicated keys, rewritten length fields; header edits are re-framed with
//! a correct length half of the time so they reach the deeper checks). Each
//! reader must return `Ok` or `Err` — never panic — and must not make any
//! single allocation larger than a small multiple of the input (a reader
//! trusting a length field would). Whatever parses must re-encode and parse
//! back to the same bits.
//!
//! CI runs 10 000 cases; `GROUNDUP_MUTATIONS=100000 cargo test --release
//! --test io_mutation -- --nocapture` runs more, `GROUNDUP_MUTATION_SEED`
//! picks another seed.

#![allow(unsafe_code)]

mod common;

use common::files::{fixture, special_f32, special_f64};
use common::rng::TestRng;
use groundup::data::csv::{parse_csv_str, CsvOptions, LabelColumn};
use groundup::io::{
    npy_labels_from_bytes, npz_to_bytes, npz_to_bytes_zip64_for_testing, safetensors_from_bytes,
    safetensors_to_bytes, Npz, StoreAs, Tensor, TensorView,
};
use groundup::Matrix;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Delegates to the system allocator and remembers, per thread, the largest
/// single request since the last reset.
struct Tracking;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
    /// Set while a reader runs inside `catch_unwind`: its panics are
    /// reported with the case, not printed by the hook.
    static IN_READER: Cell<bool> = const { Cell::new(false) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|m| m.set(m.get().max(size)));
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; recording the size touches only a const-initialised,
// non-allocating thread-local.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Tracking = Tracking;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Npy,
    SafeTensors,
    Csv,
    Npz,
}

struct Seed {
    kind: Kind,
    bytes: Vec<u8>,
}

fn seeds() -> Vec<Seed> {
    let mut v = Vec::new();
    let npy = |bytes: Vec<u8>| Seed {
        kind: Kind::Npy,
        bytes,
    };
    v.push(npy(Matrix::from_fn(3, 4, |i, j| {
        special_f32()[(i * 4 + j) % 13]
    })
    .to_npy_bytes()));
    v.push(npy(
        Matrix::from_fn(2, 3, |i, j| special_f64()[i * 3 + j]).to_npy_bytes()
    ));
    v.push(npy(Matrix::<f64>::zeros(0, 5).to_npy_bytes()));
    for name in [
        "f8_1d.npy",
        "f8_0d.npy",
        "f8_v2.npy",
        "f4_v3.npy",
        "f8_big_endian.npy",
        "f8_fortran.npy",
        "i8_2d.npy",
        // Every conversion path: integers, bools and halves of both byte
        // orders, Fortran order, values that do not convert, labels, a
        // structured dtype.
        "dtypes/i8_be_F.npy",
        "dtypes/u4_le_F.npy",
        "dtypes/i2_be_C.npy",
        "dtypes/u1_na_F.npy",
        "dtypes/b1_na_F.npy",
        "dtypes/f2_specials_be.npy",
        "dtypes/f2_le_F.npy",
        "dtypes/f4_be_F.npy",
        "dtypes/i8_edges_le.npy",
        "dtypes/labels_i8.npy",
        "dtypes/labels_b1.npy",
        "dtypes/structured_nested.npy",
    ] {
        v.push(npy(std::fs::read(fixture(name)).unwrap()));
    }

    let st = |bytes: Vec<u8>| Seed {
        kind: Kind::SafeTensors,
        bytes,
    };
    let w = Matrix::from_fn(2, 3, |i, j| (i * 3 + j) as f32 - 2.5);
    let b = [0.5f64, -0.0, f64::NAN];
    let meta = BTreeMap::from([("k\u{e9}y".to_string(), "v\"\\\u{1F600}".to_string())]);
    v.push(st(safetensors_to_bytes(
        &[
            ("w", (&w).into()),
            ("b", TensorView::new(vec![3], &b[..]).unwrap()),
            ("s", TensorView::new(vec![], &[7.0f32][..]).unwrap()),
            ("z", TensorView::new(vec![0, 2], &[0.0f64; 0][..]).unwrap()),
        ],
        Some(&meta),
    )
    .unwrap()));
    v.push(st(safetensors_to_bytes(
        &[("x", TensorView::new(vec![1], &[1.0f64][..]).unwrap())],
        None,
    )
    .unwrap()));
    let h = [0.5f32, -0.0, 65519.0, f32::NAN, 1e-8, 3.0];
    v.push(st(safetensors_to_bytes(
        &[
            (
                "h",
                TensorView::new(vec![2, 3], &h[..])
                    .unwrap()
                    .store_as(StoreAs::F16),
            ),
            (
                "b",
                TensorView::new(vec![6], &h[..])
                    .unwrap()
                    .store_as(StoreAs::BF16),
            ),
        ],
        None,
    )
    .unwrap()));
    for name in [
        "mixed.safetensors",
        "i64.safetensors",
        "dtypes/ints.safetensors",
        "dtypes/halfs.safetensors",
    ] {
        v.push(st(std::fs::read(fixture(name)).unwrap()));
    }

    let csv = |s: &str| Seed {
        kind: Kind::Csv,
        bytes: s.as_bytes().to_vec(),
    };
    v.push(csv(
        "x,y,label\r\n0.5,-1e3,0\r\n\r\n\"2\", inf ,12\r\n3,4,1\n",
    ));
    v.push(csv("1;2;3\n4;5;6\n"));
    v.push(csv("a,b\n\"q\"\"x\",2\n"));

    let npz = |bytes: Vec<u8>| Seed {
        kind: Kind::Npz,
        bytes,
    };
    for name in [
        "npz/savez.npz",
        "npz/savez_compressed.npz",
        "npz/floats_savez_compressed.npz",
        "npz/streamed.npz",
    ] {
        v.push(npz(std::fs::read(fixture(name)).unwrap()));
    }
    let a = Matrix::from_fn(3, 4, |i, j| special_f64()[(i * 4 + j) % 13]);
    let z = Matrix::<f64>::zeros(20, 20);
    for compressed in [false, true] {
        v.push(npz(
            npz_to_bytes(&[("a", &a), ("zeros", &z)], compressed).unwrap()
        ));
        v.push(npz(npz_to_bytes_zip64_for_testing(
            &[("a", &a)],
            compressed,
        )
        .unwrap()));
    }
    v
}

/// ZIP structure edits: a field after a random signature set to an extreme
/// or nearby value.
fn mutate_zip(rng: &mut TestRng, b: &mut [u8]) {
    let sigs: Vec<usize> = b
        .windows(4)
        .enumerate()
        .filter(|(_, w)| w[0] == b'P' && w[1] == b'K' && w[2] < 8 && w[3] < 8)
        .map(|(i, _)| i)
        .collect();
    if sigs.is_empty() {
        return;
    }
    let at = sigs[rng.below(sigs.len())] + 4 + rng.below(52);
    let width = [2, 4, 8][rng.below(3)];
    let Some(field) = b.get_mut(at..at + width) else {
        return;
    };
    let mut old = [0u8; 8];
    old[..width].copy_from_slice(field);
    let old = u64::from_le_bytes(old);
    let value = match rng.below(6) {
        0 => 0,
        1 => u64::MAX,
        2 => 0xFFFF_FFFF,
        3 => old.wrapping_add(1 + rng.below(64) as u64),
        4 => old.wrapping_sub(1 + rng.below(64) as u64),
        _ => rng.below(1 << 20) as u64,
    };
    field.copy_from_slice(&value.to_le_bytes()[..width]);
}

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "7",
    "8",
    "9",
    "16",
    "255",
    "256",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999",
    "-1",
    "1.5",
    "1e9",
    "01",
    "",
];
const POKES: &[u8] = b"{}[]():,\"'\\ \n\r\t0-9eLTF\x00\xff\x80\xc3";

/// Where the header text of a seed lies, for header-aware mutations.
fn header_range(kind: Kind, b: &[u8]) -> Option<(usize, usize)> {
    match kind {
        Kind::SafeTensors => {
            let n = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
            let end = 8usize.checked_add(usize::try_from(n).ok()?)?;
            (end <= b.len()).then_some((8, end))
        }
        Kind::Npy => {
            let (start, len): (usize, usize) = match b.get(6)? {
                1 => (
                    10,
                    u16::from_le_bytes(b.get(8..10)?.try_into().ok()?) as usize,
                ),
                _ => (
                    12,
                    u32::from_le_bytes(b.get(8..12)?.try_into().ok()?) as usize,
                ),
            };
            // Checked: a mutated 4-byte length plus 12 wraps a 32-bit usize.
            let end = start.checked_add(len)?;
            (end <= b.len()).then_some((start, end))
        }
        Kind::Csv => Some((0, b.len())),
        Kind::Npz => None,
    }
}

/// Rewrites the length field after the header changed size.
fn reframe(kind: Kind, b: &mut [u8], start: usize, new_len: usize) {
    match kind {
        Kind::SafeTensors => b[..8].copy_from_slice(&(new_len as u64).to_le_bytes()),
        Kind::Npy if start == 10 => {
            if let Ok(n) = u16::try_from(new_len) {
                b[8..10].copy_from_slice(&n.to_le_bytes());
            }
        }
        Kind::Npy => b[8..12].copy_from_slice(&(new_len as u32).to_le_bytes()),
        Kind::Csv | Kind::Npz => {}
    }
}

/// Header-level edits: numbers, duplicated members, pokes in the text.
fn mutate_header(rng: &mut TestRng, h: &mut Vec<u8>) {
    match rng.below(4) {
        0 | 1 => {
            // Replace a run of digits with an extreme number.
            let digits: Vec<usize> = (0..h.len()).filter(|&i| h[i].is_ascii_digit()).collect();
            if digits.is_empty() {
                return;
            }
            let s = digits[rng.below(digits.len())];
            let mut e = s;
            while e < h.len() && h[e].is_ascii_digit() {
                e += 1;
            }
            let num = NUMBERS[rng.below(NUMBERS.len())].as_bytes();
            h.splice(s..e, num.iter().copied());
        }
        2 => {
            // Copy a `"key": …` run (up to a ',' or '}') after a '{' or ','.
            let quotes: Vec<usize> = (0..h.len())
                .filter(|&i| h[i] == b'"' || h[i] == b'\'')
                .collect();
            let seps: Vec<usize> = (0..h.len())
                .filter(|&i| h[i] == b'{' || h[i] == b',')
                .collect();
            if quotes.is_empty() || seps.is_empty() {
                return;
            }
            let s = quotes[rng.below(quotes.len())];
            let ends: Vec<usize> = (s + 1..h.len())
                .filter(|&i| h[i] == b',' || h[i] == b'}')
                .collect();
            if ends.is_empty() {
                return;
            }
            let e = ends[rng.below(ends.len().min(6))];
            let mut chunk = h[s..e].to_vec();
            chunk.push(b',');
            let at = seps[rng.below(seps.len())] + 1;
            h.splice(at..at, chunk);
        }
        _ => {
            if !h.is_empty() {
                let i = rng.below(h.len());
                h[i] = POKES[rng.below(POKES.len())];
            }
        }
    }
}

/// Byte-level edits anywhere in the input.
fn mutate_bytes(rng: &mut TestRng, b: &mut Vec<u8>, donor: &[u8]) {
    let len = b.len();
    match rng.below(8) {
        0 => b.truncate(rng.below(len + 1)),
        1 if len > 0 => {
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
        }
        2 if len > 0 => {
            let i = rng.below(len);
            b[i] = POKES[rng.below(POKES.len())];
        }
        3 if !donor.is_empty() => {
            // Splice a chunk of another seed in, overwriting or inserting.
            let s = rng.below(donor.len());
            let e = s + 1 + rng.below((donor.len() - s).min(64));
            let at = rng.below(len + 1);
            if rng.below(2) == 0 {
                b.splice(at..at, donor[s..e].iter().copied());
            } else {
                let end = (at + (e - s)).min(len);
                b.splice(at..end, donor[s..e].iter().copied());
            }
        }
        4 if len > 0 => {
            let s = rng.below(len);
            let e = (s + 1 + rng.below(32)).min(len);
            b.drain(s..e);
        }
        5 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(16);
            let junk: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            b.splice(at..at, junk);
        }
        6 if len >= 12 => {
            // Rewrite the length field region with a nearby or extreme value.
            let (s, w) = if b.starts_with(b"\x93NUMPY") {
                (8, if b[6] == 1 { 2 } else { 4 })
            } else {
                (0, 8)
            };
            let old = b[s..s + w]
                .iter()
                .rev()
                .fold(0u64, |a, &x| (a << 8) | u64::from(x));
            let new = match rng.below(3) {
                0 => old.wrapping_add(rng.below(33) as u64).wrapping_sub(16),
                1 => u64::MAX >> rng.below(64),
                _ => rng.next_u64(),
            };
            b[s..s + w].copy_from_slice(&new.to_le_bytes()[..w]);
        }
        _ if len >= 2 => {
            // Swap two bytes.
            let (i, j) = (rng.below(len), rng.below(len));
            b.swap(i, j);
        }
        _ => b.push(POKES[rng.below(POKES.len())]),
    }
}

/// Parses with every reader that applies, checking re-encoding of
/// successes; true if any reader accepted the input.
fn check(kind: Kind, input: &[u8]) -> bool {
    let mut parsed = false;
    match kind {
        Kind::Npy => {
            if let Ok(m) = Matrix::<f32>::from_npy_bytes(input) {
                parsed = true;
                let again = Matrix::<f32>::from_npy_bytes(&m.to_npy_bytes()).unwrap();
                assert_eq!(again.shape(), m.shape());
                assert!(again
                    .as_slice()
                    .iter()
                    .zip(m.as_slice())
                    .all(|(a, b)| a.to_bits() == b.to_bits()));
            }
            if let Ok(m) = Matrix::<f64>::from_npy_bytes(input) {
                parsed = true;
                let again = Matrix::<f64>::from_npy_bytes(&m.to_npy_bytes()).unwrap();
                assert_eq!(again.shape(), m.shape());
                assert!(again
                    .as_slice()
                    .iter()
                    .zip(m.as_slice())
                    .all(|(a, b)| a.to_bits() == b.to_bits()));
            }
            if let Ok(labels) = npy_labels_from_bytes(input) {
                parsed = true;
                // Labels are exact: the same file read as f64 (when f64
                // holds every value) gives the same numbers.
                if let Ok(m) = Matrix::<f64>::from_npy_bytes(input) {
                    assert_eq!(m.len(), labels.len());
                    assert!(m
                        .as_slice()
                        .iter()
                        .zip(&labels)
                        .all(|(&a, &b)| a == b as f64));
                }
            }
        }
        Kind::SafeTensors => {
            if let Ok(st) = safetensors_from_bytes(input) {
                parsed = true;
                let bytes = st.to_bytes().unwrap();
                let again = safetensors_from_bytes(&bytes).unwrap();
                assert_eq!(again.to_bytes().unwrap(), bytes);
                for t in st.tensors.values() {
                    let _ = t.to_matrix::<f32>();
                    let _ = Tensor::clone(t).into_matrix::<f64>();
                    // The F16/BF16 writer on whatever values were read.
                    for store in [StoreAs::F16, StoreAs::BF16] {
                        let b = safetensors_to_bytes(&[("t", t.view().store_as(store))], None);
                        let back = safetensors_from_bytes(&b.unwrap()).unwrap();
                        let half = back.tensor_as::<f64>("t").unwrap();
                        assert_eq!(half.shape(), t.shape());
                    }
                }
                for name in st.skipped.keys() {
                    let _ = st.matrix::<f32>(name);
                    let _ = st.matrix::<f64>(name);
                    let _ = st.tensor_as::<f32>(name);
                    if let (Ok(labels), Ok(t)) = (st.labels(name), st.tensor_as::<f64>(name)) {
                        assert_eq!(labels.len(), t.len());
                    }
                }
            }
        }
        Kind::Npz => {
            // The member limit keeps inflating within a few times the input.
            let limit = 4 * input.len() as u64 + 1024;
            if let Ok(z) = Npz::from_bytes(input.to_vec()) {
                let z = z.with_max_entry_size(limit);
                for name in z.names() {
                    if let Ok(npy) = z.npy_bytes(name) {
                        parsed = true;
                        assert!(npy.len() as u64 <= limit);
                    }
                    let _ = z.labels(name);
                    let _ = z.matrix::<f32>(name);
                    if let Ok(m) = z.matrix::<f64>(name) {
                        for compressed in [false, true] {
                            let b = npz_to_bytes(&[("m", &m)], compressed).unwrap();
                            let back = Npz::from_bytes(b).unwrap().matrix::<f64>("m").unwrap();
                            assert_eq!(back.shape(), m.shape());
                            assert!(back
                                .as_slice()
                                .iter()
                                .zip(m.as_slice())
                                .all(|(a, b)| a.to_bits() == b.to_bits()));
                        }
                    }
                }
            }
        }
        Kind::Csv => {
            let text = String::from_utf8_lossy(input);
            for opts in [
                CsvOptions::new(),
                CsvOptions::new()
                    .header(true)
                    .label(LabelColumn::Name("label".into())),
                CsvOptions::new().delimiter(';').label(LabelColumn::Last),
                CsvOptions::new().label(LabelColumn::Index(1)),
            ] {
                if let Ok(ds) = parse_csv_str(&text, &opts) {
                    parsed = true;
                    assert_eq!(ds.features.len(), ds.features.rows() * ds.features.cols());
                    if let Some(l) = &ds.labels {
                        assert_eq!(l.len(), ds.features.rows());
                    }
                }
            }
        }
    }
    parsed
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={s:?} is not a number")),
        Err(_) => default,
    }
}

#[test]
fn mutated_inputs_never_panic_or_over_allocate() {
    let cases = env_u64("GROUNDUP_MUTATIONS", 10_000);
    let seed = env_u64("GROUNDUP_MUTATION_SEED", 0x5EED_1984);
    let seed = u32::try_from(seed)
        .unwrap_or_else(|_| panic!("GROUNDUP_MUTATION_SEED={seed} is not a 32-bit seed"));
    let seeds = seeds();
    let mut rng = TestRng::new(seed);
    // [kind][parsed?] counts.
    let mut tally = [[0u64; 2]; 4];
    let started = std::time::Instant::now();
    // Panics inside a reader are caught and reported with the case, so keep
    // the default hook from printing each of them; any other panic (in the
    // mutators, the bookkeeping, or on a target where something overflows)
    // still goes to the default hook and prints where it happened.
    let hook: std::sync::Arc<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync> =
        std::panic::take_hook().into();
    let default = hook.clone();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_READER.with(|r| r.get()) {
            default(info);
        }
    }));
    let mut failures = Vec::new();
    let mut failed = 0u64;
    for case in 0..cases {
        // Each format equally often, then one of its seeds.
        let kind = [Kind::Npy, Kind::SafeTensors, Kind::Csv, Kind::Npz][rng.below(4)];
        let of_kind: Vec<&Seed> = seeds
            .iter()
            .filter(|s| s.kind as u8 == kind as u8)
            .collect();
        let s = of_kind[rng.below(of_kind.len())];
        let donor = &seeds[rng.below(seeds.len())].bytes;
        let mut input = s.bytes.clone();
        let rounds = [1, 1, 1, 2, 3][rng.below(5)];
        for _ in 0..rounds {
            let header = header_range(s.kind, &input);
            if let (Some((a, b)), true) = (header, rng.below(2) == 0) {
                let mut h = input[a..b].to_vec();
                mutate_header(&mut rng, &mut h);
                let new_len = h.len();
                input.splice(a..b, h);
                if rng.below(2) == 0 {
                    reframe(s.kind, &mut input, a, new_len);
                }
            } else if matches!(s.kind, Kind::Npz) && rng.below(2) == 0 {
                mutate_zip(&mut rng, &mut input);
            } else {
                mutate_bytes(&mut rng, &mut input, donor);
            }
        }
        LARGEST.with(|m| m.set(0));
        IN_READER.with(|r| r.set(true));
        let outcome = catch_unwind(AssertUnwindSafe(|| check(s.kind, &input)));
        IN_READER.with(|r| r.set(false));
        let ok = matches!(outcome, Ok(true));
        let largest = LARGEST.with(|m| m.get());
        // Strings, field lists and growing vectors may take a few times the
        // input, never what a corrupted length field claims.
        let bound = 64 * input.len() + 4096;
        let problem = match outcome {
            Err(p) => Some(format!(
                "panic: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
            Ok(_) if largest > bound => Some(format!(
                "allocated {largest} bytes at once for a {}-byte input",
                input.len()
            )),
            Ok(_) => None,
        };
        if let Some(p) = problem {
            failed += 1;
            if failures.len() < 5 {
                failures.push(format!(
                    "case {case} ({:?}): {p}\n  input: {:?}",
                    s.kind,
                    String::from_utf8_lossy(&input)
                ));
            }
            continue;
        }
        tally[s.kind as usize][usize::from(ok)] += 1;
    }
    let _ = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| hook(info)));
    let [npy, st, csv, npz] =
        tally.map(|[rejected, parsed]| format!("{parsed} parsed / {rejected} rejected"));
    eprintln!(
        "io_mutation: {cases} cases (seed {seed:#x}) in {:.2?}, {} failures; npy {npy}, safetensors {st}, csv {csv}, npz {npz}",
        started.elapsed(),
        failed
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let rejected: u64 = tally.iter().map(|t| t[0]).sum();
    assert!(rejected > cases / 4, "most mutations should be rejected");
}
