//! Linear algebra: the singular value decomposition, dense ([`svd`]) and
//! truncated ([`randomized_svd`]), for the count-based word vectors of
//! chapter 2 (`U, S, V = np.linalg.svd(W)` and scikit-learn's
//! `randomized_svd(W, n_components=100, n_iter=5)`).
//!
//! ```
//! use groundup::linalg::{randomized_svd, svd, RandomizedSvdOptions};
//! use groundup::text::{create_co_matrix, ppmi, preprocess};
//! use groundup::RandomState;
//! let (corpus, vocab) = preprocess("You say goodbye and I say hello.");
//! let c = create_co_matrix(&corpus, vocab.len(), 1)?;
//! let w = ppmi(&c, |_| {}).cast::<f64>();
//! let dense = svd(&w)?;
//! // >>> np.linalg.svd(W)[1][0]
//! assert!((dense.s[0] - 3.1680452).abs() < 1e-7);
//! let top2 = randomized_svd(&w, 2, RandomizedSvdOptions::default(), &mut RandomState::new(0))?;
//! assert!((top2.s[0] - dense.s[0]).abs() < 1e-12);
//! # Ok::<(), groundup::Error>(())
//! ```
//!
//! # The dense SVD: pivoted QR, then one-sided Jacobi
//!
//! [`svd`] reduces the matrix (transposed if it is wide) by a Householder
//! QR with column pivoting to a square triangle `R`, then orthogonalises
//! the rows of `R` by plane rotations (Hestenes' one-sided Jacobi, with
//! Drmač & Veselić's QR preconditioning) until every pair is orthogonal
//! to `√n·ε` relative; the row norms are the singular values, the
//! normalised rows one set of singular vectors, the accumulated rotations
//! (one Newton–Schulz step restores their orthogonality after thousands
//! of rotations) the other. It was chosen over Golub–Kahan
//! bidiagonalisation with implicit QR or divide and conquer (numpy's
//! LAPACK `gesdd`) because it is a page of code with no shifts, deflation
//! or special cases to get wrong, and it is at least as accurate in the
//! singular values: each comes out with a small *relative* error (Demmel
//! & Veselić 1992), not just small compared with the largest. The price is
//! speed — each sweep costs `~9k³` flops for `k = min(m, n)`, and 6–10
//! sweeps are typical — and a reconstruction error that grows with the
//! number of rotations. Measured against numpy (`tests/linalg.rs`): on
//! the chapter's 7 x 7 PPMI matrix the singular values agree to
//! `4.4e-16`, the subspaces to `1e-15`; on a 272 x 272 PPMI matrix the
//! singular values agree to `1.8e-12` (`3e-14` of the largest), `U` and `V`
//! are orthonormal to `4e-15`, and `‖U·S·Vᵀ − A‖_F / ‖A‖_F` is `3e-14`
//! (numpy: `2e-15`). It is meant for small and medium matrices: the
//! examples and the `l x l` core of the randomized SVD.
//!
//! # The truncated SVD: randomized range finder
//!
//! Count-based word vectors want the top 100 or so singular vectors of a
//! `V x V` PPMI matrix with `V` around 10 000: a full SVD would cost
//! `O(V³)` and throw almost all of it away. [`randomized_svd`] follows
//! Halko, Martinsson & Tropp (2011), as scikit-learn's `randomized_svd`
//! does: with `l = k + 10` Gaussian test vectors `Ω` (`n x l`), the range
//! of `A` is sampled as `Y = A·Ω`, sharpened by `q = 5` power iterations
//! (`Y ← A·(Aᵀ·Y)`, orthonormalising by Householder QR after every
//! product so the small singular directions are not rounded away), then
//! `A` is projected on the basis: `B = Qᵀ·A` (`l x n`), whose dense SVD
//! `B = U_B·S·Vᵀ` gives `A ≈ (Q·U_B)·S·Vᵀ`. All the work is `2q + 2`
//! products of `A` (or `Aᵀ`, read in place) with an `n x l` block, which
//! run at GEMM speed, cache-blocked and threaded, instead of the hundreds
//! of memory-bound matrix-vector products a Lanczos method would stream
//! through the 400 MB matrix, with its loss of orthogonality to repair.
//! Cost: `(2q + 2)·2mnl` flops (for `V = 10 000`, `l = 110`, `q = 5`:
//! about 260 GFLOP) plus `O((m + n)·l²)` for the QRs. scikit-learn
//! normalises between power iterations by LU instead (its
//! `power_iteration_normalizer='auto'` for `n_iter > 2`): cheaper, the
//! same subspaces in exact arithmetic, but QR is what the paper recommends
//! and what keeps a spectrum spanning ten orders of magnitude.
//!
//! Accuracy: the error in the `j`-th singular value shrinks like
//! `(σ_{l+1}/σ_j)^{4q+2}`, so it depends on how fast the spectrum decays,
//! and PPMI spectra decay slowly. On a 272-word PPMI matrix
//! (`tests/linalg.rs`) the top `k` singular values come out within
//! `3e-4` (k = 5) to `2.5e-2` (k = 20, 40) of numpy's exact ones, and
//! the rank-`k` error within 0.25% of the optimal one — the same as
//! scikit-learn's algorithm on the same matrix (its worst over 20 seeds:
//! `4.6e-4` to `3.2e-2`, 0.24%). Speed: a 10 001 x 10 001 `f32` PPMI
//! matrix (a 1M-token corpus), `k = 100`, takes 4.6–5.0 s on 2 cores,
//! about 80% of it in the GEMM, 20% in the QRs.

mod qr;
mod randomized;
mod svd;

pub use randomized::{randomized_svd, RandomizedSvdOptions};
pub use svd::{svd, Svd};
