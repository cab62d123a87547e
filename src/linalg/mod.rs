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
//! # The dense SVD: QR, then one-sided Jacobi
//!
//! [`svd`] reduces the matrix (transposed if it is wide) by a Householder
//! QR to a small square triangle `R`, then orthogonalises the columns of
//! `R` by plane rotations (Hestenes' one-sided Jacobi) until every pair is
//! orthogonal to `√n·ε` relative; the column norms are the singular
//! values, the normalised columns `U`, the accumulated rotations `V`. It
//! was chosen over Golub–Kahan bidiagonalisation with implicit QR (what
//! LAPACK's `gesdd` behind numpy does) because it is a page of code with
//! no shifts, deflation or special cases to get wrong, and it is at least
//! as accurate: every singular value comes out with a small *relative*
//! error (Demmel & Veselić 1992), not just small compared with the
//! largest. The price is speed — each sweep costs `~8k³` flops for `k =
//! min(m, n)` and 6–10 sweeps are typical — which is irrelevant for the
//! matrices it is used on here: small examples and the `l x l` core of the
//! randomized SVD.
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
//! run at GEMM speed, cache-blocked and threaded, instead of the
//! `O(k)`-hundreds of memory-bound matrix-vector products a Lanczos
//! method would stream through the 400 MB matrix, with its loss of
//! orthogonality to repair. Cost: `(2q + 2)·2mnl` flops (for `V = 10 000`,
//! `l = 110`, `q = 5`: about 260 GFLOP) plus `O((m + n)·l²)` for the QRs.
//!
//! Accuracy: with power iterations, the error in the `j`-th singular value
//! shrinks like `(σ_{l+1}/σ_j)^{4q+2}`; the test suite measures it
//! against numpy on a PPMI matrix (`tests/linalg.rs`).
//! scikit-learn normalises between power iterations by LU instead (its
//! `power_iteration_normalizer='auto'` for `n_iter > 2`), which is cheaper
//! but less stable; QR is what the paper recommends.

mod qr;
mod randomized;
mod svd;

pub use randomized::{randomized_svd, RandomizedSvdOptions};
pub use svd::{svd, Svd};
