//! `.npz` archives: numpy's `savez` / `savez_compressed` fixtures read
//! exactly, archives written here read back and match numpy's members, the
//! inflater against zlib streams of every block kind, the compressor's
//! round trips and ratio, ZIP64, and hostile archives. Fixtures:
//! scripts/gen_npz_fixtures.py.

mod common;

use common::files::{fixture, TempDir};
use common::rng::TestRng;
use groundup::io::{self, raw_deflate, raw_inflate, Npz};
use groundup::{Error, Matrix};

fn npz(name: &str) -> Npz {
    Npz::open(fixture(&format!("npz/{name}"))).unwrap()
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn numpy_savez_and_savez_compressed_read_exactly() {
    for file in ["savez.npz", "savez_compressed.npz"] {
        let a = npz(file);
        assert_eq!(
            a.names(),
            [
                "f8_2d",
                "i4_1d",
                "b1",
                "empty",
                "u1_labels",
                "gewicht_ß_β",
                "f2_be"
            ],
            "{file}"
        );
        let f8 = a.matrix::<f64>("f8_2d").unwrap();
        assert_eq!(f8.shape(), (3, 4));
        let want: Vec<f64> = (0..12).map(|i| i as f64 * 0.25 - 1.0).collect();
        assert_eq!(f8.as_slice(), &want[..]);
        // float64 reads as float32 when every value is exact, as these
        // quarters are.
        assert_eq!(a.matrix::<f32>("f8_2d").unwrap(), f8.cast::<f32>());
        let i4 = a.matrix::<f64>("i4_1d").unwrap();
        assert_eq!(i4.shape(), (4, 1));
        assert_eq!(i4.as_slice(), &[-3.0, 0.0, 7.0, 2147483647.0]);
        // 2^31 - 1 has no float32.
        assert!(matches!(
            a.matrix::<f32>("i4_1d"),
            Err(Error::NotRepresentable { index: 3, .. })
        ));
        assert_eq!(a.matrix::<f32>("b1").unwrap().as_slice(), &[1.0, 0.0, 1.0]);
        assert_eq!(a.labels("b1").unwrap(), [1, 0, 1]);
        let empty = a.matrix::<f32>("empty").unwrap();
        assert_eq!(empty.shape(), (0, 3));
        assert_eq!(a.labels("u1_labels").unwrap(), [2, 0, 1, 1]);
        let uni = a.matrix::<f32>("gewicht_ß_β").unwrap();
        assert_eq!((uni.shape(), uni.as_slice()), ((1, 2), &[1.5f32, -2.0][..]));
        assert_eq!(
            a.matrix::<f64>("f2_be").unwrap().as_slice(),
            &[0.5, -1.0, 65504.0]
        );
        // Also by the member's full name.
        assert_eq!(a.matrix::<f64>("f8_2d.npy").unwrap(), f8);
        let err = a.matrix::<f64>("nope").unwrap_err();
        assert!(err.to_string().contains("\"nope\""), "{err}");
    }
}

#[test]
fn numpy_streamed_archive_with_data_descriptors() {
    let a = npz("streamed.npz");
    assert_eq!(a.names(), ["x", "y"]);
    assert_eq!(a.labels("x").unwrap(), [0, 1, 2, 3, 4]);
    assert_eq!(
        a.matrix::<f64>("y").unwrap().as_slice(),
        &[1.0, 0.0, 0.0, 1.0]
    );
}

#[test]
fn written_archives_match_numpys_members() {
    let w = Matrix::from_fn(2, 3, |i, j| (i * 3 + j) as f64 / 7.0);
    let b = Matrix::from_fn(1, 5, |_, _| 0.1f64);
    for file in ["floats_savez.npz", "floats_savez_compressed.npz"] {
        let theirs = npz(file);
        assert_eq!(theirs.names(), ["W", "b"]);
        assert_eq!(theirs.matrix::<f64>("W").unwrap(), w);
        assert_eq!(theirs.matrix::<f64>("b").unwrap(), b);
        for compressed in [false, true] {
            let ours =
                Npz::from_bytes(io::npz_to_bytes(&[("W", &w), ("b", &b)], compressed).unwrap())
                    .unwrap();
            assert_eq!(ours.names(), theirs.names());
            for name in ["W", "b"] {
                // Same .npy bytes as numpy's member: header, padding, data.
                assert_eq!(
                    ours.npy_bytes(name).unwrap(),
                    theirs.npy_bytes(name).unwrap(),
                    "{file} {name} compressed={compressed}"
                );
            }
        }
    }
    // numpy's stored archive and ours hold the same members byte for byte;
    // only the ZIP framing (numpy's ZIP64 local extras, dates) differs.
    let ours = io::npz_to_bytes(&[("W", &w), ("b", &b)], false).unwrap();
    let theirs = std::fs::read(fixture("npz/floats_savez.npz")).unwrap();
    let wn = w.to_npy_bytes();
    let find = |hay: &[u8]| hay.windows(wn.len()).position(|x| x == wn);
    assert!(find(&ours).is_some() && find(&theirs).is_some());
}

#[test]
fn write_npz_files_and_names() {
    let dir = TempDir::new("npz");
    let path = dir.join("m.npz");
    let m = Matrix::from_fn(4, 3, |i, j| (i as f32) - (j as f32) * 0.5);
    for compressed in [false, true] {
        io::write_npz(&path, &[("m", &m), ("arr_0", &m), ("ünï", &m)], compressed).unwrap();
        let back = Npz::open(&path).unwrap();
        assert_eq!(back.names(), ["m", "arr_0", "ünï"]);
        for n in back.names() {
            assert_eq!(back.matrix::<f32>(n).unwrap(), m);
        }
    }
    // Atomic: no temporary file left behind.
    assert_eq!(dir.entries(), ["m.npz"]);
    let empty: &[(&str, &Matrix<f32>)] = &[];
    io::write_npz(&path, empty, true).unwrap();
    assert!(Npz::open(&path).unwrap().names().is_empty());
    for bad in ["", "a/b", "a\\b", "nul\0", ".", ".."] {
        let err = io::write_npz(&path, &[(bad, &m)], false).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{bad:?}: {err}");
    }
    let err = io::write_npz(&path, &[("x", &m), ("y", &m), ("x", &m)], false).unwrap_err();
    assert!(
        err.to_string().contains("\"x\" (number 2) is used twice"),
        "{err}"
    );
    // A failed write leaves the previous archive untouched.
    assert!(Npz::open(&path).unwrap().names().is_empty());
    assert!(matches!(
        Npz::open(dir.join("missing.npz")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn inflate_reads_zlib_streams_of_every_kind() {
    let manifest = std::fs::read_to_string(fixture("npz/zlib/manifest.txt")).unwrap();
    let mut n = 0;
    for line in manifest.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (name, len, crc) = (
            f[0],
            f[1].parse::<usize>().unwrap(),
            u32::from_str_radix(f[2], 16).unwrap(),
        );
        let z = std::fs::read(fixture(&format!("npz/zlib/{name}.bin"))).unwrap();
        let out = raw_inflate(&z, len).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((out.len(), crc32(&out)), (len, crc), "{name}");
        // One byte short of the cap: refused, not truncated.
        if len > 0 {
            let err = raw_inflate(&z, len - 1).unwrap_err();
            assert!(err.to_string().contains("inflates beyond"), "{name}: {err}");
        }
        // Every truncation is an error.
        for cut in [0, z.len() / 2, z.len() - 1] {
            assert!(raw_inflate(&z[..cut], len).is_err(), "{name} cut at {cut}");
        }
        // Trailing garbage is an error.
        let mut longer = z.clone();
        longer.push(0);
        assert!(raw_inflate(&longer, len).is_err(), "{name}");
        // And what we compress, zlib's data included, round trips.
        assert_eq!(raw_inflate(&raw_deflate(&out), len).unwrap(), out, "{name}");
        n += 1;
    }
    assert_eq!(n, 10);
}

#[test]
fn inflate_rejects_malformed_streams() {
    let cases: &[(&[u8], &str)] = &[
        (&[0x07], "reserved block type 3"),
        (
            &[0x01, 0x05, 0x00, 0x00, 0x00],
            "does not match its complement",
        ),
        (&[0x01, 0x05, 0x00, 0xfa, 0xff, b'a'], "runs past the end"),
        // Fixed block: a distance before the start of the data.
        (&[0x03, 0x02, 0x00, 0x00], "reaches before the start"),
    ];
    for (z, want) in cases {
        let err = raw_inflate(z, 1000).unwrap_err();
        assert!(err.to_string().contains(want), "{z:?}: {err}");
    }
}

#[test]
fn deflate_round_trips_and_compresses() {
    let mut rng = TestRng::new(15);
    let random: Vec<u8> = (0..100_000).map(|_| rng.below(256) as u8).collect();
    let text: Vec<u8> = (0..20_000)
        .flat_map(|i| format!("row {i}: {} {}\n", i % 13, i % 7).into_bytes())
        .collect();
    let mib: Vec<u8> = (0..1 << 20)
        .map(|i: usize| ((i / 1000) % 251) as u8 ^ (i % 3) as u8)
        .collect();
    let floats: Vec<u8> = (0..50_000)
        .flat_map(|i| ((i % 100) as f64 * 0.5).to_le_bytes())
        .collect();
    for (name, data, min_ratio) in [
        ("empty", Vec::new(), 0.0),
        ("one", vec![42u8], 0.0),
        ("random", random.clone(), 0.0),
        ("text", text, 3.5),
        ("1 MiB", mib, 100.0),
        ("floats", floats, 50.0),
        ("zeros", vec![0u8; 1 << 20], 500.0),
    ] {
        let z = raw_deflate(&data);
        assert_eq!(raw_inflate(&z, data.len()).unwrap(), data, "{name}");
        let ratio = data.len() as f64 / z.len() as f64;
        eprintln!(
            "{name}: {} -> {} bytes, ratio {ratio:.1}",
            data.len(),
            z.len()
        );
        assert!(ratio >= min_ratio, "{name}: ratio {ratio:.1} < {min_ratio}");
    }
    // Incompressible data grows by a few bytes per 64 KiB, no more.
    let z = raw_deflate(&random);
    assert!(z.len() <= random.len() + 16, "{} bytes", z.len());
}

/// Offsets of a little-endian u32 `sig` in `b`.
fn find_sig(b: &[u8], sig: u32) -> Vec<usize> {
    b.windows(4)
        .enumerate()
        .filter(|(_, w)| *w == sig.to_le_bytes())
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn zip64_fields_are_written_and_read() {
    let m = Matrix::from_fn(3, 3, |i, j| (i * 3 + j) as f64);
    for compressed in [false, true] {
        let b = io::npz_to_bytes_zip64_for_testing(&[("a", &m), ("b", &m)], compressed).unwrap();
        let z = Npz::from_bytes(b.clone()).unwrap();
        assert_eq!(z.names(), ["a", "b"]);
        assert_eq!(z.matrix::<f64>("b").unwrap(), m);
        // The ZIP64 end record and locator exist, the end record's fields
        // are saturated, and each central record has 0xFFFFFFFF sizes and
        // offset with the values in its extra field.
        assert_eq!(find_sig(&b, 0x0606_4b50).len(), 1);
        assert_eq!(find_sig(&b, 0x0706_4b50).len(), 1);
        let eocd = b.len() - 22;
        assert_eq!(&b[eocd + 8..eocd + 20], &[0xff; 12]);
        for c in find_sig(&b, 0x0201_4b50) {
            assert_eq!(&b[c + 20..c + 28], &[0xff; 8]);
            assert_eq!(&b[c + 42..c + 46], &[0xff; 4]);
            assert_eq!(&b[c + 30..c + 32], &28u16.to_le_bytes()); // extra length
        }
        // A ZIP64 header offset pointing past the file: an error at that entry.
        let c = find_sig(&b, 0x0201_4b50)[1];
        let name_len = usize::from(u16::from_le_bytes([b[c + 28], b[c + 29]]));
        let mut bad = b.clone();
        let off = c + 46 + name_len + 4 + 16;
        bad[off..off + 8].copy_from_slice(&(5u64 << 32).to_le_bytes());
        let err = Npz::from_bytes(bad).unwrap_err().to_string();
        assert!(err.contains("local header offset 21474836480"), "{err}");
        // The locator's offset pointing elsewhere.
        let loc = find_sig(&b, 0x0706_4b50)[0];
        let mut bad = b.clone();
        bad[loc + 8] ^= 1;
        assert!(Npz::from_bytes(bad).is_err());
    }
    // numpy's own archives carry ZIP64 extras in their local headers
    // (force_zip64): read above; the stored one is checked here too.
    let numpy = std::fs::read(fixture("npz/savez.npz")).unwrap();
    let l = find_sig(&numpy, 0x0403_4b50)[0];
    assert_eq!(&numpy[l + 18..l + 26], &[0xff; 8]);
}

/// A stored archive's bytes and the offsets of its structures.
fn stored(names: &[&str]) -> Vec<u8> {
    let m = Matrix::from_fn(2, 2, |i, j| (i + j) as f64);
    let arrays: Vec<(&str, &Matrix<f64>)> = names.iter().map(|n| (*n, &m)).collect();
    io::npz_to_bytes(&arrays, false).unwrap()
}

fn err_of(b: Vec<u8>, name: &str) -> String {
    match Npz::from_bytes(b) {
        Err(e) => e.to_string(),
        Ok(z) => z.matrix::<f64>(name).unwrap_err().to_string(),
    }
}

#[test]
fn hostile_archives_are_errors_naming_the_problem() {
    let b = stored(&["a", "b"]);
    let locals = find_sig(&b, 0x0403_4b50);
    let centrals = find_sig(&b, 0x0201_4b50);
    // Wrong CRC: flip a data byte.
    let mut x = b.clone();
    x[locals[0] + 30 + 5 + 100] ^= 0x40;
    let e = err_of(x, "a");
    assert!(e.contains("CRC-32"), "{e}");
    // Central and local headers disagree on the size.
    let mut x = b.clone();
    x[centrals[0] + 24] ^= 1;
    let e = err_of(x, "a");
    assert!(
        e.contains("disagrees with the central directory") || e.contains("compressed size"),
        "{e}"
    );
    // Sizes that lie consistently (both headers): the entry overlaps the next.
    let mut x = b.clone();
    for (h, at) in [
        (locals[0], 18),
        (locals[0], 22),
        (centrals[0], 20),
        (centrals[0], 24),
    ] {
        let v = u32::from_le_bytes(x[h + at..h + at + 4].try_into().unwrap()) + 10;
        x[h + at..h + at + 4].copy_from_slice(&v.to_le_bytes());
    }
    let e = err_of(x, "a");
    assert!(e.contains("overlaps"), "{e}");
    // Two central entries pointing at one local header.
    let mut x = b.clone();
    x[centrals[1] + 42..centrals[1] + 46].copy_from_slice(&(locals[0] as u32).to_le_bytes());
    let e = err_of(x, "a");
    assert!(e.contains("local header names"), "{e}");
    // Unsupported method, named.
    let mut x = b.clone();
    for p in [locals[0] + 8, centrals[0] + 10] {
        x[p] = 12;
    }
    let e = err_of(x, "a");
    assert!(e.contains("compression method 12 (bzip2)"), "{e}");
    // A deflated member whose CRC (in both headers) is wrong.
    let m = Matrix::<f64>::zeros(4, 4);
    let mut x = io::npz_to_bytes(&[("d", &m)], true).unwrap();
    for p in [
        find_sig(&x, 0x0403_4b50)[0] + 14,
        find_sig(&x, 0x0201_4b50)[0] + 16,
    ] {
        x[p] ^= 1;
    }
    let e = err_of(x, "d");
    assert!(e.contains("CRC-32 of the data is"), "{e}");
    // Bytes after the central directory's entries, counted in its size.
    let mut x = b.clone();
    let eocd = x.len() - 22;
    x.insert(eocd, 0);
    x[eocd + 1 + 12] += 1;
    let e = err_of(x, "a");
    assert!(e.contains("1 bytes after its 2 entries"), "{e}");
    // Encrypted.
    let mut x = b.clone();
    x[centrals[0] + 8] |= 1;
    assert!(err_of(x, "a").contains("encrypted"));
    // Central directory offset past the file.
    let mut x = b.clone();
    let eocd = x.len() - 22;
    x[eocd + 16..eocd + 20].copy_from_slice(&u32::MAX.to_le_bytes().map(|v| v & 0x7f));
    assert!(err_of(x, "a").contains("central directory"));
    // Every truncation is an error, never a panic.
    for n in 0..b.len() {
        assert!(Npz::from_bytes(b[..n].to_vec()).is_err(), "cut at {n}");
    }
    // Duplicate names (two members both called a.npy).
    let dup = stored(&["a", "c"]);
    let mut x = dup.clone();
    for h in find_sig(&dup, 0x0403_4b50)
        .into_iter()
        .chain(find_sig(&dup, 0x0201_4b50))
    {
        let at = h + if dup[h + 2] == 3 { 30 } else { 46 };
        if x[at] == b'c' {
            x[at] = b'a';
        }
    }
    assert!(err_of(x, "a").contains("duplicate entry name \"a.npy\""));
}

#[test]
fn zip_bombs_stop_at_the_declared_size_and_the_limit() {
    // 16 MiB of zeros deflates to ~20 KiB.
    let big = Matrix::<f64>::zeros(1024, 2048);
    let b = io::npz_to_bytes(&[("z", &big)], true).unwrap();
    assert!(b.len() < 64 * 1024, "{}", b.len());
    let npz = Npz::from_bytes(b.clone()).unwrap();
    assert_eq!(npz.matrix::<f64>("z").unwrap().shape(), (1024, 2048));
    // Under a smaller limit: refused before inflating.
    let e = npz
        .clone()
        .with_max_entry_size(1 << 20)
        .matrix::<f64>("z")
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument(_)) && e.to_string().contains("over the limit"),
        "{e}"
    );
    // The declared size lies (1000 bytes in both headers): inflating stops
    // there.
    let mut x = b.clone();
    let l = find_sig(&x, 0x0403_4b50)[0];
    let c = find_sig(&x, 0x0201_4b50)[0];
    for p in [l + 22, c + 24] {
        x[p..p + 4].copy_from_slice(&1000u32.to_le_bytes());
    }
    let e = err_of(x, "z");
    assert!(e.contains("inflates beyond the expected 1000 bytes"), "{e}");
}

/// More than 64 MiB through write and read (stored and deflated), with
/// timings. Ignored by default (it takes a few seconds in release);
/// run with `cargo test --release --test io_npz -- --ignored --nocapture`.
/// scripts/npz_roundtrip_check.py runs it against numpy both ways.
#[test]
#[ignore = "large (> 64 MiB); run with --ignored, see scripts/npz_roundtrip_check.py"]
fn large_array_round_trip() {
    let dir = std::env::var("GROUNDUP_NPZ_DIR").ok();
    let tmp = TempDir::new("npz-large");
    let out = dir
        .as_deref()
        .map(std::path::Path::new)
        .unwrap_or(tmp.path());
    // 4096 x 2100 f64 = 68.8 MB; smooth data like weights during training
    // would be: a few distinct values per row.
    let (rows, cols) = (4096, 2100);
    let m = Matrix::from_fn(rows, cols, |i, j| ((i * 7 + j / 64) % 1000) as f64 * 0.001);
    for compressed in [false, true] {
        let path = out.join(if compressed {
            "groundup_compressed.npz"
        } else {
            "groundup_stored.npz"
        });
        let t = std::time::Instant::now();
        io::write_npz(&path, &[("big", &m)], compressed).unwrap();
        let wrote = t.elapsed();
        let size = std::fs::metadata(&path).unwrap().len();
        let t = std::time::Instant::now();
        let back = Npz::open(&path).unwrap().matrix::<f64>("big").unwrap();
        let read = t.elapsed();
        assert!(back == m);
        let raw = (rows * cols * 8) as f64;
        eprintln!(
            "compressed={compressed}: {:.1} MB -> {:.2} MB (ratio {:.1}), write {:.2?} ({:.0} MB/s), read {:.2?} ({:.0} MB/s)",
            raw / 1e6,
            size as f64 / 1e6,
            raw / size as f64,
            wrote,
            raw / 1e6 / wrote.as_secs_f64(),
            read,
            raw / 1e6 / read.as_secs_f64()
        );
    }
    // Noisy data: values with three decimals in [-1, 1), as rounded
    // weights might be (the script compares numpy's ratio on the same data).
    let mut rng = TestRng::new(64);
    let noisy = Matrix::from_fn(rows, cols, |_, _| (rng.below(2000) as f64 - 1000.0) * 0.001);
    let path = out.join("groundup_noisy.npz");
    let t = std::time::Instant::now();
    io::write_npz(&path, &[("noisy", &noisy)], true).unwrap();
    let wrote = t.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    let t = std::time::Instant::now();
    assert!(Npz::open(&path).unwrap().matrix::<f64>("noisy").unwrap() == noisy);
    let raw = (rows * cols * 8) as f64;
    eprintln!(
        "noisy, compressed: {:.1} MB -> {:.2} MB (ratio {:.2}), write {wrote:.2?} ({:.0} MB/s), read {:.2?}",
        raw / 1e6,
        size as f64 / 1e6,
        raw / size as f64,
        raw / 1e6 / wrote.as_secs_f64(),
        t.elapsed()
    );
    // numpy's archives of the same array, if the script made them.
    if let Some(dir) = dir {
        for f in ["numpy_savez.npz", "numpy_savez_compressed.npz"] {
            let p = std::path::Path::new(&dir).join(f);
            if p.exists() {
                let t = std::time::Instant::now();
                let theirs = Npz::open(&p).unwrap().matrix::<f64>("big").unwrap();
                eprintln!("read {f} in {:.2?}", t.elapsed());
                assert!(theirs == m, "{f}");
            }
        }
    }
}
