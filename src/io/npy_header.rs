//! The header of an `.npy` file: a Python dict literal such as
//! `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }`.
//!
//! Parsed strictly but without depending on numpy's exact spelling: any key
//! order, any whitespace, single or double quotes, an optional trailing
//! comma, Python-2 `3L` integers. Exactly the keys `descr` (a string, or the
//! list of a structured dtype, kept as raw text so the reader can name it),
//! `fortran_order` (`True`/`False`) and `shape` (a tuple of non-negative
//! integers; `(n)` without the comma is not a tuple) must appear, once each.
//! Anything else is [`Error::Format`] with the byte offset.

use super::npy::format_err;
use crate::error::{Error, Result};

/// The three values of an npy header dict.
pub(crate) struct Dict {
    /// The dtype string, or a structured dtype's list as written.
    pub(crate) descr: String,
    /// `descr` is a list (a structured dtype).
    pub(crate) structured: bool,
    pub(crate) fortran_order: bool,
    /// The dimensions as written (a file may claim more than this target's
    /// `usize` holds; the reader decides what fits).
    pub(crate) shape: Vec<u64>,
}

/// A parsed Python literal value (only what npy headers contain).
enum Value {
    Str(String),
    /// A list, as its source text (only a structured `descr` is one).
    List(String),
    Bool(bool),
    Tuple(Vec<u64>),
}

/// Parses `{'descr': …, 'fortran_order': …, 'shape': (…), }` followed by
/// whitespace. `base` is the file offset of the header, for messages.
pub(crate) fn parse_dict(header: &[u8], base: usize) -> Result<Dict> {
    if let Some(i) = header.iter().position(|b| !b.is_ascii()) {
        return Err(format_err(
            base + i,
            format!("non-ASCII byte 0x{:02x} in the header", header[i]),
        ));
    }
    let mut p = Parser {
        s: header,
        pos: 0,
        base,
    };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    let mut structured = false;
    p.expect(b'{')?;
    loop {
        p.ws();
        if p.eat(b'}') {
            break;
        }
        let key_at = p.pos;
        let key = p.string()?;
        p.ws();
        p.expect(b':')?;
        p.ws();
        let value_at = p.pos;
        let value = p.value()?;
        let slot_was_full = match (key.as_str(), value) {
            ("descr", Value::Str(s)) => descr.replace(s).is_some(),
            ("descr", Value::List(s)) => {
                structured = true;
                descr.replace(s).is_some()
            }
            ("fortran_order", Value::Bool(b)) => fortran.replace(b).is_some(),
            ("shape", Value::Tuple(t)) => shape.replace(t).is_some(),
            ("descr" | "fortran_order" | "shape", _) => {
                return Err(p.err_at(value_at, format!("wrong kind of value for {key:?}")))
            }
            _ => return Err(p.err_at(key_at, format!("unexpected key {key:?}"))),
        };
        if slot_was_full {
            return Err(p.err_at(key_at, format!("duplicate key {key:?}")));
        }
        p.ws();
        if p.eat(b',') {
            continue;
        }
        p.expect(b'}')?;
        break;
    }
    p.ws();
    if p.pos != header.len() {
        return Err(p.err("unexpected text after the header dict"));
    }
    let missing = |k: &str| format_err(base, format!("the header has no {k:?} key"));
    Ok(Dict {
        descr: descr.ok_or_else(|| missing("descr"))?,
        structured,
        fortran_order: fortran.ok_or_else(|| missing("fortran_order"))?,
        shape: shape.ok_or_else(|| missing("shape"))?,
    })
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    base: usize,
}

