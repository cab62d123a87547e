//! The DEFLATE encoder (RFC 1951): greedy LZ77 over a 32 KiB window with
//! hash chains, each block coded with its own dynamic Huffman codes, the
//! fixed codes or stored, whichever is smallest.

use super::{reverse_bits, CL_ORDER};

/// Least-significant-bit-first writer.
struct BitWriter {
    out: Vec<u8>,
    buf: u64,
    count: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, n: u32) {
        self.buf |= u64::from(value) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.out.push(self.buf as u8);
            self.buf >>= 8;
            self.count -= 8;
        }
    }

    fn align(&mut self) {
        if self.count > 0 {
            self.put(0, 8 - self.count);
        }
    }
}

/// One LZ77 token: a literal byte, or a match of `len` bytes `dist` back.
#[derive(Clone, Copy)]
enum Token {
    Lit(u8),
    Match { len: u16, dist: u16 },
}

fn len_symbol(len: usize) -> (usize, u32, u32) {
    if len == 258 {
        return (285, 0, 0);
    }
    let v = len - 3;
    if v < 8 {
        return (257 + v, 0, 0);
    }
    let b = usize::BITS - 1 - v.leading_zeros();
    let sym = 257 + 4 * (b as usize - 1) + ((v >> (b - 2)) & 3);
    (sym, b - 2, (v & ((1 << (b - 2)) - 1)) as u32)
}

fn dist_symbol(dist: usize) -> (usize, u32, u32) {
    let v = dist - 1;
    if v < 4 {
        return (v, 0, 0);
    }
    let b = usize::BITS - 1 - v.leading_zeros();
    let sym = 2 * b as usize + ((v >> (b - 1)) & 1);
    (sym, b - 1, (v & ((1 << (b - 1)) - 1)) as u32)
}

/// The fixed literal/length code of `sym`: (reversed code, length).
fn fixed_code(sym: usize) -> (u32, u32) {
    let (code, len) = match sym {
        0..=143 => (0x30 + sym as u32, 8),
        144..=255 => (0x190 + (sym as u32 - 144), 9),
        256..=279 => (sym as u32 - 256, 7),
        _ => (0xC0 + (sym as u32 - 280), 8),
    };
    (reverse_bits(code, len), len)
}

const WINDOW: usize = 32 * 1024;
const HASH_BITS: u32 = 15;
const MAX_CHAIN: usize = 48;
const NICE: usize = 128;
/// Input bytes per block (each block is dynamic, fixed or stored, whichever
/// is smallest).
const BLOCK: usize = 128 * 1024;

