//! A strict ZIP reader and a small writer (PKWARE APPNOTE), for `.npz`.
//!
//! Reading: the end of central directory record (searched in the last
//! 65 557 bytes; its comment must end the file), the ZIP64 end record and
//! locator when a field is saturated, the central directory, and each
//! entry's local header, cross-checked against the central directory (name,
//! method, and CRC and sizes unless the entry uses a data descriptor).
//! Methods 0 (stored) and 8 (deflate) only; encrypted entries, multi-disk
//! archives, duplicate names and entries that overlap each other or the
//! central directory are errors. Data is checked against its CRC-32.
//!
//! Writing: stored or deflated entries, ZIP64 extra fields for any entry
//! size or offset that does not fit 32 bits, and the ZIP64 end record when
//! the central directory's size, offset or entry count does not fit.

use super::deflate::{crc32, deflate, inflate};
use crate::error::{Error, Result};

pub(crate) const FORMAT: &str = "npz";

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const U32_MAX: u64 = 0xFFFF_FFFF;

fn bad(offset: u64, what: impl Into<String>) -> Error {
    Error::Format {
        format: FORMAT,
        offset: Some(offset),
        what: what.into(),
    }
}

/// Little-endian field reader over a slice, with offsets for errors.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn at(data: &'a [u8], pos: usize, need: usize, what: &str) -> Result<Self> {
        match pos.checked_add(need) {
            Some(end) if end <= data.len() => Ok(Cursor { data, pos }),
            _ => Err(bad(
                pos as u64,
                format!(
                    "{what} ({need} bytes) runs past the end of the {}-byte file",
                    data.len()
                ),
            )),
        }
    }
    fn take(&mut self, n: usize) -> &'a [u8] {
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        s
    }
    fn u16(&mut self) -> u16 {
        let s = self.take(2);
        u16::from_le_bytes([s[0], s[1]])
    }
    fn u32(&mut self) -> u32 {
        let s = self.take(4);
        u32::from_le_bytes([s[0], s[1], s[2], s[3]])
    }
    fn u64(&mut self) -> u64 {
        let s = self.take(8);
        let mut b = [0u8; 8];
        b.copy_from_slice(s);
        u64::from_le_bytes(b)
    }
}

/// One entry of an archive, as its central directory describes it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: String,
    pub method: u16,
    pub crc: u32,
    pub compressed: u64,
    pub size: u64,
    /// Offset of the local header.
    pub header: u64,
    /// Offset of the data (after the local header), filled by the reader.
    pub data: u64,
}

fn method_name(m: u16) -> String {
    let name = match m {
        1 => "shrink",
        6 => "implode",
        9 => "deflate64",
        12 => "bzip2",
        14 => "LZMA",
        93 => "zstandard",
        95 => "xz",
        98 => "PPMd",
        99 => "AES encryption",
        _ => "unknown",
    };
    format!("compression method {m} ({name}); only 0 (stored) and 8 (deflate) are read")
}

/// The ZIP64 extended-information extra field (id 1) in `extra`, if any:
/// its values, in the order the saturated fields ask for them.
fn zip64_extra(extra: &[u8], at: u64) -> Result<Option<&[u8]>> {
    let mut i = 0;
    while i + 4 <= extra.len() {
        let id = u16::from_le_bytes([extra[i], extra[i + 1]]);
        let len = usize::from(u16::from_le_bytes([extra[i + 2], extra[i + 3]]));
        let end = i + 4 + len;
        if end > extra.len() {
            return Err(bad(
                at + i as u64,
                format!("extra field 0x{id:04x} of {len} bytes runs past the extra data"),
            ));
        }
        if id == 1 {
            return Ok(Some(&extra[i + 4..end]));
        }
        i = end;
    }
    Ok(None)
}

/// Replaces each saturated value in `fields` by the next 8 bytes of the
/// ZIP64 extra field.
fn apply_zip64(fields: &mut [(&mut u64, bool)], extra: &[u8], at: u64, what: &str) -> Result<()> {
    if !fields.iter().any(|f| f.1) {
        return Ok(());
    }
    let Some(z) = zip64_extra(extra, at)? else {
        return Err(bad(
            at,
            format!("{what} has a 0xFFFFFFFF size or offset but no ZIP64 extra field"),
        ));
    };
    let mut k = 0;
    for (v, saturated) in fields.iter_mut() {
        if *saturated {
            let Some(b) = z.get(k..k + 8) else {
                return Err(bad(
                    at,
                    format!(
                        "{what}'s ZIP64 extra field has {} bytes, too few for its saturated fields",
                        z.len()
                    ),
                ));
            };
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            **v = u64::from_le_bytes(a);
            k += 8;
        }
    }
    Ok(())
}