impl Parser<'_> {
    fn err(&self, what: impl Into<String>) -> Error {
        self.err_at(self.pos, what)
    }
    fn err_at(&self, pos: usize, what: impl Into<String>) -> Error {
        format_err(self.base + pos, what)
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') = self.peek() {
            self.pos += 1;
        }
    }
    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }
    fn expect(&mut self, b: u8) -> Result<()> {
        if self.eat(b) {
            Ok(())
        } else {
            let found = self
                .peek()
                .map_or("the end of the header".to_string(), |c| {
                    format!("{:?}", c as char)
                });
            Err(self.err(format!("expected {:?}, found {found}", b as char)))
        }
    }

    /// A string in single or double quotes, without escapes.
    fn string(&mut self) -> Result<String> {
        let quote = match self.peek() {
            Some(q @ (b'\'' | b'"')) => q,
            _ => return Err(self.err("expected a quoted string")),
        };
        self.pos += 1;
        let start = self.pos;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => return Err(self.err("escapes are not supported in header strings")),
                b'\n' => break,
                b if b == quote => {
                    let s = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
                    self.pos += 1;
                    return Ok(s);
                }
                _ => self.pos += 1,
            }
        }
        Err(self.err_at(start - 1, "unterminated string"))
    }

    fn value(&mut self) -> Result<Value> {
        match self.peek() {
            Some(b'\'' | b'"') => Ok(Value::Str(self.string()?)),
            Some(b'(') => Ok(Value::Tuple(self.tuple()?)),
            Some(b'[') => Ok(Value::List(self.raw_list()?)),
            _ => {
                let rest = &self.s[self.pos..];
                for (word, v) in [(&b"True"[..], true), (&b"False"[..], false)] {
                    let next = rest.get(word.len()).copied().unwrap_or(b' ');
                    if rest.starts_with(word) && !(next.is_ascii_alphanumeric() || next == b'_') {
                        self.pos += word.len();
                        return Ok(Value::Bool(v));
                    }
                }
                Err(self.err("expected a string, True, False, a tuple or a list"))
            }
        }
    }

    /// A list such as a structured dtype's `[('a', '<i4'), ('b', '<f8')]`,
    /// returned as its text. Only its brackets, parentheses and string
    /// quotes are checked (they must nest and close): the reader names such
    /// a dtype in an error and reads nothing of it. No recursion, so deep
    /// nesting cannot exhaust the stack.
    fn raw_list(&mut self) -> Result<String> {
        let start = self.pos;
        let mut open: Vec<u8> = Vec::new();
        while let Some(b) = self.peek() {
            match b {
                b'[' => open.push(b']'),
                b'(' => open.push(b')'),
                b']' | b')' => {
                    if open.pop() != Some(b) {
                        return Err(self.err(format!("unbalanced {:?} in a list", b as char)));
                    }
                    if open.is_empty() {
                        self.pos += 1;
                        let text = String::from_utf8_lossy(&self.s[start..self.pos]);
                        return Ok(text.into_owned());
                    }
                }
                q @ (b'\'' | b'"') => {
                    // A string, escapes skipped over.
                    let at = self.pos;
                    self.pos += 1;
                    loop {
                        match self.peek() {
                            None | Some(b'\n') => {
                                return Err(self.err_at(at, "unterminated string"))
                            }
                            Some(b'\\') => self.pos += 2,
                            Some(c) => {
                                self.pos += 1;
                                if c == q {
                                    break;
                                }
                            }
                        }
                    }
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.err_at(start, "unterminated list"))
    }

    /// `()`, `(n,)`, `(a, b)`, `(a, b,)`: non-negative integers (an old
    /// Python-2 `L` suffix is accepted). `(n)` is not a tuple in Python and
    /// is rejected.
    fn tuple(&mut self) -> Result<Vec<u64>> {
        let open = self.pos;
        self.expect(b'(')?;
        let mut dims = Vec::new();
        let mut trailing_comma = false;
        loop {
            self.ws();
            if self.eat(b')') {
                break;
            }
            if !dims.is_empty() && !trailing_comma {
                return Err(self.err("expected ',' or ')' in the shape tuple"));
            }
            dims.push(self.int()?);
            self.ws();
            trailing_comma = self.eat(b',');
        }
        if dims.len() == 1 && !trailing_comma {
            return Err(self.err_at(
                open,
                "a one-element shape must be written (n,) — (n) is not a tuple",
            ));
        }
        Ok(dims)
    }

    /// A dimension, as `u64` whatever the target's word size, so the same
    /// file gets the same error on every target.
    fn int(&mut self) -> Result<u64> {
        let start = self.pos;
        let mut v: u64 = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or_else(|| self.err_at(start, "dimension does not fit in 64 bits"))?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err("expected a non-negative integer dimension"));
        }
        if self.pos - start > 1 && self.s[start] == b'0' {
            return Err(self.err_at(start, "dimension with a leading zero"));
        }
        self.eat(b'L');
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dict_parsing_is_order_and_space_insensitive() {
        let d = parse_dict(
            b"{ \"shape\" : ( 4 , 5 , ) ,'fortran_order':True,'descr':'<f4'}  \n",
            0,
        )
        .unwrap();
        assert_eq!(
            (d.descr.as_str(), d.fortran_order, d.shape),
            ("<f4", true, vec![4, 5])
        );
        let d = parse_dict(
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 2L), }",
            0,
        )
        .unwrap();
        assert_eq!(d.shape, vec![3, 2]);
        let d = parse_dict(
            b"{'descr': [('a', '<i4'), ('b', [('c', '>f8', (2,))]), ((\"t)\", 'd'), '|b1')], 'fortran_order': False, 'shape': (3,), }",
            0,
        )
        .unwrap();
        assert!(d.structured);
        assert_eq!(
            d.descr,
            "[('a', '<i4'), ('b', [('c', '>f8', (2,))]), ((\"t)\", 'd'), '|b1')]"
        );
        // Deep nesting is no stack overflow.
        let deep = format!(
            "{{'descr': {}{}, 'fortran_order': False, 'shape': ()}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(parse_dict(deep.as_bytes(), 0).unwrap().structured);
        for bad in [
            &b"{'descr': '<f8', 'fortran_order': False, 'shape': (3), }"[..],
            b"{'descr': '<f8', 'fortran_order': False, 'shape': [3, 2], }",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'x': 1}",
            b"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3, 2)}",
            b"{'descr': '<f8', 'fortran_order': Falsey, 'shape': (3, 2)}",
            b"{'descr': '<f8', 'fortran_order': False}",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2),,}",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 2)}",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3 2)}",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2)} x",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 2)}",
            b"{'descr': [('a', '<i4'), 'fortran_order': False, 'shape': (3, 2)}",
            b"{'descr': [('a', '<i4']], 'fortran_order': False, 'shape': (3, 2)}",
            b"{'descr': [('a, '<i4')], 'fortran_order': False, 'shape': (3, 2)}",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': [3, 2]}",
        ] {
            assert!(
                parse_dict(bad, 0).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
