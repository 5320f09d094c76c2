//! Split sealed files (FORMAT.md §10): a sealed stream cut into parts that each
//! fit a chat's upload limit, `NAME.tgseal.001`, `NAME.tgseal.002`, …
//!
//! Every part starts with a 40-byte part header (magic `tgsealp`, version, a
//! random set id, its number, the number of parts, its payload length). The
//! payloads of all parts, concatenated in order, are exactly one ordinary sealed
//! file, so integrity still comes from the header MAC and the STREAM (§2, §5);
//! part headers are only checked for consistency, to name the broken part.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::control::Control;
use crate::error::PartProblem;
use crate::files::SEALED_EXTENSION;
use crate::format::{Metadata, read_up_to};
use crate::keys::{MasterKey, fill_random};
use crate::seal::{EncryptOptions, Summary, encrypt};
use crate::{Error, Result};

/// §10: the first seven bytes of every part.
pub const PART_MAGIC: &[u8; 7] = b"tgsealp";
/// §10: the part format version.
pub const PART_VERSION: u8 = 1;
/// §10: bytes of the part header.
pub const PART_HEADER_LEN: usize = 40;
/// The smallest part size accepted when splitting: 1 KiB. Smaller parts would
/// only make thousands of files.
pub const MIN_PART_SIZE: u64 = 1024;

/// Telegram's file limit for regular accounts: 2000 MiB.
pub const TELEGRAM: u64 = 2000 * 1024 * 1024;
/// Telegram's file limit for Premium accounts: 4000 MiB.
pub const TELEGRAM_PREMIUM: u64 = 4000 * 1024 * 1024;
/// The Bot API's upload limit: 50 MB.
pub const BOT: u64 = 50_000_000;

/// Parses a part size: `telegram`, `telegram-premium`, `bot`, plain bytes
/// (`1048576`), or a number with a unit. `K`, `M`, `G` (and `KiB`, `MiB`,
/// `GiB`) are powers of 1024; `KB`, `MB`, `GB` powers of 1000. Fractions are
/// allowed (`1.5G`), rounded down to whole bytes. Units are case-insensitive.
pub fn parse_part_size(text: &str) -> std::result::Result<u64, String> {
    let text = text.trim();
    let size = match text.to_ascii_lowercase().as_str() {
        "telegram" => TELEGRAM,
        "telegram-premium" | "premium" => TELEGRAM_PREMIUM,
        "bot" => BOT,
        lower => {
            let split = lower
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(lower.len());
            let (number, unit) = lower.split_at(split);
            let factor: u64 = match unit.trim() {
                "" | "b" => 1,
                "k" | "kib" => 1 << 10,
                "m" | "mib" => 1 << 20,
                "g" | "gib" => 1 << 30,
                "kb" => 1_000,
                "mb" => 1_000_000,
                "gb" => 1_000_000_000,
                other => {
                    return Err(format!(
                        "unknown unit {other:?} (use K, M, G = KiB, MiB, GiB; KB, MB, GB = 1000-based; \
                         or telegram, telegram-premium, bot)"
                    ));
                }
            };
            if let Ok(whole) = number.parse::<u64>() {
                whole
                    .checked_mul(factor)
                    .ok_or_else(|| format!("{text:?} is too large"))?
            } else {
                let value: f64 = number
                    .parse()
                    .map_err(|_| format!("{text:?} is not a size (e.g. 500M, 1.5G, bot)"))?;
                let bytes = value * factor as f64;
                if !(bytes.is_finite() && bytes < u64::MAX as f64) {
                    return Err(format!("{text:?} is too large"));
                }
                bytes as u64
            }
        }
    };
    if size < MIN_PART_SIZE {
        return Err(format!(
            "a part must be at least {MIN_PART_SIZE} bytes, {text:?} is {size}"
        ));
    }
    Ok(size)
}

/// §10: the file name of part `number` of `count`: `BASE.001` … (three digits,
/// more only when there are over 999 parts), so parts sort and group together.
pub fn part_name(base: &str, number: u32, count: u32) -> String {
    let width = count.to_string().len().max(3);
    format!("{base}.{number:0width$}")
}

