//! numpy's `.npz` archives: a ZIP file of `.npy` members, as `np.savez`
//! (stored) and `np.savez_compressed` (deflate) write them. See [`Npz`] and
//! [`write_npz`].

use super::zip::{self, Entry};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use std::path::Path;

/// The default cap on one member's uncompressed size: 4 GiB (on 32-bit
/// targets, also at most `usize::MAX`). See [`Npz::with_max_entry_size`].
///
/// ```
/// assert_eq!(groundup::io::NPZ_DEFAULT_MAX_ENTRY_SIZE, 1 << 32);
/// ```
pub const NPZ_DEFAULT_MAX_ENTRY_SIZE: u64 = 1 << 32;

/// A `.npz` archive opened for reading: the names of its arrays and each
/// array on request, decoded by the `.npy` reader (so every dtype
/// [`Matrix::read_npy`] accepts works, converted exactly as it describes).
///
/// The whole archive is read into memory when opened and its directory
/// checked (see below); members are decompressed one at a time when asked
/// for, each checked against its size and CRC-32.
///
/// # Hostile archives
/// The ZIP structure is checked strictly: the end of central directory
/// record (and the ZIP64 end record and locator when its fields are
/// saturated), every central directory entry, and each entry's local
/// header against its central record (name, method, CRC and sizes).
/// Entries must lie before the central directory and must not overlap;
/// names must be UTF-8 and unique. Methods other than stored (0) and
/// deflate (8), encryption and multi-disk archives are
/// [`Error::Unsupported`] naming them. Inflating stops at the member's
/// declared uncompressed size, which must itself be at most the limit
/// ([`NPZ_DEFAULT_MAX_ENTRY_SIZE`] unless changed with
/// [`Npz::with_max_entry_size`]): a zip bomb is an error, and no buffer
/// grows past the limit. Every malformed archive is an [`Error::Format`]
/// with the byte offset (format `"npz"`), never a panic.
///
/// ```
/// use groundup::{io::Npz, Matrix};
/// let w = Matrix::from_vec(2, 2, vec![1.0f64, 2.0, 3.0, 4.0]).unwrap();
/// let b = Matrix::from_vec(1, 2, vec![0.5f64, -0.5]).unwrap();
/// let bytes = groundup::io::npz_to_bytes(&[("W", &w), ("b", &b)], true).unwrap();
/// let npz = Npz::from_bytes(bytes).unwrap();
/// assert_eq!(npz.names(), ["W", "b"]);
/// assert_eq!(npz.matrix::<f64>("b").unwrap().as_slice(), &[0.5, -0.5]);
/// assert!(npz.matrix::<f64>("missing").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Npz {
    bytes: Vec<u8>,
    entries: Vec<Entry>,
    names: Vec<String>,
    limit: u64,
}