/// Parses an archive's directory and checks every entry's local header.
pub(crate) fn read_entries(data: &[u8]) -> Result<Vec<Entry>> {
    let len = data.len();
    if len < 22 {
        return Err(bad(
            0,
            format!("{len} bytes is too short for a ZIP archive (the end record alone is 22)"),
        ));
    }
    // The end of central directory record: the last signature whose comment
    // length reaches exactly to the end of the file.
    let lowest = len.saturating_sub(22 + 0xFFFF);
    let eocd = (lowest..=len - 22)
        .rev()
        .find(|&i| {
            data[i..i + 4] == EOCD_SIG.to_le_bytes()
                && i + 22 + usize::from(u16::from_le_bytes([data[i + 20], data[i + 21]])) == len
        })
        .ok_or_else(|| {
            bad(
                len as u64,
                "no end of central directory record (not a ZIP archive, or truncated)",
            )
        })?;
    let mut c = Cursor::at(data, eocd + 4, 18, "end of central directory record")?;
    let disk = c.u16();
    let cd_disk = c.u16();
    let n_disk = c.u16();
    let n_total = c.u16();
    let mut cd_size = u64::from(c.u32());
    let mut cd_off = u64::from(c.u32());
    let mut count = u64::from(n_total);
    let saturated = disk == 0xFFFF || cd_disk == 0xFFFF || n_disk == 0xFFFF;
    if (disk != 0 || cd_disk != 0 || n_disk != n_total) && !saturated {
        return Err(Error::Unsupported {
            format: FORMAT,
            what: format!("multi-disk archive (disk {disk}, central directory on disk {cd_disk})"),
        });
    }
    let mut cd_end_limit = eocd as u64;
    if n_total == 0xFFFF || cd_size == U32_MAX || cd_off == U32_MAX || disk == 0xFFFF {
        // ZIP64: the locator sits just before the end record.
        let loc = eocd.checked_sub(20).ok_or_else(|| {
            bad(
                eocd as u64,
                "end record has saturated fields but there is no room for a ZIP64 locator",
            )
        })?;
        let mut l = Cursor::at(data, loc, 20, "ZIP64 end of central directory locator")?;
        if l.u32() != ZIP64_LOCATOR_SIG {
            return Err(bad(
                loc as u64,
                "end record has saturated fields but no ZIP64 end of central directory locator precedes it",
            ));
        }
        let z_disk = l.u32();
        let z_off = l.u64();
        let disks = l.u32();
        if z_disk != 0 || disks > 1 {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!("multi-disk ZIP64 archive ({disks} disks)"),
            });
        }
        let z = usize::try_from(z_off)
            .ok()
            .filter(|&z| z.checked_add(56).is_some_and(|e| e <= loc))
            .ok_or_else(|| {
                bad(
                    loc as u64 + 8,
                    format!("ZIP64 end record offset {z_off} is not before its locator at {loc}"),
                )
            })?;
        let mut r = Cursor::at(data, z, 56, "ZIP64 end of central directory record")?;
        if r.u32() != ZIP64_EOCD_SIG {
            return Err(bad(
                z as u64,
                "no ZIP64 end of central directory record signature",
            ));
        }
        let _size = r.u64();
        let _made = r.u16();
        let _needed = r.u16();
        let disk = r.u32();
        let cd_disk = r.u32();
        let n_disk = r.u64();
        let n_total = r.u64();
        if disk != 0 || cd_disk != 0 || n_disk != n_total {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!("multi-disk ZIP64 archive (disk {disk})"),
            });
        }
        count = n_total;
        cd_size = r.u64();
        cd_off = r.u64();
        cd_end_limit = z as u64;
    }
    let cd_end = cd_off.checked_add(cd_size).filter(|&e| e <= cd_end_limit);
    let Some(cd_end) = cd_end else {
        return Err(bad(
            eocd as u64 + 16,
            format!(
                "central directory at {cd_off} of {cd_size} bytes does not end before the end record at {cd_end_limit}"
            ),
        ));
    };
    // Each central entry takes at least 46 bytes.
    if count > cd_size / 46 {
        return Err(bad(
            eocd as u64 + 10,
            format!("{count} entries cannot fit a {cd_size}-byte central directory"),
        ));
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(count as usize);
    let mut pos = cd_off as usize;
    for index in 0..count {
        let at = pos as u64;
        let mut c = Cursor::at(data, pos, 46, "central directory entry")?;
        if c.u32() != CENTRAL_SIG {
            return Err(bad(
                at,
                format!("central directory entry {index}: bad signature"),
            ));
        }
        let _made = c.u16();
        let _needed = c.u16();
        let flags = c.u16();
        let method = c.u16();
        let _time = c.u32();
        let crc = c.u32();
        let mut compressed = u64::from(c.u32());
        let mut size = u64::from(c.u32());
        let name_len = usize::from(c.u16());
        let extra_len = usize::from(c.u16());
        let comment_len = usize::from(c.u16());
        let mut start_disk = u64::from(c.u16());
        let _int = c.u16();
        let _ext = c.u32();
        let mut header = u64::from(c.u32());
        let var = name_len + extra_len + comment_len;
        if (pos + 46 + var) as u64 > cd_end {
            return Err(bad(
                at,
                format!(
                    "central directory entry {index} runs past the directory's end at {cd_end}"
                ),
            ));
        }
        let mut c = Cursor::at(data, pos + 46, var, "central directory entry")?;
        let name_bytes = c.take(name_len);
        let extra = c.take(extra_len);
        let name = entry_name(name_bytes, at, index)?;
        if flags & 1 != 0 {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!("entry {name:?} is encrypted"),
            });
        }
        if method != 0 && method != 8 {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!("entry {name:?} uses {}", method_name(method)),
            });
        }
        let (cs, us, ho, sd) = (
            compressed == U32_MAX,
            size == U32_MAX,
            header == U32_MAX,
            start_disk == 0xFFFF,
        );
        apply_zip64(
            &mut [
                (&mut size, us),
                (&mut compressed, cs),
                (&mut header, ho),
                (&mut start_disk, sd),
            ],
            extra,
            at + 46 + name_len as u64,
            &format!("central directory entry {name:?}"),
        )?;
        if start_disk != 0 {
            return Err(Error::Unsupported {
                format: FORMAT,
                what: format!("entry {name:?} starts on disk {start_disk}"),
            });
        }
        if method == 0 && compressed != size {
            return Err(bad(
                at + 20,
                format!("stored entry {name:?} has compressed size {compressed} but size {size}"),
            ));
        }
        if entries.iter().any(|e| e.name == name) {
            return Err(bad(at, format!("duplicate entry name {name:?}")));
        }
        let data_off = check_local(
            data, &name, flags, method, crc, compressed, size, header, cd_off,
        )?;
        entries.push(Entry {
            name,
            method,
            crc,
            compressed,
            size,
            header,
            data: data_off,
        });
        pos += 46 + var;
    }
    if pos as u64 != cd_end {
        return Err(bad(
            pos as u64,
            format!(
                "central directory holds {} bytes after its {count} entries",
                cd_end - pos as u64
            ),
        ));
    }
    // No two entries may share bytes.
    let mut spans: Vec<(u64, u64, &str)> = entries
        .iter()
        .map(|e| (e.header, e.data + e.compressed, e.name.as_str()))
        .collect();
    spans.sort();
    for w in spans.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(bad(
                w[1].0,
                format!(
                    "entry {:?} (local header at {}) overlaps entry {:?} (bytes {}..{})",
                    w[1].2, w[1].0, w[0].2, w[0].0, w[0].1
                ),
            ));
        }
    }
    Ok(entries)
}