fn hash3(d: &[u8], i: usize, bits: u32) -> usize {
    let v = u32::from(d[i]) | u32::from(d[i + 1]) << 8 | u32::from(d[i + 2]) << 16;
    (v.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// Compresses `data` into a raw DEFLATE stream.
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 2 + 64),
        buf: 0,
        count: 0,
    };
    const NONE: usize = usize::MAX;
    // Tables sized to the input, so small inputs take little memory.
    let span = data.len().next_power_of_two().clamp(256, WINDOW);
    let hash_bits = span.trailing_zeros().min(HASH_BITS);
    let mut head = vec![NONE; 1 << hash_bits];
    let mut prev = vec![NONE; span];
    let mut tokens = Vec::with_capacity(BLOCK.min(data.len()));
    let mut pos = 0;
    loop {
        let block_end = (pos + BLOCK).min(data.len());
        let block_start = pos;
        tokens.clear();
        let insert = |i: usize, head: &mut Vec<usize>, prev: &mut Vec<usize>| {
            if i + 3 <= data.len() {
                let h = hash3(data, i, hash_bits);
                prev[i % span] = head[h];
                head[h] = i;
            }
        };
        while pos < block_end {
            let mut best_len = 0;
            let mut best_dist = 0;
            let max_len = (data.len() - pos).min(258);
            if max_len >= 3 {
                let mut cand = head[hash3(data, pos, hash_bits)];
                let mut chain = MAX_CHAIN;
                while cand != NONE && chain > 0 {
                    let c = cand;
                    if c >= pos || pos - c >= WINDOW {
                        break;
                    }
                    if data[c + best_len] == data[pos + best_len] {
                        let mut l = 0;
                        while l < max_len && data[c + l] == data[pos + l] {
                            l += 1;
                        }
                        if l > best_len {
                            best_len = l;
                            best_dist = pos - c;
                            if l >= NICE.min(max_len) {
                                break;
                            }
                        }
                    }
                    let p = prev[c % span];
                    if p == NONE || p >= c {
                        break;
                    }
                    cand = p;
                    chain -= 1;
                }
            }
            if best_len >= 3 {
                tokens.push(Token::Match {
                    len: best_len as u16,
                    dist: best_dist as u16,
                });
                for i in pos..pos + best_len {
                    insert(i, &mut head, &mut prev);
                }
                pos += best_len;
            } else {
                tokens.push(Token::Lit(data[pos]));
                insert(pos, &mut head, &mut prev);
                pos += 1;
            }
        }
        // A match may have run past the block's end; the block is what the
        // tokens cover.
        let covered = pos - block_start;
        let last = pos >= data.len();
        let fixed = Codes::fixed();
        let dynamic = Codes::dynamic(&tokens);
        let fixed_bits = 3 + fixed.cost(&tokens);
        let dynamic_bits = 3 + dynamic.header_bits + dynamic.cost(&tokens);
        let stored_bits = (covered as u64 * 8) + (covered.div_ceil(65535).max(1) as u64) * 40 + 8;
        if fixed_bits.min(dynamic_bits) <= stored_bits {
            w.put(u32::from(last), 1);
            let codes = if dynamic_bits < fixed_bits {
                w.put(2, 2);
                dynamic.write_header(&mut w);
                &dynamic
            } else {
                w.put(1, 2);
                &fixed
            };
            codes.write(&mut w, &tokens);
        } else {
            let chunk = &data[block_start..pos];
            let mut parts = chunk.chunks(65535).peekable();
            if chunk.is_empty() {
                write_stored(&mut w, &[], last);
            }
            while let Some(part) = parts.next() {
                write_stored(&mut w, part, last && parts.peek().is_none());
            }
        }
        if last {
            break;
        }
    }
    w.align();
    w.out
}

/// Huffman code lengths for `freq`, none longer than `limit`: Huffman's
/// construction (two queues over the sorted weights), with the weights
/// halved and the tree rebuilt until it fits. At least two symbols always
/// get a code, so the code is complete.
fn code_lengths(freq: &[u64], limit: u32) -> Vec<u8> {
    let mut f: Vec<u64> = freq.to_vec();
    let mut used = f.iter().filter(|&&x| x > 0).count();
    for x in f.iter_mut() {
        if used >= 2 {
            break;
        }
        if *x == 0 {
            *x = 1;
            used += 1;
        }
    }
    loop {
        let mut syms: Vec<usize> = (0..f.len()).filter(|&i| f[i] > 0).collect();
        syms.sort_by_key(|&i| (f[i], i));
        let n = syms.len();
        let mut weight: Vec<u64> = syms.iter().map(|&i| f[i]).collect();
        let mut parent = vec![0usize; 2 * n - 1];
        let (mut leaf, mut inner) = (0, n);
        let mut pick = |weight: &Vec<u64>, made: usize| -> usize {
            if leaf < n && (inner >= made || weight[leaf] <= weight[inner]) {
                leaf += 1;
                leaf - 1
            } else {
                inner += 1;
                inner - 1
            }
        };
        for k in 0..n - 1 {
            let made = n + k;
            let a = pick(&weight, made);
            let b = pick(&weight, made);
            weight.push(weight[a] + weight[b]);
            parent[a] = made;
            parent[b] = made;
        }
        let mut depth = vec![0u32; 2 * n - 1];
        for node in (0..2 * n - 2).rev() {
            depth[node] = depth[parent[node]] + 1;
        }
        if depth[..n].iter().all(|&d| d <= limit) {
            let mut lengths = vec![0u8; f.len()];
            for (k, &sym) in syms.iter().enumerate() {
                lengths[sym] = depth[k] as u8;
            }
            return lengths;
        }
        for x in f.iter_mut().filter(|x| **x > 0) {
            *x = (*x).div_ceil(2);
        }
    }
}