/// Splits a part's file name into (base, number): `a.tgseal.002` → (`a.tgseal`, 2).
pub fn parse_part_name(name: &str) -> Option<(&str, u32)> {
    let (base, digits) = name.rsplit_once('.')?;
    if base.is_empty() || digits.len() < 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((base, digits.parse().ok()?))
}

/// §10: a part header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PartHeader {
    set_id: [u8; 16],
    number: u32,
    count: u32,
    payload_len: u64,
}

impl PartHeader {
    fn to_bytes(self) -> [u8; PART_HEADER_LEN] {
        let mut out = [0u8; PART_HEADER_LEN];
        out[..7].copy_from_slice(PART_MAGIC);
        out[7] = PART_VERSION;
        out[8..24].copy_from_slice(&self.set_id);
        out[24..28].copy_from_slice(&self.number.to_le_bytes());
        out[28..32].copy_from_slice(&self.count.to_le_bytes());
        out[32..40].copy_from_slice(&self.payload_len.to_le_bytes());
        out
    }

    fn parse(bytes: &[u8]) -> std::result::Result<Self, PartProblem> {
        if bytes.len() < PART_MAGIC.len() || &bytes[..7] != PART_MAGIC {
            return Err(PartProblem::NotAPart(
                "it does not start with the part magic",
            ));
        }
        if bytes.len() < PART_HEADER_LEN {
            return Err(PartProblem::NotAPart("its part header is cut short"));
        }
        if bytes[7] != PART_VERSION {
            return Err(PartProblem::NotAPart(
                "unsupported part version (a newer tgseal may open it)",
            ));
        }
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let mut set_id = [0u8; 16];
        set_id.copy_from_slice(&bytes[8..24]);
        let mut len = [0u8; 8];
        len.copy_from_slice(&bytes[32..40]);
        let header = PartHeader {
            set_id,
            number: u32_at(24),
            count: u32_at(28),
            payload_len: u64::from_le_bytes(len),
        };
        if header.count == 0 || header.number == 0 || header.number > header.count {
            return Err(PartProblem::NotAPart("its part number is out of range"));
        }
        if header.payload_len == 0 {
            return Err(PartProblem::NotAPart("it announces an empty payload"));
        }
        Ok(header)
    }
}

/// Whether the file at `path` starts with the part magic (§10).
pub fn is_part_file(path: &Path) -> bool {
    let mut start = [0u8; 7];
    File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut start))
        .is_ok_and(|n| n == 7 && &start == PART_MAGIC)
}

/// A [`Write`] that cuts what it receives into part files of at most `limit`
/// bytes each (header included), as temporary files in `dir`; nothing is
/// visible under the final names until [`PartWriter::finish`]. Dropped
/// without finishing, it deletes every temporary part.
///
/// Sealed files get §10 part headers ([`PartWriter::create`]); other formats
/// (age files) can be cut into raw parts that `cat` joins ([`PartWriter::raw`]).
pub struct PartWriter {
    dir: PathBuf,
    base: String,
    limit: u64,
    overwrite: bool,
    /// The set id of §10 part headers; `None` for raw parts (no header).
    set_id: Option<[u8; 16]>,
    finished: Vec<(tempfile::NamedTempFile, u64)>,
    current: Option<(BufWriter<tempfile::NamedTempFile>, u64)>,
}

impl PartWriter {
    /// Prepares to write parts named `BASE.001`, … in `dir`, each with its
    /// §10 header. Fails early if a part of that name exists and `overwrite`
    /// is false.
    pub fn create(dir: &Path, base: &str, limit: u64, overwrite: bool) -> Result<Self> {
        let mut set_id = [0u8; 16];
        fill_random(&mut set_id)?;
        Self::new(dir, base, limit, overwrite, Some(set_id))
    }

    /// Like [`PartWriter::create`], for raw parts: the bytes as they come, cut
    /// at `limit`, with no header, so that concatenating the parts in order
    /// gives back the stream.
    pub fn raw(dir: &Path, base: &str, limit: u64, overwrite: bool) -> Result<Self> {
        Self::new(dir, base, limit, overwrite, None)
    }

