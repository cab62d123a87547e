//! The DEFLATE decoder (RFC 1951): stored, fixed- and dynamic-Huffman
//! blocks, strict and bounded (see `mod.rs`).

use super::{
    fixed_litlen_lengths, reverse_bits, CL_ORDER, DIST_BASE, DIST_EXTRA, LEN_BASE, LEN_EXTRA,
};

/// What went wrong inflating, and where (byte offset in the compressed
/// stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InflateError {
    pub offset: usize,
    pub what: String,
}

fn err<T>(offset: usize, what: impl Into<String>) -> Result<T, InflateError> {
    Err(InflateError {
        offset,
        what: what.into(),
    })
}

/// Least-significant-bit-first reader over the compressed bytes.
struct Bits<'a> {
    data: &'a [u8],
    /// Next byte to load into `buf`.
    pos: usize,
    buf: u64,
    count: u32,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8]) -> Self {
        Bits {
            data,
            pos: 0,
            buf: 0,
            count: 0,
        }
    }

    /// Byte offset of the next unread bit.
    fn offset(&self) -> usize {
        self.pos - (self.count / 8) as usize
    }

    fn refill(&mut self) {
        while self.count <= 56 {
            match self.data.get(self.pos) {
                Some(&b) => {
                    self.buf |= u64::from(b) << self.count;
                    self.pos += 1;
                    self.count += 8;
                }
                None => break,
            }
        }
    }

    /// `n` (at most 32) bits, or an error at the end of the data.
    fn bits(&mut self, n: u32) -> Result<u32, InflateError> {
        if self.count < n {
            self.refill();
            if self.count < n {
                return err(self.data.len(), "compressed data ends inside a block");
            }
        }
        let v = (self.buf & ((1u64 << n) - 1)) as u32;
        self.buf >>= n;
        self.count -= n;
        Ok(v)
    }

    /// Decodes one symbol with `table`.
    fn symbol(&mut self, table: &Huffman) -> Result<u16, InflateError> {
        if self.count < table.bits {
            self.refill();
        }
        let idx = (self.buf & ((1u64 << table.bits) - 1)) as usize;
        let entry = table.table[idx];
        let len = u32::from(entry & 0xf);
        if len == 0 {
            return err(self.offset(), "invalid Huffman code (no symbol has it)");
        }
        if len > self.count {
            return err(self.data.len(), "compressed data ends inside a block");
        }
        self.buf >>= len;
        self.count -= len;
        Ok(entry >> 4)
    }

    /// Drops the bits up to the next byte boundary.
    fn align(&mut self) {
        let drop = self.count % 8;
        self.buf >>= drop;
        self.count -= drop;
    }
}

/// A canonical Huffman decoding table indexed by the next `bits` input bits:
/// each entry is `symbol << 4 | code length`, 0 where no code matches.
struct Huffman {
    table: Vec<u16>,
    bits: u32,
}

impl Huffman {
    /// Builds the table for code `lengths` (0 = unused); an over-subscribed
    /// set of lengths is an error, an incomplete one leaves holes that are
    /// errors when met.
    fn new(lengths: &[u8], offset: usize, what: &str) -> Result<Self, InflateError> {
        let mut count = [0u32; 16];
        for &l in lengths {
            count[usize::from(l)] += 1;
        }
        count[0] = 0;
        let mut left = 1i64;
        for &c in &count[1..] {
            left = left * 2 - i64::from(c);
            if left < 0 {
                return err(offset, format!("over-subscribed {what} code lengths"));
            }
        }
        let bits = (1..16).rev().find(|&l| count[l] > 0).unwrap_or(1) as u32;
        let mut next = [0u32; 16];
        let mut code = 0u32;
        for l in 1..16 {
            code = (code + count[l - 1]) << 1;
            next[l] = code;
        }
        let mut table = vec![0u16; 1 << bits];
        for (sym, &l) in lengths.iter().enumerate() {
            if l == 0 {
                continue;
            }
            let l32 = u32::from(l);
            let rev = reverse_bits(next[usize::from(l)], l32) as usize;
            next[usize::from(l)] += 1;
            let entry = ((sym as u16) << 4) | u16::from(l);
            let mut i = rev;
            while i < table.len() {
                table[i] = entry;
                i += 1 << l32;
            }
        }
        Ok(Huffman { table, bits })
    }
}

/// Output buffer that never grows beyond `max`.
struct Out {
    buf: Vec<u8>,
    max: usize,
}

impl Out {
    fn room(&mut self, n: usize, offset: usize) -> Result<(), InflateError> {
        let need = self.buf.len() + n;
        if need > self.max {
            return err(
                offset,
                format!(
                    "data inflates beyond the expected {} bytes (declared size or limit)",
                    self.max
                ),
            );
        }
        if need > self.buf.capacity() {
            let cap = need
                .max(self.buf.capacity().saturating_mul(2))
                .min(self.max);
            self.buf.reserve_exact(cap - self.buf.len());
        }
        Ok(())
    }
}