fn entry_name(bytes: &[u8], at: u64, index: u64) -> Result<String> {
    // Python's zipfile sets the UTF-8 flag for non-ASCII names; names
    // without it that are not UTF-8 (old code page 437) are refused rather
    // than guessed.
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        bad(
            at + 46 + e.utf8_error().valid_up_to() as u64,
            format!("entry {index}'s name is not UTF-8"),
        )
    })
}

/// Checks an entry's local header against its central record; returns the
/// data offset.
#[allow(clippy::too_many_arguments)]
fn check_local(
    data: &[u8],
    name: &str,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    header: u64,
    cd_off: u64,
) -> Result<u64> {
    let h = usize::try_from(header)
        .ok()
        .filter(|&h| (h as u64).saturating_add(30) <= cd_off)
        .ok_or_else(|| {
            bad(
                header,
                format!("entry {name:?}: local header offset {header} is not before the central directory at {cd_off}"),
            )
        })?;
    let mut c = Cursor::at(data, h, 30, "local header")?;
    if c.u32() != LOCAL_SIG {
        return Err(bad(
            header,
            format!("entry {name:?}: no local header signature at offset {header}"),
        ));
    }
    let _needed = c.u16();
    let l_flags = c.u16();
    let l_method = c.u16();
    let _time = c.u32();
    let l_crc = c.u32();
    let mut l_comp = u64::from(c.u32());
    let mut l_size = u64::from(c.u32());
    let name_len = usize::from(c.u16());
    let extra_len = usize::from(c.u16());
    let mut c = Cursor::at(data, h + 30, name_len + extra_len, "local header")?;
    let l_name = c.take(name_len);
    let extra = c.take(extra_len);
    if l_name != name.as_bytes() {
        return Err(bad(
            header + 30,
            format!(
                "local header names {:?}, the central directory {name:?}",
                String::from_utf8_lossy(l_name)
            ),
        ));
    }
    if l_method != method || (l_flags & 1) != (flags & 1) {
        return Err(bad(
            header + 8,
            format!("entry {name:?}: local header method {l_method} differs from the central directory's {method}"),
        ));
    }
    let descriptor = flags & 8 != 0;
    if !descriptor {
        let (us, cs) = (l_size == U32_MAX, l_comp == U32_MAX);
        // A ZIP64 local header carries both sizes when either is saturated.
        let both = us || cs;
        apply_zip64(
            &mut [(&mut l_size, both), (&mut l_comp, both)],
            extra,
            header + 30 + name_len as u64,
            &format!("local header of {name:?}"),
        )?;
        if l_crc != crc || l_comp != compressed || l_size != size {
            return Err(bad(
                header + 14,
                format!(
                    "entry {name:?}: local header (CRC {l_crc:08x}, {l_comp} compressed, {l_size} bytes) \
                     disagrees with the central directory (CRC {crc:08x}, {compressed} compressed, {size} bytes)"
                ),
            ));
        }
    }
    let start = header + 30 + (name_len + extra_len) as u64;
    match start.checked_add(compressed) {
        Some(end) if end <= cd_off => Ok(start),
        _ => Err(bad(
            start,
            format!(
                "entry {name:?}: {compressed} bytes of data at {start} run past the central directory at {cd_off}"
            ),
        )),
    }
}