    fn new(
        dir: &Path,
        base: &str,
        limit: u64,
        overwrite: bool,
        set_id: Option<[u8; 16]>,
    ) -> Result<Self> {
        if limit < MIN_PART_SIZE {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("a part must be at least {MIN_PART_SIZE} bytes"),
            )));
        }
        if !overwrite {
            if let Some(existing) = existing_parts(dir, base)?.into_iter().next() {
                return Err(Error::OutputExists(existing));
            }
        }
        Ok(PartWriter {
            dir: dir.to_path_buf(),
            base: base.to_owned(),
            limit,
            overwrite,
            set_id,
            finished: Vec::new(),
            current: None,
        })
    }

    fn payload_per_part(&self) -> u64 {
        match self.set_id {
            Some(_) => self.limit - PART_HEADER_LEN as u64,
            None => self.limit,
        }
    }

    fn start_part(&mut self) -> std::io::Result<()> {
        let number = u32::try_from(self.finished.len() + 1)
            .map_err(|_| std::io::Error::other("too many parts"))?;
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{}.", self.base))
            .suffix(".tmp")
            .tempfile_in(or_dot(&self.dir))?;
        let mut out = BufWriter::with_capacity(1 << 20, temp);
        if let Some(set_id) = self.set_id {
            // Count and payload length are patched in `finish`, once known.
            let header = PartHeader {
                set_id,
                number,
                count: 0,
                payload_len: 0,
            };
            out.write_all(&header.to_bytes())?;
        }
        self.current = Some((out, 0));
        Ok(())
    }

    fn close_part(&mut self) -> std::io::Result<()> {
        if let Some((out, len)) = self.current.take() {
            let temp = out.into_inner().map_err(|e| e.into_error())?;
            self.finished.push((temp, len));
        }
        Ok(())
    }

    /// Patches every part header (if any) with the final count and its payload length,
    /// flushes the parts to disk and renames them all into place. If any
    /// rename fails, the parts already renamed are removed again.
    pub fn finish(mut self) -> Result<Vec<PathBuf>> {
        self.close_part()?;
        let count = u32::try_from(self.finished.len())
            .map_err(|_| Error::Io(std::io::Error::other("too many parts")))?;
        let stale: Vec<PathBuf> = existing_parts(&self.dir, &self.base)?;
        let parts = std::mem::take(&mut self.finished);
        let mut prepared = Vec::with_capacity(parts.len());
        for (number, (mut temp, payload_len)) in (1..).zip(parts) {
            let file = temp.as_file_mut();
            if let Some(set_id) = self.set_id {
                let header = PartHeader {
                    set_id,
                    number,
                    count,
                    payload_len,
                };
                file.seek(SeekFrom::Start(0))?;
                file.write_all(&header.to_bytes())?;
            }
            file.sync_all()?;
            let target = self.dir.join(part_name(&self.base, number, count));
            prepared.push((temp, target));
        }
        let mut published: Vec<PathBuf> = Vec::with_capacity(prepared.len());
        for (temp, target) in prepared {
            let result = if self.overwrite {
                temp.persist(&target).map(drop)
            } else {
                temp.persist_noclobber(&target).map(drop)
            };
            if let Err(e) = result {
                for path in &published {
                    let _ = std::fs::remove_file(path);
                }
                return Err(if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::OutputExists(target)
                } else {
                    Error::Io(e.error)
                });
            }
            published.push(target);
        }
        // With --force: parts of an older, longer set under the same name would
        // be taken for part of this one; remove them.
        for old in stale {
            if !published.contains(&old) {
                let _ = std::fs::remove_file(old);
            }
        }
        Ok(published)
    }
}