impl Npz {
    /// Reads and checks the archive at `path`.
    ///
    /// # Errors
    /// [`Error::Io`]; otherwise as [`Npz::from_bytes`].
    ///
    /// ```
    /// use groundup::{io, Matrix};
    /// let dir = std::env::temp_dir().join(format!("groundup-doc-npz-open-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("m.npz");
    /// let m = Matrix::from_vec(1, 3, vec![1.0f32, 2.0, 3.0]).unwrap();
    /// io::write_npz(&path, &[("m", &m)], false).unwrap();
    /// let npz = io::Npz::open(&path).unwrap();
    /// assert_eq!(npz.matrix::<f32>("m").unwrap().as_slice(), m.as_slice());
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_bytes(super::read_file(path.as_ref())?)
    }

    /// Parses an archive held in memory and checks its directory (see
    /// [`Npz`] for what is checked).
    ///
    /// # Errors
    /// [`Error::Format`] for a malformed archive, with the byte offset;
    /// [`Error::Unsupported`] for a compression method other than stored or
    /// deflate, encryption or several disks.
    ///
    /// ```
    /// use groundup::{io::Npz, Error};
    /// assert!(matches!(Npz::from_bytes(b"not a zip".to_vec()), Err(Error::Format { .. })));
    /// ```
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        let entries = zip::read_entries(&bytes)?;
        let names: Vec<String> = entries
            .iter()
            .map(|e| e.name.strip_suffix(".npy").unwrap_or(&e.name).to_string())
            .collect();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(Error::Format {
                    format: zip::FORMAT,
                    offset: None,
                    what: format!("two members are both array {n:?} (one with .npy, one without)"),
                });
            }
        }
        Ok(Npz {
            bytes,
            entries,
            names,
            limit: NPZ_DEFAULT_MAX_ENTRY_SIZE.min(usize::MAX as u64),
        })
    }

    /// Sets the largest uncompressed member this archive will decompress
    /// (default [`NPZ_DEFAULT_MAX_ENTRY_SIZE`]); a bigger member is an
    /// [`Error::InvalidArgument`] naming it, before anything is allocated.
    ///
    /// ```
    /// use groundup::{io::{self, Npz}, Matrix};
    /// let m = Matrix::<f64>::zeros(100, 100);
    /// let npz = Npz::from_bytes(io::npz_to_bytes(&[("m", &m)], true).unwrap()).unwrap();
    /// assert!(npz.clone().with_max_entry_size(1000).matrix::<f64>("m").is_err());
    /// assert!(npz.with_max_entry_size(100_000).matrix::<f64>("m").is_ok());
    /// ```
    pub fn with_max_entry_size(mut self, bytes: u64) -> Self {
        self.limit = bytes.min(usize::MAX as u64);
        self
    }

    /// The arrays' names in archive order, without the `.npy` suffix
    /// numpy adds (`np.savez(f, W=w)` stores `W.npy`, named `W` here).
    ///
    /// ```
    /// use groundup::{io::{self, Npz}, Matrix};
    /// let m = Matrix::<f32>::zeros(1, 1);
    /// let bytes = io::npz_to_bytes(&[("β", &m), ("arr_0", &m)], false).unwrap();
    /// assert_eq!(Npz::from_bytes(bytes).unwrap().names(), ["β", "arr_0"]);
    /// ```
    pub fn names(&self) -> &[String] {
        &self.names
    }

    fn entry(&self, name: &str) -> Result<&Entry> {
        self.names
            .iter()
            .position(|n| n == name)
            .or_else(|| self.entries.iter().position(|e| e.name == name))
            .map(|i| &self.entries[i])
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "npz archive has no array {name:?} (it has {:?})",
                    self.names
                ))
            })
    }

    /// The raw `.npy` bytes of array `name`, decompressed and checked
    /// against the member's size and CRC-32.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown name or a member over the
    /// size limit; [`Error::Format`] for corrupt data.
    ///
    /// ```
    /// use groundup::{io::{self, Npz}, Matrix};
    /// let m = Matrix::<f64>::zeros(2, 3);
    /// let npz = Npz::from_bytes(io::npz_to_bytes(&[("m", &m)], true).unwrap()).unwrap();
    /// assert_eq!(npz.npy_bytes("m").unwrap(), m.to_npy_bytes());
    /// ```
    pub fn npy_bytes(&self, name: &str) -> Result<Vec<u8>> {
        let e = self.entry(name)?;
        Ok(zip::extract(&self.bytes, e, self.limit)?.into_owned())
    }

    /// Array `name` as a matrix, converted exactly as
    /// [`Matrix::from_npy_bytes`] describes (any bool, integer or float
    /// dtype of at most two dimensions; `f4` widens to `f64` exactly, `f8`
    /// narrows to `f32` only when every value is exact).
    ///
    /// # Errors
    /// As [`Npz::npy_bytes`], then as [`Matrix::from_npy_bytes`].
    ///
    /// ```
    /// use groundup::{io::{self, Npz}, Matrix};
    /// let m = Matrix::from_vec(2, 1, vec![1.5f32, -2.0]).unwrap();
    /// let npz = Npz::from_bytes(io::npz_to_bytes(&[("m", &m)], false).unwrap()).unwrap();
    /// assert_eq!(npz.matrix::<f32>("m").unwrap(), m);
    /// assert_eq!(npz.matrix::<f64>("m").unwrap(), m.cast::<f64>()); // exact widening
    /// let tenth = Matrix::from_vec(1, 1, vec![0.1f64]).unwrap();
    /// let npz = Npz::from_bytes(io::npz_to_bytes(&[("t", &tenth)], true).unwrap()).unwrap();
    /// assert!(npz.matrix::<f32>("t").is_err()); // 0.1 as f64 is no f32
    /// ```
    pub fn matrix<T: Scalar>(&self, name: &str) -> Result<Matrix<T>> {
        let e = self.entry(name)?;
        let npy = zip::extract(&self.bytes, e, self.limit)?;
        Matrix::from_npy_bytes(&npy)
    }

    /// Array `name` as class labels, as [`read_npy_labels`](super::read_npy_labels)
    /// reads them (a bool or integer vector).
    ///
    /// # Errors
    /// As [`Npz::npy_bytes`], then as
    /// [`npy_labels_from_bytes`](super::npy_labels_from_bytes).
    ///
    /// ```
    /// use groundup::{io::{self, Npz}, Matrix};
    /// // An archive written here holds floats, which are not labels.
    /// let m = Matrix::<f64>::zeros(1, 3);
    /// let npz = Npz::from_bytes(io::npz_to_bytes(&[("y", &m)], false).unwrap()).unwrap();
    /// assert!(npz.labels("y").is_err());
    /// ```
    pub fn labels(&self, name: &str) -> Result<Vec<usize>> {
        let e = self.entry(name)?;
        let npy = zip::extract(&self.bytes, e, self.limit)?;
        super::npy_labels_from_bytes(&npy)
    }
}

