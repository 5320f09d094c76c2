//! Split age files (docs/AGE.md, "Split"): the bytes of one age file cut into
//! parts `NAME.age.001`, `NAME.age.002`, … with nothing added, so that anyone
//! with plain `age` joins them (`cat NAME.age.* > NAME.age`) and decrypts the
//! whole. Unlike tgseal's own parts (FORMAT.md §10) they carry no header: the
//! numbers in the names are all there is. The age file's own authentication
//! (header MAC, STREAM) catches a part that is changed, swapped or missing at
//! the end; this module checks what the names can tell (every number from 1 up
//! is there, none twice).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use tgseal_age::{Error, Result, is_age_file};
use tgseal_core::split::{parse_part_name, part_name};

use crate::files::parent_dir;
use crate::parts::{is_part_file, numbered_parts};

/// Whether the parts named `BASE.NNN` look like a split age file:
/// they are not tgseal's own parts, and the base ends in `.age` or part 1
/// starts like an age file.
fn is_age_base(base: &str, parts: &BTreeMap<u32, Vec<PathBuf>>) -> bool {
    let mut files = parts.values().flatten();
    if files.next().is_some_and(|first| is_part_file(first)) {
        return false;
    }
    base.ends_with(".age")
        || parts
            .get(&1)
            .and_then(|first| first.first())
            .is_some_and(|first| matches!(is_age_file(first), Ok(Some(_))))
}

/// The bases of the split age files whose parts are in `dir`, sorted.
fn age_bases_in(dir: &Path) -> Result<Vec<String>> {
    let mut bases: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some((base, _)) = parse_part_name(&name)
            && !bases.iter().any(|b| b == base)
        {
            bases.push(base.to_owned());
        }
    }
    let mut age = Vec::new();
    for base in bases {
        if is_age_base(&base, &numbered_parts(dir, &base)?) {
            age.push(base);
        }
    }
    age.sort();
    Ok(age)
}

/// Whether `path` is one part of a split age file (`x.age.002`), or a folder
/// holding the parts of split age files. Cheap enough to ask of every input.
pub fn is_age_part(path: &Path) -> bool {
    if path.is_dir() {
        return age_bases_in(path).is_ok_and(|bases| !bases.is_empty());
    }
    let name = path.file_name().and_then(|n| n.to_str());
    let Some((base, _)) = name.and_then(parse_part_name) else {
        return false;
    };
    if !path.is_file() {
        return false;
    }
    let dir = parent_dir(path);
    numbered_parts(dir, base).is_ok_and(|parts| is_age_base(base, &parts))
}

/// The parts of one split age file, complete as far as their names tell, in order.
#[derive(Clone, Debug)]
pub struct AgeParts {
    base: PathBuf,
    parts: Vec<(PathBuf, u64)>,
}

impl AgeParts {
    /// Finds the parts that belong with `path` (any one part, or the folder
    /// holding the parts of one split age file) and checks that every number
    /// from 1 to the highest is there exactly once. Problems name the part.
    pub fn find(path: &Path) -> Result<AgeParts> {
        let (dir, base) = if path.is_dir() {
            let mut bases = age_bases_in(path)?;
            match bases.len() {
                1 => (path, bases.remove(0)),
                0 => {
                    return Err(Error::NotParts(format!(
                        "{} holds no parts of a split age file",
                        path.display()
                    )));
                }
                _ => {
                    return Err(Error::NotParts(format!(
                        "{} holds parts of several split age files ({}); give one part of the file to decrypt",
                        path.display(),
                        bases.join(", ")
                    )));
                }
            }
        } else {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let Some((base, _)) = parse_part_name(name) else {
                return Err(Error::NotParts(format!(
                    "{name}: its name does not end in a part number like .001"
                )));
            };
            (parent_dir(path), base.to_owned())
        };
        let numbered = numbered_parts(dir, &base)?;
        let highest = numbered.keys().next_back().copied().unwrap_or(0);
        let mut parts = Vec::with_capacity(numbered.len());
        for number in 1..=highest {
            match numbered.get(&number).map(Vec::as_slice) {
                Some([file]) => parts.push((file.clone(), std::fs::metadata(file)?.len())),
                Some([first, second, ..]) => {
                    return Err(Error::DuplicatePart {
                        number,
                        first: file_name(first),
                        second: file_name(second),
                    });
                }
                _ => {
                    return Err(Error::MissingPart {
                        name: part_name(&base, number, highest),
                        number,
                        highest,
                    });
                }
            }
        }
        if parts.is_empty() {
            return Err(Error::NotParts(format!("{base}: no parts found")));
        }
        Ok(AgeParts {
            base: dir.join(base),
            parts,
        })
    }