/// Canonical codes for `lengths`, bit-reversed for writing: (code, length).
fn canonical(lengths: &[u8]) -> Vec<(u32, u32)> {
    let mut count = [0u32; 16];
    for &l in lengths {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u32; 16];
    let mut code = 0;
    for l in 1..16 {
        code = (code + count[l - 1]) << 1;
        next[l] = code;
    }
    lengths
        .iter()
        .map(|&l| {
            if l == 0 {
                return (0, 0);
            }
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            (reverse_bits(c, u32::from(l)), u32::from(l))
        })
        .collect()
}

/// One block's literal/length and distance codes, and for a dynamic block
/// the header that describes them.
struct Codes {
    lit: Vec<(u32, u32)>,
    dist: Vec<(u32, u32)>,
    header_bits: u64,
    /// Dynamic header: HLIT, HDIST, the code-length code's lengths in
    /// `CL_ORDER` (HCLEN of them) and the run-length coded lengths as
    /// (symbol, extra bits value, extra bit count).
    hlit: usize,
    hdist: usize,
    cl: Vec<(u32, u32)>,
    hclen: usize,
    cl_lengths: [u8; 19],
    runs: Vec<(usize, u32, u32)>,
}

impl Codes {
    fn fixed() -> Self {
        Codes {
            lit: (0..288).map(fixed_code).collect(),
            dist: (0..30).map(|d| (reverse_bits(d, 5), 5)).collect(),
            header_bits: 0,
            hlit: 0,
            hdist: 0,
            cl: Vec::new(),
            hclen: 0,
            cl_lengths: [0; 19],
            runs: Vec::new(),
        }
    }

    fn dynamic(tokens: &[Token]) -> Self {
        let mut lf = vec![0u64; 286];
        let mut df = vec![0u64; 30];
        lf[256] = 1;
        for t in tokens {
            match *t {
                Token::Lit(b) => lf[usize::from(b)] += 1,
                Token::Match { len, dist } => {
                    lf[len_symbol(usize::from(len)).0] += 1;
                    df[dist_symbol(usize::from(dist)).0] += 1;
                }
            }
        }
        let ll = code_lengths(&lf, 15);
        let dl = code_lengths(&df, 15);
        let hlit = ll
            .iter()
            .rposition(|&l| l > 0)
            .map_or(0, |i| i + 1)
            .max(257);
        let hdist = dl.iter().rposition(|&l| l > 0).map_or(0, |i| i + 1).max(1);
        let all: Vec<u8> = ll[..hlit].iter().chain(&dl[..hdist]).copied().collect();
        // Run-length code the lengths with symbols 16 (repeat the previous
        // 3-6 times), 17 (3-10 zeros) and 18 (11-138 zeros).
        let mut runs = Vec::new();
        let mut i = 0;
        while i < all.len() {
            let v = all[i];
            let mut n = 1;
            while i + n < all.len() && all[i + n] == v {
                n += 1;
            }
            i += n;
            if v == 0 {
                while n >= 11 {
                    let k = n.min(138);
                    runs.push((18, (k - 11) as u32, 7));
                    n -= k;
                }
                if n >= 3 {
                    runs.push((17, (n - 3) as u32, 3));
                    n = 0;
                }
            } else {
                runs.push((usize::from(v), 0, 0));
                n -= 1;
                while n >= 3 {
                    let k = n.min(6);
                    runs.push((16, (k - 3) as u32, 2));
                    n -= k;
                }
            }
            for _ in 0..n {
                runs.push((usize::from(v), 0, 0));
            }
        }
        let mut cf = vec![0u64; 19];
        for r in &runs {
            cf[r.0] += 1;
        }
        let cll = code_lengths(&cf, 7);
        let mut cl_lengths = [0u8; 19];
        cl_lengths.copy_from_slice(&cll);
        let hclen = CL_ORDER
            .iter()
            .rposition(|&s| cl_lengths[s] > 0)
            .map_or(0, |i| i + 1)
            .max(4);
        let cl = canonical(&cl_lengths);
        let header_bits = 14
            + 3 * hclen as u64
            + runs
                .iter()
                .map(|&(s, _, e)| u64::from(cl[s].1 + e))
                .sum::<u64>();
        Codes {
            lit: canonical(&ll),
            dist: canonical(&dl),
            header_bits,
            hlit,
            hdist,
            cl,
            hclen,
            cl_lengths,
            runs,
        }
    }