/// The uncompressed bytes of `e`, checked against its size and CRC; at most
/// `limit` bytes are ever allocated.
pub(crate) fn extract<'a>(
    data: &'a [u8],
    e: &Entry,
    limit: u64,
) -> Result<std::borrow::Cow<'a, [u8]>> {
    if e.size > limit {
        return Err(Error::InvalidArgument(format!(
            "npz entry {:?} is {} bytes uncompressed, over the limit of {limit} bytes \
             (raise it with Npz::with_max_entry_size)",
            e.name, e.size
        )));
    }
    // Both fit usize: they were checked to lie inside `data`, and size <= limit.
    let start = e.data as usize;
    let raw = &data[start..start + e.compressed as usize];
    let out: std::borrow::Cow<[u8]> = if e.method == 0 {
        raw.into()
    } else {
        let max = usize::try_from(e.size).map_err(|_| {
            bad(
                e.header,
                format!("entry {:?} does not fit in memory", e.name),
            )
        })?;
        let v = inflate(raw, max).map_err(|x| {
            bad(
                e.data + x.offset as u64,
                format!("entry {:?}: deflate data: {}", e.name, x.what),
            )
        })?;
        v.into()
    };
    if out.len() as u64 != e.size {
        return Err(bad(
            e.data,
            format!(
                "entry {:?} inflates to {} bytes, but its declared size is {}",
                e.name,
                out.len(),
                e.size
            ),
        ));
    }
    let crc = crc32(&out);
    if crc != e.crc {
        return Err(bad(
            e.data,
            format!(
                "entry {:?}: CRC-32 of the data is {crc:08x}, the archive says {:08x}",
                e.name, e.crc
            ),
        ));
    }
    Ok(out)
}