    /// The name shared by the parts without the part number, e.g. `dir/x.age`.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// The parts, in order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.parts.iter().map(|(p, _)| p.as_path())
    }

    /// Total bytes of the age file the parts carry.
    pub fn len(&self) -> u64 {
        self.parts.iter().map(|(_, len)| len).sum()
    }

    /// Always false: a set has at least one part.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The age file: the parts, concatenated in order.
    pub fn reader(&self) -> PartsReader {
        PartsReader {
            rest: self.parts.iter().rev().map(|(p, _)| p.clone()).collect(),
            current: None,
        }
    }

    /// The error to report when the age file read from the parts ends early
    /// (or its last chunk fails, as it does when the stream stops mid-chunk):
    /// the likely cause is a missing last part, which no name can reveal.
    /// A last part smaller than the one before it looks like a real end, so
    /// a failing chunk is then reported as damage.
    pub fn explain(&self, err: Error) -> Error {
        let sizes: Vec<u64> = self.parts.iter().map(|(_, len)| *len).collect();
        let last_is_full = match sizes.as_slice() {
            [.., before, last] => last >= before,
            _ => true,
        };
        match err {
            Error::Truncated | Error::TruncatedHeader => {}
            Error::Tampered if last_is_full => {}
            other => return other,
        }
        let count = u32::try_from(self.parts.len()).unwrap_or(u32::MAX);
        let base = file_name(&self.base);
        Error::PartsEndEarly {
            last: self
                .parts
                .last()
                .map(|(p, _)| file_name(p))
                .unwrap_or_default(),
            next: part_name(&base, count.saturating_add(1), count.saturating_add(1)),
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads the files of an [`AgeParts`] one after the other.
pub struct PartsReader {
    rest: Vec<PathBuf>,
    current: Option<File>,
}

impl Read for PartsReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(file) = &mut self.current {
                let n = file.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
            }
            match self.rest.pop() {
                Some(path) => self.current = Some(File::open(path)?),
                None => return Ok(0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::parts::PartWriter;
    use std::io::Write;

    fn write_parts(dir: &Path, data: &[u8], limit: u64) -> Vec<PathBuf> {
        let mut writer = PartWriter::raw(dir, "x.age", limit, false).unwrap();
        for piece in data.chunks(777) {
            writer.write_all(piece).unwrap();
        }
        writer.finish().unwrap()
    }

    fn data() -> Vec<u8> {
        let mut data = b"age-encryption.org/v1\n".to_vec();
        data.extend((0..10_000u32).map(|i| (i % 251) as u8));
        data
    }

    #[test]
    fn parts_are_raw_bytes_within_the_limit_and_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let data = data();
        let parts = write_parts(dir.path(), &data, 1024);
        assert_eq!(parts.len(), data.len().div_ceil(1024));
        assert_eq!(file_name(&parts[0]), "x.age.001");
        let mut joined = Vec::new();
        for part in &parts {
            let bytes = std::fs::read(part).unwrap();
            assert!(bytes.len() <= 1024);
            joined.extend(bytes);
        }
        assert_eq!(joined, data, "cat of the parts is the input");
        // Only the parts remain: no temporary files.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), parts.len());
        for given in [&parts[3], &dir.path().to_path_buf()] {
            assert!(is_age_part(given));
            let set = AgeParts::find(given).unwrap();
            assert_eq!(set.base(), dir.path().join("x.age"));
            assert_eq!(set.len(), data.len() as u64);
            let mut back = Vec::new();
            set.reader().read_to_end(&mut back).unwrap();
            assert_eq!(back, data);
        }
    }

    #[test]
    fn unfinished_writer_leaves_nothing_and_existing_parts_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut writer = PartWriter::raw(dir.path(), "x.age", 1024, false).unwrap();
            writer.write_all(&[1u8; 5000]).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_parts(dir.path(), &data(), 4096);
        assert!(matches!(
            PartWriter::raw(dir.path(), "x.age", 1024, false),
            Err(tgseal_core::Error::OutputExists(_))
        ));
    }

    #[test]
    fn overwriting_a_longer_set_removes_its_extra_parts() {
        let dir = tempfile::tempdir().unwrap();
        write_parts(dir.path(), &data(), 1024);
        let mut writer = PartWriter::raw(dir.path(), "x.age", 8192, true).unwrap();
        writer.write_all(&data()).unwrap();
        let parts = writer.finish().unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_gap_or_a_double_in_the_numbering_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let parts = write_parts(dir.path(), &data(), 1024);
        std::fs::copy(&parts[1], dir.path().join("x.age.0002")).unwrap();
        assert!(matches!(
            AgeParts::find(&parts[0]),
            Err(Error::DuplicatePart { number: 2, .. })
        ));
        std::fs::remove_file(dir.path().join("x.age.0002")).unwrap();
        std::fs::remove_file(&parts[2]).unwrap();
        let err = AgeParts::find(&parts[0]).unwrap_err();
        assert!(
            matches!(&err, Error::MissingPart { name, number: 3, .. } if name == "x.age.003"),
            "{err}"
        );
        assert!(err.to_string().contains("x.age.003"), "{err}");
    }

    #[test]
    fn tgseal_parts_and_other_numbered_files_are_not_age_parts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("v.tgseal.001"), b"tgsealp\x01rest").unwrap();
        std::fs::write(dir.path().join("notes.001"), b"plain text").unwrap();
        assert!(!is_age_part(&dir.path().join("v.tgseal.001")));
        assert!(!is_age_part(&dir.path().join("notes.001")));
        assert!(!is_age_part(dir.path()));
        std::fs::write(dir.path().join("y.001"), b"age-encryption.org/v1\n").unwrap();
        assert!(is_age_part(&dir.path().join("y.001")));
        assert!(is_age_part(dir.path()));
    }

    #[test]
    fn an_early_end_names_the_next_part() {
        let dir = tempfile::tempdir().unwrap();
        let parts = write_parts(dir.path(), &data(), 1024);
        let set = AgeParts::find(&parts[0]).unwrap();
        // The last part written is short: a failing chunk there is damage.
        assert!(matches!(set.explain(Error::Tampered), Error::Tampered));
        let err = set.explain(Error::Truncated);
        assert!(
            matches!(&err, Error::PartsEndEarly { last, next } if last == "x.age.010" && next == "x.age.011"),
            "{err}"
        );
        std::fs::remove_file(&parts[9]).unwrap();
        let set = AgeParts::find(&parts[0]).unwrap();
        assert!(matches!(
            set.explain(Error::Tampered),
            Error::PartsEndEarly { .. }
        ));
        assert!(matches!(set.explain(Error::HeaderMac), Error::HeaderMac));
    }
}
