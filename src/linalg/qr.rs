//! Householder QR in f64 on "column rows": the tall `n x l` matrix `G` is
//! stored as `Gᵀ` (`l x n`, row-major), so every column of `G` — every
//! vector a reflector touches — is one contiguous row.

/// `a · b` with eight accumulators, so the loop vectorises.
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// `y += alpha · x`.
pub(super) fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    debug_assert_eq!(x.len(), y.len());
    for (y, x) in y.iter_mut().zip(x) {
        *y += alpha * x;
    }
}

/// The thin QR factorisation `G = Q·R` of the `n x l` matrix `G` (`n >= l`)
/// given as `gt = Gᵀ` (`l x n`, row-major). Returns `(Qᵀ, R)`: `Qᵀ` is
/// `l x n` with orthonormal rows (also when `G` is rank-deficient or zero:
/// a zero column leaves its reflector out and its column of `Q` is the
/// unit vector the other reflectors make of `e_j`), `R` is `l x l` upper
/// triangular, row-major.
pub(super) fn qr_cols(gt: Vec<f64>, l: usize, n: usize) -> (Vec<f64>, Vec<f64>) {
    let (qt, r, _) = qr_cols_impl(gt, l, n, false);
    (qt, r)
}

/// [`qr_cols`] with column pivoting (`G·P = Q·R`, Businger–Golub): at
/// step `j` the remaining column of largest norm is moved to position `j`,
/// so `|R[j][j]|` decreases and a rank deficiency shows up as a block of
/// negligible trailing rows. Returns `(Qᵀ, R, perm)`: column `j` of `G·P`
/// is column `perm[j]` of `G`.
pub(super) fn qr_cols_pivoted(
    gt: Vec<f64>,
    l: usize,
    n: usize,
) -> (Vec<f64>, Vec<f64>, Vec<usize>) {
    qr_cols_impl(gt, l, n, true)
}

fn qr_cols_impl(
    mut gt: Vec<f64>,
    l: usize,
    n: usize,
    pivot: bool,
) -> (Vec<f64>, Vec<f64>, Vec<usize>) {
    assert!(n >= l && gt.len() == l * n, "qr_cols: {l} x {n}");
    let mut r = vec![0.0; l * l];
    let mut perm: Vec<usize> = (0..l).collect();
    // Reflector j is I - 2·v·vᵀ with the unit vector v stored in
    // gt[j][j..] (its support is j..n); `active[j]` is false when the
    // column was already zero below the diagonal and no reflector is used.
    let mut active = vec![false; l];
    for j in 0..l {
        if pivot {
            // The remaining parts (rows j..n of the columns j..l) are
            // re-measured at every step: no norm downdating to go stale.
            let mut best = (j, -1.0);
            for c in j..l {
                let x = &gt[c * n + j..(c + 1) * n];
                let norm2 = dot(x, x);
                if norm2 > best.1 {
                    best = (c, norm2);
                }
            }
            let best = best.0;
            if best != j {
                let (head, tail) = gt.split_at_mut(best * n);
                head[j * n..(j + 1) * n].swap_with_slice(&mut tail[..n]);
                // R's rows above j hold entries of the swapped columns.
                for i in 0..j {
                    r.swap(i * l + j, i * l + best);
                }
                perm.swap(j, best);
            }
        }
        let (done, rest) = gt.split_at_mut((j + 1) * n);
        let x = &mut done[j * n + j..];
        let norm = dot(x, x).sqrt();
        if norm == 0.0 {
            // Nothing to annihilate: R's row j is the columns' entries j.
            for (c, col) in rest.chunks_exact(n).enumerate() {
                r[j * l + j + 1 + c] = col[j];
            }
            continue;
        }
        let alpha = if x[0] >= 0.0 { -norm } else { norm };
        // v = x - alpha·e1, ‖v‖² = 2·norm² + 2·|x0|·norm (no cancellation).
        let vnorm = (2.0 * norm * (norm + x[0].abs())).sqrt();
        x[0] -= alpha;
        x.iter_mut().for_each(|e| *e /= vnorm);
        r[j * l + j] = alpha;
        active[j] = true;
        for (c, col) in rest.chunks_exact_mut(n).enumerate() {
            let col = &mut col[j..];
            let proj = -2.0 * dot(x, col);
            axpy(proj, x, col);
            r[j * l + j + 1 + c] = col[0];
        }
    }
    // Q's columns: q_c = H_0 ⋯ H_{l-1} e_c, and H_j e_c = e_c for j > c.
    let mut qt = vec![0.0; l * n];
    for (c, q) in qt.chunks_exact_mut(n).enumerate() {
        q[c] = 1.0;
        for j in (0..=c).rev() {
            if !active[j] {
                continue;
            }
            let v = &gt[j * n + j..(j + 1) * n];
            let q = &mut q[j..];
            let proj = -2.0 * dot(v, q);
            axpy(proj, v, q);
        }
    }
    (qt, r, perm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(gt: &[f64], l: usize, n: usize) {
        let (qt, r) = qr_cols(gt.to_vec(), l, n);
        for a in 0..l {
            for b in 0..l {
                let d = dot(&qt[a * n..(a + 1) * n], &qt[b * n..(b + 1) * n]);
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((d - want).abs() < 1e-14, "QᵀQ[{a},{b}] = {d}");
                if a > b {
                    assert_eq!(r[a * l + b], 0.0);
                }
            }
        }
        // G[i][c] = Σ_j Q[i][j]·R[j][c]
        for c in 0..l {
            for i in 0..n {
                let g: f64 = (0..l).map(|j| qt[j * n + i] * r[j * l + c]).sum();
                assert!((g - gt[c * n + i]).abs() < 1e-13, "G[{i},{c}]");
            }
        }
    }

    #[test]
    fn orthonormal_q_and_reconstruction() {
        let mut s = 1u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let gt: Vec<f64> = (0..3 * 11).map(|_| next()).collect();
        check(&gt, 3, 11);
        check(&gt[..11], 1, 11);
        let sq: Vec<f64> = (0..16).map(|_| next()).collect();
        check(&sq, 4, 4);
        // Rank-deficient: column 2 = column 0, column 1 zero.
        let mut rd = gt.clone();
        rd[11..22].fill(0.0);
        let c0 = rd[..11].to_vec();
        rd[22..].copy_from_slice(&c0);
        check(&rd, 3, 11);
        check(&[0.0; 10], 2, 5);
    }
}