/// Checks array names as [`write_npz`] requires them.
fn check_names(names: &[&str]) -> Result<()> {
    for (i, name) in names.iter().enumerate() {
        let problem = if name.is_empty() {
            Some("is empty")
        } else if name.contains(['/', '\\', '\0']) {
            Some("contains '/', '\\' or NUL")
        } else if *name == "." || *name == ".." {
            Some("is '.' or '..'")
        } else if name.len() > 0xFFFF - 4 {
            Some("is longer than 65531 bytes")
        } else if names[..i].contains(name) {
            Some("is used twice")
        } else {
            None
        };
        if let Some(p) = problem {
            return Err(Error::InvalidArgument(format!(
                "npz array name {name:?} (number {i}) {p}"
            )));
        }
    }
    Ok(())
}

/// The `.npz` encoding of named matrices: what [`write_npz`] writes.
///
/// # Errors
/// As [`write_npz`], except [`Error::Io`].
///
/// ```
/// use groundup::{io, Matrix};
/// let m = Matrix::<f64>::zeros(64, 64);
/// let stored = io::npz_to_bytes(&[("m", &m)], false).unwrap();
/// let deflated = io::npz_to_bytes(&[("m", &m)], true).unwrap();
/// assert!(deflated.len() * 50 < stored.len());
/// assert!(io::npz_to_bytes(&[("m", &m), ("m", &m)], false).is_err());
/// ```
pub fn npz_to_bytes<T: Scalar>(arrays: &[(&str, &Matrix<T>)], compressed: bool) -> Result<Vec<u8>> {
    build(arrays, compressed, false)
}

fn build<T: Scalar>(
    arrays: &[(&str, &Matrix<T>)],
    compressed: bool,
    force_zip64: bool,
) -> Result<Vec<u8>> {
    let names: Vec<&str> = arrays.iter().map(|a| a.0).collect();
    check_names(&names)?;
    let npys: Vec<(String, Vec<u8>)> = arrays
        .iter()
        .map(|(n, m)| (format!("{n}.npy"), m.to_npy_bytes()))
        .collect();
    let files: Vec<(&str, &[u8])> = npys
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    Ok(zip::write_archive(&files, compressed, force_zip64))
}

/// [`npz_to_bytes`] with every ZIP64 field written, as if each size and
/// offset exceeded 4 GiB: lets tests exercise the ZIP64 reader and writer
/// without a 4 GiB file.
///
/// ```
/// use groundup::{io, Matrix};
/// let m = Matrix::<f64>::zeros(2, 2);
/// let bytes = io::npz_to_bytes_zip64_for_testing(&[("m", &m)], true).unwrap();
/// assert_eq!(io::Npz::from_bytes(bytes).unwrap().matrix::<f64>("m").unwrap(), m);
/// ```
#[doc(hidden)]
pub fn npz_to_bytes_zip64_for_testing<T: Scalar>(
    arrays: &[(&str, &Matrix<T>)],
    compressed: bool,
) -> Result<Vec<u8>> {
    build(arrays, compressed, true)
}

/// Writes named matrices to `path` as a `.npz` archive, atomically (see
/// [`write_atomic`](super::write_atomic)): `compressed == false` is
/// `np.savez` (stored members), `true` is `np.savez_compressed` (deflate).
/// Each matrix becomes member `NAME.npy`, a 2-D `(rows, cols)` array
/// written by [`Matrix::to_npy_bytes`]; numpy's `np.load(path)[NAME]` reads
/// it back. Members or offsets beyond 4 GiB get ZIP64 fields.
///
/// The compressor ([`raw_deflate`](super::raw_deflate)) is greedy LZ77
/// (32 KiB window, hash chains) with per-block dynamic Huffman codes,
/// falling back to stored blocks where data does not compress: repetitive
/// data shrinks a lot, random floats stay the same size; zlib (numpy's
/// `savez_compressed`) is typically somewhat smaller.
///
/// # Errors
/// [`Error::InvalidArgument`] when a name is empty, contains `/`, `\` or
/// NUL, is `.` or `..`, is too long, or repeats an earlier one;
/// [`Error::Io`].
///
/// ```
/// use groundup::{io, Matrix};
/// let dir = std::env::temp_dir().join(format!("groundup-doc-npz-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("model.npz");
/// let w = Matrix::from_fn(3, 2, |i, j| (i * 2 + j) as f32);
/// let b = Matrix::<f32>::zeros(1, 2);
/// io::write_npz(&path, &[("W1", &w), ("b1", &b)], true).unwrap();
/// let npz = io::Npz::open(&path).unwrap();
/// assert_eq!(npz.names(), ["W1", "b1"]);
/// assert_eq!(npz.matrix::<f32>("W1").unwrap(), w);
/// assert!(io::write_npz(&path, &[("", &w)], true).is_err());
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_npz<T: Scalar>(
    path: impl AsRef<Path>,
    arrays: &[(&str, &Matrix<T>)],
    compressed: bool,
) -> Result<()> {
    let bytes = npz_to_bytes(arrays, compressed)?;
    super::write_atomic(path, &bytes)
}