/// Inflates a raw DEFLATE stream into at most `max_out` bytes; the stream
/// must end exactly at the end of `data`.
pub(crate) fn inflate(data: &[u8], max_out: usize) -> Result<Vec<u8>, InflateError> {
    // DEFLATE expands at most 1032:1 (258 bytes from a 2-bit code); start
    // from a modest guess and grow, never past `max_out`.
    let guess = data
        .len()
        .saturating_mul(4)
        .saturating_add(1024)
        .min(max_out);
    let mut out = Out {
        buf: Vec::with_capacity(guess),
        max: max_out,
    };
    let mut bits = Bits::new(data);
    let fixed = (
        Huffman::new(&fixed_litlen_lengths(), 0, "fixed")?,
        Huffman::new(&[5u8; 30], 0, "fixed")?,
    );
    loop {
        let start = bits.offset();
        let last = bits.bits(1)? == 1;
        match bits.bits(2)? {
            0 => stored_block(&mut bits, &mut out)?,
            1 => codes(&mut bits, &mut out, &fixed.0, &fixed.1)?,
            2 => {
                let (lit, dist) = dynamic_tables(&mut bits)?;
                codes(&mut bits, &mut out, &lit, &dist)?;
            }
            _ => return err(start, "reserved block type 3"),
        }
        if last {
            break;
        }
    }
    let used = bits.offset();
    if used != data.len() {
        return err(
            used,
            format!("{} bytes follow the final deflate block", data.len() - used),
        );
    }
    Ok(out.buf)
}

fn stored_block(bits: &mut Bits, out: &mut Out) -> Result<(), InflateError> {
    bits.align();
    let at = bits.offset();
    let len = bits.bits(16)?;
    let nlen = bits.bits(16)?;
    if len != !nlen & 0xffff {
        return err(
            at,
            format!("stored block length {len} does not match its complement {nlen}"),
        );
    }
    // The bit buffer holds whole bytes now; take them from it first.
    let len = len as usize;
    out.room(len, at)?;
    let mut n = 0;
    while n < len && bits.count >= 8 {
        out.buf.push(bits.bits(8)? as u8);
        n += 1;
    }
    let rest = len - n;
    let end = bits.pos.checked_add(rest).filter(|&e| e <= bits.data.len());
    let Some(end) = end else {
        return err(
            at,
            format!("stored block of {len} bytes runs past the end of the data"),
        );
    };
    out.buf.extend_from_slice(&bits.data[bits.pos..end]);
    bits.pos = end;
    Ok(())
}

fn dynamic_tables(bits: &mut Bits) -> Result<(Huffman, Huffman), InflateError> {
    let at = bits.offset();
    let hlit = bits.bits(5)? as usize + 257;
    let hdist = bits.bits(5)? as usize + 1;
    let hclen = bits.bits(4)? as usize + 4;
    if hlit > 286 || hdist > 30 {
        return err(
            at,
            format!("dynamic block declares {hlit} literal/length and {hdist} distance codes (at most 286 and 30)"),
        );
    }
    let mut cl = [0u8; 19];
    for &i in &CL_ORDER[..hclen] {
        cl[i] = bits.bits(3)? as u8;
    }
    let cl_table = Huffman::new(&cl, at, "code-length")?;
    let mut lengths = [0u8; 286 + 30];
    let total = hlit + hdist;
    let mut i = 0;
    while i < total {
        let here = bits.offset();
        let sym = bits.symbol(&cl_table)?;
        let (value, repeat) = match sym {
            0..=15 => (sym as u8, 1),
            16 => {
                if i == 0 {
                    return err(here, "code length repeat with no previous length");
                }
                (lengths[i - 1], 3 + bits.bits(2)? as usize)
            }
            17 => (0, 3 + bits.bits(3)? as usize),
            _ => (0, 11 + bits.bits(7)? as usize),
        };
        if i + repeat > total {
            return err(
                here,
                format!("code lengths run past the {total} declared codes"),
            );
        }
        lengths[i..i + repeat].fill(value);
        i += repeat;
    }
    if lengths[256] == 0 {
        return err(at, "dynamic block has no end-of-block code");
    }
    let lit = Huffman::new(&lengths[..hlit], at, "literal/length")?;
    let dist = Huffman::new(&lengths[hlit..total], at, "distance")?;
    Ok((lit, dist))
}

fn codes(
    bits: &mut Bits,
    out: &mut Out,
    lit: &Huffman,
    dist: &Huffman,
) -> Result<(), InflateError> {
    loop {
        let here = bits.offset();
        let sym = bits.symbol(lit)?;
        if sym < 256 {
            out.room(1, here)?;
            out.buf.push(sym as u8);
            continue;
        }
        if sym == 256 {
            return Ok(());
        }
        let k = usize::from(sym - 257);
        if k >= 29 {
            return err(here, format!("invalid length symbol {sym}"));
        }
        let len = usize::from(LEN_BASE[k]) + bits.bits(u32::from(LEN_EXTRA[k]))? as usize;
        let dsym = usize::from(bits.symbol(dist)?);
        if dsym >= 30 {
            return err(here, format!("invalid distance symbol {dsym}"));
        }
        let d = usize::from(DIST_BASE[dsym]) + bits.bits(u32::from(DIST_EXTRA[dsym]))? as usize;
        let have = out.buf.len();
        if d > have {
            return err(
                here,
                format!("match distance {d} reaches before the start of the data ({have} bytes written)"),
            );
        }
        out.room(len, here)?;
        let from = have - d;
        if d >= len {
            out.buf.extend_from_within(from..from + len);
        } else {
            for j in 0..len {
                let b = out.buf[from + j];
                out.buf.push(b);
            }
        }
    }
}
