//! The sliver of JSON that safetensors headers need: a writer for strings
//! and a strict, non-recursive pull reader for objects, arrays of unsigned
//! integers, strings and unsigned integers.
//!
//! The reader is driven by the caller's schema (there is no value tree), so
//! it allocates only what it returns and cannot be made to recurse. It
//! rejects everything outside that subset with [`Error::Format`] carrying the
//! byte offset: signs, fractions, exponents, leading zeros, `true`/`null`,
//! trailing commas, raw control characters in strings, lone surrogates.

use crate::error::{Error, Result};

/// Appends `s` as a JSON string literal, escaped the way `serde_json` does
/// (so headers are byte-identical to the reference writer's).
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A cursor over a JSON text. `base` is the file offset of its first byte,
/// used only in error messages.
pub(crate) struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
    base: u64,
    format: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(s: &'a [u8], base: u64, format: &'static str) -> Self {
        Reader {
            s,
            pos: 0,
            base,
            format,
        }
    }

    /// A format error at the current position.
    pub(crate) fn err(&self, what: impl Into<String>) -> Error {
        self.err_at(self.pos, what)
    }

    fn err_at(&self, pos: usize, what: impl Into<String>) -> Error {
        Error::Format {
            format: self.format,
            offset: Some(self.base + pos as u64),
            what: what.into(),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "end of header".to_string(),
            Some(b) if b.is_ascii_graphic() => format!("'{}'", b as char),
            Some(b) => format!("byte 0x{b:02x}"),
        }
    }

    fn expect(&mut self, want: u8, context: &str) -> Result<()> {
        self.ws();
        if self.peek() == Some(want) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(format!(
                "expected '{}' {context}, found {}",
                want as char,
                self.describe()
            )))
        }
    }

    /// Consumes `{`.
    pub(crate) fn begin_object(&mut self, context: &str) -> Result<()> {
        self.expect(b'{', context)
    }

    /// The next member's key (and its `:`) with the key's file offset, or
    /// `None` after the closing `}`. `first` must start `true` for each
    /// object. A trailing comma fails because a key must follow each comma.
    pub(crate) fn next_key(&mut self, first: &mut bool) -> Result<Option<(String, u64)>> {
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(None);
        }
        if !*first {
            self.expect(b',', "or '}' after an object member")?;
            self.ws();
        }
        *first = false;
        let at = self.base + self.pos as u64;
        let key = self.string()?;
        self.expect(b':', "after an object key")?;
        Ok(Some((key, at)))
    }

    /// A string literal, unescaped.
    pub(crate) fn string(&mut self) -> Result<String> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(self.err(format!("expected a string, found {}", self.describe())));
        }
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                0..=0x1f => {
                    return Err(self.err(format!(
                        "raw control character 0x{b:02x} in a string (must be escaped)"
                    )))
                }
                _ => {
                    out.push(b);
                    self.pos += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|e| self.err(format!("invalid UTF-8 in a string: {e}")))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let Some(b) = self.peek() else {
            return Err(self.err("unterminated escape"));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{08}',
            b'f' => '\u{0c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => {
                return Err(self.err_at(
                    self.pos - 1,
                    format!("invalid escape '\\{}'", (b as char).escape_default()),
                ))
            }
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX`
    /// low surrogate that must follow.
    fn unicode_escape(&mut self) -> Result<char> {
        let start = self.pos;
        let hi = self.hex4()?;
        let code = match hi {
            0xD800..=0xDBFF => {
                if self.s.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.err_at(start, format!("lone high surrogate \\u{hi:04X}")));
                }
                self.pos += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return Err(self.err_at(
                        start,
                        format!("high surrogate \\u{hi:04X} followed by \\u{lo:04X}, not a low surrogate"),
                    ));
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.err_at(start, format!("lone low surrogate \\u{hi:04X}")))
            }
            c => c,
        };
        char::from_u32(code)
            .ok_or_else(|| self.err_at(start, format!("invalid code point {code:#x}")))
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|b| (b as char).to_digit(16))
                .ok_or_else(|| {
                    self.err(format!(
                        "expected a hex digit in \\u escape, found {}",
                        self.describe()
                    ))
                })?;
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }

    /// An unsigned decimal integer that fits in `u64`.
    pub(crate) fn uint(&mut self) -> Result<u64> {
        self.ws();
        let start = self.pos;
        let mut v: u64 = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or_else(|| self.err_at(start, "integer does not fit in 64 bits"))?;
            self.pos += 1;
        }
        let digits = self.pos - start;
        if digits == 0 {
            let what = match self.peek() {
                Some(b'-') => "negative numbers are not allowed here".to_string(),
                _ => format!("expected an unsigned integer, found {}", self.describe()),
            };
            return Err(self.err(what));
        }
        if digits > 1 && self.s[start] == b'0' {
            return Err(self.err_at(start, "integer with a leading zero"));
        }
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            return Err(
                self.err("only unsigned integers are allowed here (no fraction or exponent)")
            );
        }
        Ok(v)
    }

    /// `[u, u, …]`, possibly empty.
    pub(crate) fn uint_array(&mut self, context: &str) -> Result<Vec<u64>> {
        self.expect(b'[', context)?;
        let mut out = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(out);
        }
        loop {
            out.push(self.uint()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(out);
                }
                _ => {
                    return Err(self.err(format!(
                        "expected ',' or ']' in {context}, found {}",
                        self.describe()
                    )))
                }
            }
        }
    }

    /// Succeeds if only whitespace is left.
    pub(crate) fn end(&mut self) -> Result<()> {
        self.ws();
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.err(format!(
                "unexpected {} after the end of the JSON object",
                self.describe()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(s: &str) -> Result<String> {
        let mut r = Reader::new(s.as_bytes(), 0, "json");
        let v = r.string()?;
        r.end()?;
        Ok(v)
    }

    #[test]
    fn strings_with_all_escapes() {
        assert_eq!(
            string(r#""a\"b\\c\/d\b\f\n\r\t\u00e9\uD83D\uDE00""#).unwrap(),
            "a\"b\\c/d\u{8}\u{c}\n\r\té😀"
        );
        for bad in [
            r#""\uD83D""#,
            r#""\uDE00""#,
            r#""\uD83Dx""#,
            r#""\uD83D\u0041""#,
            r#""\x""#,
            "\"a\u{1}\"",
            r#""\u12"#,
            r#""abc"#,
        ] {
            assert!(string(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writer_round_trips_through_reader() {
        let s = "q\"\\/\u{0}\u{1f}\n\té😀\u{7f}";
        let mut out = String::new();
        write_string(&mut out, s);
        assert_eq!(string(&out).unwrap(), s);
    }

    #[test]
    fn unsigned_integers_only() {
        let parse = |s: &str| Reader::new(s.as_bytes(), 0, "json").uint_array("shape");
        assert_eq!(
            parse("[ 0, 18446744073709551615 ]").unwrap(),
            vec![0, u64::MAX]
        );
        assert_eq!(parse("[]").unwrap(), Vec::<u64>::new());
        for bad in [
            "[18446744073709551616]",
            "[-1]",
            "[1.0]",
            "[1e3]",
            "[01]",
            "[1,]",
            "[,]",
            "[1",
            "[true]",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn objects_reject_trailing_commas() {
        let keys = |s: &str| -> Result<Vec<String>> {
            let mut r = Reader::new(s.as_bytes(), 0, "json");
            r.begin_object("at start")?;
            let mut first = true;
            let mut v = Vec::new();
            while let Some((k, _)) = r.next_key(&mut first)? {
                v.push(k);
                r.string()?;
            }
            r.end()?;
            Ok(v)
        };
        assert_eq!(keys(r#"{"a":"1" , "b" : "2"}  "#).unwrap(), ["a", "b"]);
        assert_eq!(keys("{ }").unwrap(), Vec::<String>::new());
        for bad in [
            r#"{"a":"1",}"#,
            r#"{,}"#,
            r#"{"a" "1"}"#,
            r#"{"a":"1"} x"#,
            r#"{"a":"1""#,
        ] {
            assert!(keys(bad).is_err(), "{bad}");
        }
    }
}