impl Write for PartWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let room = self.payload_per_part();
        if self.current.as_ref().is_some_and(|(_, len)| *len >= room) {
            self.close_part()?;
        }
        if self.current.is_none() {
            self.start_part()?;
        }
        let Some((out, len)) = self.current.as_mut() else {
            return Err(std::io::Error::other("no part open"));
        };
        let take = usize::try_from(room - *len)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        out.write_all(&buf[..take])?;
        *len += take as u64;
        Ok(take)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.current.as_mut() {
            Some((out, _)) => out.flush(),
            None => Ok(()),
        }
    }
}

/// `dir`, or the current folder when `dir` is empty (the folder of a bare name).
fn or_dot(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// Files in `dir` named `BASE.NNN` (three or more digits), as `dir.join(name)`,
/// by part number (two names can carry the same number: `x.002`, `x.0002`).
pub fn numbered_parts(dir: &Path, base: &str) -> Result<BTreeMap<u32, Vec<PathBuf>>> {
    let mut found: BTreeMap<u32, Vec<PathBuf>> = BTreeMap::new();
    let entries = match std::fs::read_dir(or_dot(dir)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if let Some((b, number)) = name.to_str().and_then(parse_part_name) {
            if b == base {
                found.entry(number).or_default().push(dir.join(&name));
            }
        }
    }
    for names in found.values_mut() {
        names.sort();
    }
    Ok(found)
}

/// Every file in `dir` named `BASE.NNN`, sorted.
fn existing_parts(dir: &Path, base: &str) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = numbered_parts(dir, base)?.into_values().flatten().collect();
    found.sort();
    Ok(found)
}

/// Encrypts `input` into parts `BASE.001`, … of at most `limit` bytes in `dir`
/// (§10). Streams: no part is larger than `limit` and no full-size temporary
/// file is made; the parts appear under their names only when the whole
/// sealed stream is complete. Returns the parts' paths.
#[allow(clippy::too_many_arguments)]
pub fn encrypt_to_parts(
    master: &MasterKey,
    metadata: &Metadata,
    input: &mut impl Read,
    dir: &Path,
    base: &str,
    limit: u64,
    overwrite: bool,
    options: &EncryptOptions,
    control: &Control,
) -> Result<(Vec<PathBuf>, Summary)> {
    let mut parts = PartWriter::create(dir, base, limit, overwrite)?;
    let summary = encrypt(master, metadata, input, &mut parts, options, control)?;
    parts.flush()?;
    Ok((parts.finish()?, summary))
}

/// A complete, consistent set of parts, in order (§10).
#[derive(Clone, Debug)]
pub struct PartSet {
    base: PathBuf,
    parts: Vec<(PathBuf, u64)>,
}