/// Builds a ZIP archive of `(name, data)` entries; `force_zip64` writes the
/// ZIP64 fields everywhere (as if every size and offset were over 4 GiB),
/// which tests use to exercise that path.
pub(crate) fn write_archive(
    files: &[(&str, &[u8])],
    compressed: bool,
    force_zip64: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    // 1980-01-01 00:00 (the earliest DOS date): reproducible output.
    let (time, date) = (0u16, (1u16 << 5) | 1);
    for (name, bytes) in files {
        let crc = crc32(bytes);
        let packed;
        let (method, payload): (u16, &[u8]) = if compressed {
            packed = deflate(bytes);
            (8, &packed)
        } else {
            (0, bytes)
        };
        let size = bytes.len() as u64;
        let comp = payload.len() as u64;
        let header = out.len() as u64;
        let big = force_zip64 || size >= U32_MAX || comp >= U32_MAX;
        let needed: u16 = if big {
            45
        } else if method == 8 {
            20
        } else {
            10
        };
        let flags: u16 = if name.is_ascii() { 0 } else { 1 << 11 };
        // Local header.
        let mut extra = Vec::new();
        if big {
            extra.extend_from_slice(&1u16.to_le_bytes());
            extra.extend_from_slice(&16u16.to_le_bytes());
            extra.extend_from_slice(&size.to_le_bytes());
            extra.extend_from_slice(&comp.to_le_bytes());
        }
        put32(&mut out, LOCAL_SIG);
        put16(&mut out, needed);
        put16(&mut out, flags);
        put16(&mut out, method);
        put16(&mut out, time);
        put16(&mut out, date);
        put32(&mut out, crc);
        put32(&mut out, if big { U32_MAX as u32 } else { comp as u32 });
        put32(&mut out, if big { U32_MAX as u32 } else { size as u32 });
        put16(&mut out, name.len() as u16);
        put16(&mut out, extra.len() as u16);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&extra);
        out.extend_from_slice(payload);
        // Central record: ZIP64 values for the saturated fields, in order.
        let mut z = Vec::new();
        let fit = |v: u64| -> u32 {
            if force_zip64 || v >= U32_MAX {
                z.extend_from_slice(&v.to_le_bytes());
                U32_MAX as u32
            } else {
                v as u32
            }
        };
        let (s32, c32, h32);
        {
            let mut f = fit;
            s32 = f(size);
            c32 = f(comp);
            h32 = f(header);
        }
        let mut cextra = Vec::new();
        if !z.is_empty() {
            cextra.extend_from_slice(&1u16.to_le_bytes());
            cextra.extend_from_slice(&(z.len() as u16).to_le_bytes());
            cextra.extend_from_slice(&z);
        }
        put32(&mut central, CENTRAL_SIG);
        put16(&mut central, 45 | (3 << 8)); // made by: Unix, spec 4.5
        put16(&mut central, needed);
        put16(&mut central, flags);
        put16(&mut central, method);
        put16(&mut central, time);
        put16(&mut central, date);
        put32(&mut central, crc);
        put32(&mut central, c32);
        put32(&mut central, s32);
        put16(&mut central, name.len() as u16);
        put16(&mut central, cextra.len() as u16);
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0o600 << 16); // external: -rw-------
        put32(&mut central, h32);
        central.extend_from_slice(name.as_bytes());
        central.extend_from_slice(&cextra);
    }
    let cd_off = out.len() as u64;
    let cd_size = central.len() as u64;
    let count = files.len() as u64;
    out.extend_from_slice(&central);
    let big = force_zip64 || cd_off >= U32_MAX || cd_size >= U32_MAX || count >= 0xFFFF;
    if big {
        let z = out.len() as u64;
        put32(&mut out, ZIP64_EOCD_SIG);
        out.extend_from_slice(&44u64.to_le_bytes());
        put16(&mut out, 45 | (3 << 8));
        put16(&mut out, 45);
        put32(&mut out, 0);
        put32(&mut out, 0);
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_off.to_le_bytes());
        put32(&mut out, ZIP64_LOCATOR_SIG);
        put32(&mut out, 0);
        out.extend_from_slice(&z.to_le_bytes());
        put32(&mut out, 1);
    }
    put32(&mut out, EOCD_SIG);
    put16(&mut out, 0);
    put16(&mut out, 0);
    let n16 = if big { 0xFFFF } else { count as u16 };
    put16(&mut out, n16);
    put16(&mut out, n16);
    put32(&mut out, if big { U32_MAX as u32 } else { cd_size as u32 });
    put32(&mut out, if big { U32_MAX as u32 } else { cd_off as u32 });
    put16(&mut out, 0);
    out
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