    /// Bits to code `tokens` and the end of block.
    fn cost(&self, tokens: &[Token]) -> u64 {
        let mut bits = u64::from(self.lit[256].1);
        for t in tokens {
            bits += u64::from(match *t {
                Token::Lit(b) => self.lit[usize::from(b)].1,
                Token::Match { len, dist } => {
                    let (s, le, _) = len_symbol(usize::from(len));
                    let (d, de, _) = dist_symbol(usize::from(dist));
                    self.lit[s].1 + le + self.dist[d].1 + de
                }
            });
        }
        bits
    }

    fn write_header(&self, w: &mut BitWriter) {
        w.put((self.hlit - 257) as u32, 5);
        w.put((self.hdist - 1) as u32, 5);
        w.put((self.hclen - 4) as u32, 4);
        for &s in &CL_ORDER[..self.hclen] {
            w.put(u32::from(self.cl_lengths[s]), 3);
        }
        for &(s, v, e) in &self.runs {
            let (c, l) = self.cl[s];
            w.put(c, l);
            w.put(v, e);
        }
    }

    fn write(&self, w: &mut BitWriter, tokens: &[Token]) {
        for t in tokens {
            match *t {
                Token::Lit(b) => {
                    let (c, l) = self.lit[usize::from(b)];
                    w.put(c, l);
                }
                Token::Match { len, dist } => {
                    let (s, le, lv) = len_symbol(usize::from(len));
                    let (c, l) = self.lit[s];
                    w.put(c, l);
                    w.put(lv, le);
                    let (ds, de, dv) = dist_symbol(usize::from(dist));
                    let (c, l) = self.dist[ds];
                    w.put(c, l);
                    w.put(dv, de);
                }
            }
        }
        let (c, l) = self.lit[256];
        w.put(c, l);
    }
}

fn write_stored(w: &mut BitWriter, part: &[u8], last: bool) {
    w.put(u32::from(last), 1);
    w.put(0, 2);
    w.align();
    let n = part.len() as u32;
    w.put(n, 16);
    w.put(!n & 0xffff, 16);
    w.out.extend_from_slice(part);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::deflate::{inflate, DIST_BASE, DIST_EXTRA, LEN_BASE, LEN_EXTRA};

    #[test]
    fn symbols_match_tables() {
        for len in 3..=258 {
            let (s, e, v) = len_symbol(len);
            let k = s - 257;
            assert_eq!(u32::from(LEN_EXTRA[k]), e, "len {len}");
            assert_eq!(usize::from(LEN_BASE[k]) + v as usize, len);
        }
        for dist in 1..=32768 {
            let (s, e, v) = dist_symbol(dist);
            assert_eq!(u32::from(DIST_EXTRA[s]), e, "dist {dist}");
            assert_eq!(usize::from(DIST_BASE[s]) + v as usize, dist);
        }
    }

    #[test]
    fn code_lengths_are_limited_and_complete() {
        // Fibonacci weights make a Huffman tree as deep as there are symbols.
        let mut f = vec![1u64, 1];
        while f.len() < 30 {
            let n = f.len();
            f.push(f[n - 1] + f[n - 2]);
        }
        for limit in [7, 15] {
            let l = code_lengths(&f, limit);
            assert!(l.iter().all(|&x| x >= 1 && u32::from(x) <= limit), "{l:?}");
            let kraft: f64 = l.iter().map(|&x| 0.5f64.powi(i32::from(x))).sum();
            assert_eq!(kraft, 1.0);
        }
        // One or no used symbol still gets a complete two-symbol code.
        assert_eq!(code_lengths(&[0, 0, 5, 0], 15), [1, 0, 1, 0]);
        assert_eq!(code_lengths(&[0, 0, 0], 15), [1, 1, 0]);
        // A block of only long matches uses every path: round trip.
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(inflate(&deflate(&data), data.len()).unwrap(), data);
    }
}