impl PartSet {
    /// Finds the parts that belong with `path` (any one part, or the folder
    /// holding the parts of one split file) and checks that they are complete
    /// and belong together. Every problem names the part concerned.
    pub fn find(path: &Path) -> Result<PartSet> {
        let (dir, base, given) = if path.is_dir() {
            let base = only_base_in(path)?;
            (path.to_path_buf(), base, None)
        } else {
            let name = file_name_of(path);
            let Some((base, _)) = parse_part_name(&name) else {
                return Err(Error::BrokenPart {
                    name,
                    problem: PartProblem::NotAPart(
                        "its name does not end in a part number like .001",
                    ),
                });
            };
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            (dir, base.to_owned(), Some(name))
        };
        let mut headers = Vec::new();
        for file in existing_parts(&dir, &base)? {
            let name = file_name_of(&file);
            let named = parse_part_name(&name).map_or(0, |(_, n)| n);
            let mut start = [0u8; PART_HEADER_LEN];
            let got = read_up_to(&mut File::open(&file)?, &mut start)?;
            let header = PartHeader::parse(&start[..got]).map_err(|problem| Error::BrokenPart {
                name: name.clone(),
                problem,
            })?;
            let size = std::fs::metadata(&file)?.len();
            headers.push((file, name, named, header, size));
        }
        // The set is the one most files belong to (the given part breaks ties).
        let mut votes: HashMap<[u8; 16], (usize, bool)> = HashMap::new();
        for (_, name, _, header, _) in &headers {
            let vote = votes.entry(header.set_id).or_default();
            vote.0 += 1;
            vote.1 |= given.as_deref() == Some(name.as_str());
        }
        let Some(set_id) = votes
            .iter()
            .max_by_key(|(_, (count, given))| (*count, *given))
            .map(|(id, _)| *id)
        else {
            return Err(Error::BrokenPart {
                name: base,
                problem: PartProblem::NotAPart("no parts found"),
            });
        };
        if let Some((_, name, ..)) = headers.iter().find(|h| h.3.set_id != set_id) {
            return Err(Error::BrokenPart {
                name: name.clone(),
                problem: PartProblem::Foreign,
            });
        }
        let count = headers[0].3.count;
        if let Some((_, name, ..)) = headers.iter().find(|h| h.3.count != count) {
            return Err(Error::BrokenPart {
                name: name.clone(),
                problem: PartProblem::NotAPart(
                    "its header disagrees with the other parts about the number of parts",
                ),
            });
        }
        let mut by_number: HashMap<u32, &str> = HashMap::new();
        for (_, name, _, header, _) in &headers {
            if let Some(other) = by_number.insert(header.number, name) {
                // Report the later name (in sort order) as the duplicate.
                let (first, second) = if other < name.as_str() {
                    (other, name.as_str())
                } else {
                    (name.as_str(), other)
                };
                return Err(Error::BrokenPart {
                    name: second.to_owned(),
                    problem: PartProblem::Duplicate {
                        number: header.number,
                        other: first.to_owned(),
                    },
                });
            }
        }
        if let Some((_, name, named, header, _)) = headers.iter().find(|h| h.2 != h.3.number) {
            return Err(Error::BrokenPart {
                name: name.clone(),
                problem: PartProblem::Misnamed {
                    number: header.number,
                    named: *named,
                },
            });
        }
        for number in 1..=count {
            if !by_number.contains_key(&number) {
                return Err(Error::BrokenPart {
                    name: part_name(&base, number, count),
                    problem: PartProblem::Missing { number, count },
                });
            }
        }
        headers.sort_by_key(|h| h.3.number);
        let mut parts = Vec::with_capacity(headers.len());
        for (file, name, _, header, size) in headers {
            let expected = PART_HEADER_LEN as u64 + header.payload_len;
            if size != expected {
                return Err(Error::BrokenPart {
                    name,
                    problem: PartProblem::Truncated {
                        expected,
                        actual: size,
                    },
                });
            }
            parts.push((file, header.payload_len));
        }
        Ok(PartSet {
            base: dir.join(base),
            parts,
        })
    }

    /// The parts, in order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.parts.iter().map(|(p, _)| p.as_path())
    }

    /// The name shared by the parts without the part number, e.g. `dir/x.tgseal`.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// Total bytes of the sealed stream the parts carry.
    pub fn sealed_len(&self) -> u64 {
        self.parts.iter().map(|(_, len)| len).sum()
    }

    /// The sealed stream: the parts' payloads, concatenated in order.
    pub fn reader(&self) -> PartReader {
        PartReader {
            parts: self.parts.clone().into_iter().rev().collect(),
            current: None,
        }
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The base name of the one split file whose parts are in `dir`.
fn only_base_in(dir: &Path) -> Result<String> {
    let mut bases: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((base, _)) = parse_part_name(&name) {
            if !bases.iter().any(|b| b == base) && is_part_file(&entry.path()) {
                bases.push(base.to_owned());
            }
        }
    }
    bases.sort();
    match bases.len() {
        1 => Ok(bases.remove(0)),
        0 => Err(Error::BrokenPart {
            name: dir.display().to_string(),
            problem: PartProblem::NotAPart("the folder holds no parts"),
        }),
        _ => Err(Error::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} holds parts of several split files ({}); give one part of the file to decrypt",
                dir.display(),
                bases.join(", ")
            ),
        ))),
    }
}

/// Reads the payloads of a [`PartSet`] one after the other, skipping part headers.
pub struct PartReader {
    parts: Vec<(PathBuf, u64)>,
    current: Option<(std::io::Take<BufReader<File>>, PathBuf, u64)>,
}

