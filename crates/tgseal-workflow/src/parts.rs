//! The files of a split sealed file (FORMAT.md §10) on disk: writing a sealed
//! stream as part files `NAME.tgseal.001`, … that appear only when complete,
//! finding the parts that belong together, and reading them back as one stream.
//! The part header itself is `tgseal_core::split::PartHeader`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use tgseal_core::split::{
    self, MIN_PART_SIZE, PART_HEADER_LEN, PART_MAGIC, PartFile, PartHeader, parse_part_name,
    part_name,
};
use tgseal_core::{Error, PartProblem, Result, fill_random, read_up_to};

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
    /// Parts written and closed (at most two part files are open at a time,
    /// so a set of thousands of parts stays under the open-file limit): their
    /// temporaries, which delete themselves when dropped, and payload lengths.
    finished: Vec<(tempfile::TempPath, crate::temps::Listed, u64)>,
    /// The first part, kept open: its lock marks the whole set's temporaries
    /// as live (see [`crate::temps`]).
    holder: Option<File>,
    current: Option<(
        BufWriter<tempfile::NamedTempFile>,
        crate::temps::Listed,
        u64,
    )>,
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
        if !overwrite && let Some(existing) = existing_parts(dir, base)?.into_iter().next() {
            return Err(Error::OutputExists(existing));
        }
        Ok(PartWriter {
            dir: dir.to_path_buf(),
            base: base.to_owned(),
            limit,
            overwrite,
            set_id,
            finished: Vec::new(),
            holder: None,
            current: None,
        })
    }

    fn payload_per_part(&self) -> u64 {
        match self.set_id {
            Some(_) => split::payload_capacity(self.limit),
            None => self.limit,
        }
    }

    fn start_part(&mut self) -> std::io::Result<()> {
        let number = u32::try_from(self.finished.len() + 1)
            .map_err(|_| std::io::Error::other("too many parts"))?;
        if self.holder.is_none() {
            crate::temps::clean_stale(or_dot(&self.dir));
        }
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{}.", self.base))
            .suffix(crate::temps::TEMP_SUFFIX)
            .tempfile_in(or_dot(&self.dir))?;
        let listed = crate::temps::hold(temp.as_file(), temp.path());
        if self.holder.is_none() {
            self.holder = Some(temp.as_file().try_clone()?);
        }
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
        self.current = Some((out, listed, 0));
        Ok(())
    }

    fn close_part(&mut self) -> std::io::Result<()> {
        if let Some((out, listed, len)) = self.current.take() {
            let temp = out.into_inner().map_err(|e| e.into_error())?;
            // Closed now; reopened by name in `finish`.
            self.finished.push((temp.into_temp_path(), listed, len));
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
        for (number, (temp, listed, payload_len)) in (1..).zip(parts) {
            // One part file open at a time.
            let mut file = std::fs::OpenOptions::new().write(true).open(&temp)?;
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
            prepared.push((temp, listed, target));
        }
        let mut published: Vec<PathBuf> = Vec::with_capacity(prepared.len());
        for (temp, _listed, target) in prepared {
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
        // When overwriting: parts of an older, longer set under the same name would
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
        if self
            .current
            .as_ref()
            .is_some_and(|(_, _, len)| *len >= room)
        {
            self.close_part()?;
        }
        if self.current.is_none() {
            self.start_part()?;
        }
        let Some((out, _, len)) = self.current.as_mut() else {
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
            Some((out, _, _)) => out.flush(),
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
        if let Some((b, number)) = name.to_str().and_then(parse_part_name)
            && b == base
        {
            found.entry(number).or_default().push(dir.join(&name));
        }
    }
    for names in found.values_mut() {
        names.sort();
    }
    Ok(found)
}

/// Every file in `dir` named `BASE.NNN`, sorted.
pub(crate) fn existing_parts(dir: &Path, base: &str) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = numbered_parts(dir, base)?.into_values().flatten().collect();
    found.sort();
    Ok(found)
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
        let paths = existing_parts(&dir, &base)?;
        let mut found = Vec::with_capacity(paths.len());
        for file in &paths {
            let mut start = [0u8; PART_HEADER_LEN];
            let got = read_up_to(&mut File::open(file)?, &mut start)?;
            let size = std::fs::metadata(file)?.len();
            found.push((file_name_of(file), start, got, size));
        }
        let files: Vec<PartFile<'_>> = found
            .iter()
            .map(|(name, start, got, size)| PartFile {
                name,
                start: &start[..*got],
                size: *size,
            })
            .collect();
        let parts = split::check_set(&base, &files, given.as_deref())?
            .into_iter()
            .map(|(i, payload_len)| (paths[i].clone(), payload_len))
            .collect();
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
        self.parts
            .iter()
            .fold(0u64, |sum, (_, len)| sum.saturating_add(*len))
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
        if let Some((base, _)) = parse_part_name(&name)
            && !bases.iter().any(|b| b == base)
            && is_part_file(&entry.path())
        {
            bases.push(base.to_owned());
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
                    let header = PART_HEADER_LEN as u64;
                    let actual = header.saturating_add(*expected - reader.limit());
                    return Err(std::io::Error::other(Error::BrokenPart {
                        name: file_name_of(path),
                        problem: PartProblem::Truncated {
                            expected: header.saturating_add(*expected),
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_part_length_near_u64_max_is_reported_without_wrapping() {
        // §10: 40 + payload length must fit in a u64; before checked
        // arithmetic this said "announces 39 bytes" (or panicked).
        let dir = tempfile::tempdir().unwrap();
        let mut writer = PartWriter::create(dir.path(), "x.tgseal", 1024, false).unwrap();
        writer.write_all(&[7u8; 100]).unwrap();
        let parts = writer.finish().unwrap();
        let mut bytes = std::fs::read(&parts[0]).unwrap();
        // The part announcing `len` payload bytes, and what finding its set says.
        let mut announce = |len: u64| {
            bytes[32..40].copy_from_slice(&len.to_le_bytes());
            std::fs::write(&parts[0], &bytes).unwrap();
            PartSet::find(&parts[0]).unwrap_err()
        };
        let err = announce(u64::MAX - 1);
        assert!(
            matches!(
                err,
                Error::BrokenPart {
                    problem: PartProblem::NotAPart(_),
                    ..
                }
            ),
            "{err}"
        );
        assert!(!err.to_string().contains("39"), "{err}");
        // The longest length that fits is a truncated part, with the true numbers.
        let err = announce(u64::MAX - 40);
        assert!(
            matches!(
                err,
                Error::BrokenPart {
                    problem: PartProblem::Truncated {
                        expected: u64::MAX,
                        actual: 140
                    },
                    ..
                }
            ),
            "{err}"
        );
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