impl Read for PartReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some((reader, path, expected)) = self.current.as_mut() {
                let n = reader.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                if reader.limit() > 0 {
                    // The part shrank since it was checked.
                    let actual = PART_HEADER_LEN as u64 + *expected - reader.limit();
                    return Err(std::io::Error::other(Error::BrokenPart {
                        name: file_name_of(path),
                        problem: PartProblem::Truncated {
                            expected: PART_HEADER_LEN as u64 + *expected,
                            actual,
                        },
                    }));
                }
                self.current = None;
            }
            let Some((path, len)) = self.parts.pop() else {
                return Ok(0);
            };
            let mut file = BufReader::with_capacity(1 << 20, File::open(&path)?);
            let mut header = [0u8; PART_HEADER_LEN];
            file.read_exact(&mut header)?;
            self.current = Some((file.take(len), path, len));
        }
    }
}

/// Turns an I/O error that carries a core [`Error`] (from [`PartReader`] or the
/// armor reader) back into that error.
pub fn lift(err: Error) -> Error {
    match err {
        Error::Io(io) if io.get_ref().is_some_and(|e| e.is::<Error>()) => match io.into_inner() {
            Some(inner) => match inner.downcast::<Error>() {
                Ok(core) => *core,
                Err(other) => Error::Io(std::io::Error::other(other)),
            },
            None => Error::Io(std::io::Error::other("I/O error")),
        },
        other => other,
    }
}

/// The base name for the parts of `sealed_name` (`x.tgseal` stays `x.tgseal`).
pub fn parts_base(sealed_name: &str) -> String {
    if sealed_name.ends_with(&format!(".{SEALED_EXTENSION}")) {
        sealed_name.to_owned()
    } else {
        format!("{sealed_name}.{SEALED_EXTENSION}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_documented_units() {
        assert_eq!(parse_part_size("telegram"), Ok(2_097_152_000));
        assert_eq!(parse_part_size("telegram-premium"), Ok(4_194_304_000));
        assert_eq!(parse_part_size("bot"), Ok(50_000_000));
        assert_eq!(parse_part_size("500M"), Ok(500 << 20));
        assert_eq!(parse_part_size("500MB"), Ok(500_000_000));
        assert_eq!(parse_part_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_part_size("700K"), Ok(700 * 1024));
        assert_eq!(parse_part_size("700kib"), Ok(700 * 1024));
        assert_eq!(parse_part_size("4096"), Ok(4096));
        assert!(parse_part_size("12").is_err());
        assert!(parse_part_size("5X").is_err());
        assert!(parse_part_size("").is_err());
    }

    #[test]
    fn part_names_sort() {
        assert_eq!(part_name("a.tgseal", 2, 3), "a.tgseal.002");
        assert_eq!(part_name("a.tgseal", 2, 1200), "a.tgseal.0002");
        assert_eq!(parse_part_name("a.tgseal.002"), Some(("a.tgseal", 2)));
        assert_eq!(parse_part_name("a.tgseal"), None);
        assert_eq!(parse_part_name("a.tgseal.02"), None);
    }

    #[test]
    fn writer_respects_the_limit_and_reader_restores_the_stream() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let mut writer = PartWriter::create(dir.path(), "x.tgseal", 1024, false).unwrap();
        for piece in data.chunks(777) {
            writer.write_all(piece).unwrap();
        }
        let parts = writer.finish().unwrap();
        assert_eq!(parts.len(), 10_000usize.div_ceil(1024 - PART_HEADER_LEN));
        for part in &parts {
            assert!(std::fs::metadata(part).unwrap().len() <= 1024);
        }
        let set = PartSet::find(&parts[3]).unwrap();
        let mut back = Vec::new();
        set.reader().read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        // Only the parts remain: no temporary files.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), parts.len());
    }

    #[test]
    fn unfinished_writer_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut writer = PartWriter::create(dir.path(), "x.tgseal", 1024, false).unwrap();
            writer.write_all(&[1u8; 5000]).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
