//! File-level operations shared by the CLI and the GUI: output naming, atomic
//! output (temporary file beside the target, renamed only when complete), and
//! encrypt/decrypt of one file path.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};

use tgseal_core::{Error, Metadata, Result};

pub use tgseal_core::names::SEALED_EXTENSION;

/// An output file under construction: a temporary file in the target's folder
/// that becomes the target only on [`AtomicFile::commit`]. Dropped without a
/// commit, it deletes itself, so a failure leaves nothing behind.
///
/// A target that is a device or a FIFO (`/dev/null`, `/dev/stdout`, a named
/// pipe) is never replaced: it is written through, as `-o -` writes
/// standard output — not atomically, so a failure part way leaves what was
/// already written (only authenticated bytes are ever written).
pub struct AtomicFile {
    out: Out,
    target: PathBuf,
    overwrite: bool,
}

enum Out {
    /// The temporary beside the target, listed for removal on a signal.
    Temp(tempfile::NamedTempFile, crate::temps::Listed),
    /// The device or FIFO itself.
    Through(File),
}

impl AtomicFile {
    /// Starts writing `target`. Fails early with [`Error::OutputExists`] if the
    /// target exists and `overwrite` is false (a device or FIFO is written
    /// through, not replaced, and needs no `overwrite`).
    pub fn create(target: &Path, overwrite: bool) -> Result<Self> {
        if is_special(target) {
            let file = std::fs::OpenOptions::new().write(true).open(target)?;
            return Ok(AtomicFile {
                out: Out::Through(file),
                target: target.to_path_buf(),
                overwrite,
            });
        }
        refuse_existing(target, overwrite)?;
        let dir = parent_dir(target);
        crate::temps::clean_stale(dir);
        let temp = tempfile::Builder::new()
            .prefix(&temp_prefix(target))
            .suffix(crate::temps::TEMP_SUFFIX)
            .tempfile_in(dir)?;
        let listed = crate::temps::hold(temp.as_file(), temp.path());
        Ok(AtomicFile {
            out: Out::Temp(temp, listed),
            target: target.to_path_buf(),
            overwrite,
        })
    }

    /// The file to write into.
    pub fn file(&mut self) -> &mut File {
        match &mut self.out {
            Out::Temp(temp, _) => temp.as_file_mut(),
            Out::Through(file) => file,
        }
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes to disk and moves the file into place. Without `overwrite`, an
    /// existing target (even one created meanwhile) is never replaced.
    pub fn commit(self) -> Result<PathBuf> {
        let target = self.target;
        let (temp, _listed) = match self.out {
            Out::Temp(temp, listed) => (temp, listed),
            Out::Through(_) => return Ok(target),
        };
        temp.as_file().sync_all()?;
        let result = if self.overwrite {
            temp.persist(&target).map(drop)
        } else {
            temp.persist_noclobber(&target).map(drop)
        };
        match result {
            Ok(()) => Ok(target),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(Error::OutputExists(target))
            }
            Err(e) => Err(Error::Io(e.error)),
        }
    }
}

/// Whether `path` names (through any links) something that is neither a
/// regular file nor a folder: a device, a FIFO, a socket. Such a target is
/// written through, never replaced by a renamed file.
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir())
}

/// The folder `path` is in: its parent, or `.` for a bare name.
pub fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Fails with [`Error::OutputExists`] when `target` exists (even as a dangling
/// link) and overwriting was not allowed.
pub(crate) fn refuse_existing(target: &Path, overwrite: bool) -> Result<()> {
    if !overwrite && target.symlink_metadata().is_ok() {
        return Err(Error::OutputExists(target.to_path_buf()));
    }
    Ok(())
}

/// The name prefix of a temporary sibling of `target` (`.report.pdf.`): hidden,
/// and recognisable as belonging to it. A long target name is cut (at a
/// character boundary) so that the prefix, the random part and the suffix still
/// fit in a 255-byte file name.
pub(crate) fn temp_prefix(target: &Path) -> String {
    const MAX_STEM: usize = 200;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let mut end = name.len().min(MAX_STEM);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}.", &name[..end])
}

/// `report.pdf` → `report.pdf.tgseal` (as [`tgseal_core::names::sealed_name`],
/// keeping names that are not UTF-8 as they are).
pub fn sealed_name(input_name: &std::ffi::OsStr) -> OsString {
    let mut name = input_name.to_os_string();
    name.push(".");
    name.push(SEALED_EXTENSION);
    name
}

/// The name to restore a sealed file under: the stored name reduced to a safe
/// base name, else the sealed file's own name without `.tgseal`
/// ([`tgseal_core::names::restored_name`]).
pub fn restored_name(stored: &str, sealed_path: &Path) -> String {
    let own = sealed_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tgseal_core::names::restored_name(stored, &own)
}

pub use tgseal_core::names::{safe_base_name, windows_safe_name};

/// The metadata for sealing the file at `path` (name, size, modification time).
pub fn metadata_for_file(path: &Path, file: &File) -> Result<Metadata> {
    let stat = file.metadata()?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Metadata::file(name, Some(stat.len()), stat.modified().ok()))
}

/// Where decrypted output goes.
#[derive(Clone, Debug)]
pub enum DecryptTarget {
    /// Into this folder, under the restored name.
    Folder(PathBuf),
    /// Exactly this path.
    Path(PathBuf),
    /// Into this folder, under the restored name, or under a numbered one
    /// (`photo (2).jpg`) when that name is taken: "keep both".
    KeepBoth(PathBuf),
}

impl DecryptTarget {
    /// The output path for a sealed file that stores `stored_name` (empty:
    /// none), read from `sealed_path` (which names the output instead).
    pub fn output_for(&self, stored_name: &str, sealed_path: &Path) -> PathBuf {
        match self {
            DecryptTarget::Path(path) => path.clone(),
            DecryptTarget::Folder(dir) => dir.join(restored_name(stored_name, sealed_path)),
            DecryptTarget::KeepBoth(dir) => {
                free_path(&dir.join(restored_name(stored_name, sealed_path)))
            }
        }
    }

    /// The folder written into, unless the target is exactly a path.
    pub fn folder(&self) -> Option<&Path> {
        match self {
            DecryptTarget::Folder(dir) | DecryptTarget::KeepBoth(dir) => Some(dir),
            DecryptTarget::Path(_) => None,
        }
    }
}

/// `report.pdf.tgseal` numbered `n`: `report (2).pdf.tgseal`. The number goes
/// before the first extension, so the name still says what the file is; a
/// name that starts with a dot keeps it (`.bashrc (2)`).
pub fn numbered_name(name: &str, n: u32) -> String {
    let stem_end = name
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '.')
        .map_or(name.len(), |(i, _)| i);
    format!("{} ({n}){}", &name[..stem_end], &name[stem_end..])
}

/// The first of `name`, `name (2)`, `name (3)`… ([`numbered_name`]) for
/// which `taken` is false. Gives up after 9999 and returns the last tried
/// (writing it then fails as an existing output, as it would have anyway).
pub fn free_name(name: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(name) {
        return name.to_owned();
    }
    let mut candidate = String::new();
    for n in 2..=9999 {
        candidate = numbered_name(name, n);
        if !taken(&candidate) {
            break;
        }
    }
    candidate
}

/// `path`, or the first numbered variant of its name that does not exist
/// (not even as a dangling link): where "keep both" writes.
pub fn free_path(path: &Path) -> PathBuf {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return path.to_path_buf();
    };
    let dir = parent_dir(path);
    dir.join(free_name(name, |n| dir.join(n).symlink_metadata().is_ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn keep_both_numbers_the_name_before_its_extensions() {
        assert_eq!(
            numbered_name("report.pdf.tgseal", 2),
            "report (2).pdf.tgseal"
        );
        assert_eq!(numbered_name("holiday", 3), "holiday (3)");
        assert_eq!(numbered_name(".bashrc", 2), ".bashrc (2)");
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("photo.jpg");
        assert_eq!(free_path(&photo), photo);
        std::fs::write(&photo, b"x").unwrap();
        std::fs::write(dir.path().join("photo (2).jpg"), b"x").unwrap();
        assert_eq!(free_path(&photo), dir.path().join("photo (3).jpg"));
        let target = DecryptTarget::KeepBoth(dir.path().to_path_buf());
        assert_eq!(
            target.output_for("photo.jpg", Path::new("x.tgseal")),
            dir.path().join("photo (3).jpg")
        );
    }

    #[test]
    fn restored_names_use_the_sealed_files_own_name_without_its_folder() {
        // The rules themselves are the core's (`tgseal_core::names`); here
        // only the path of the sealed file is new.
        let sealed = Path::new("/x/holiday.jpg.tgseal");
        assert_eq!(restored_name("../../etc/passwd", sealed), "passwd");
        assert_eq!(restored_name("..", sealed), "holiday.jpg");
        assert_eq!(restored_name("", Path::new("/x/blob")), "blob.decrypted");
    }

    #[cfg(windows)]
    #[test]
    fn restored_names_are_valid_on_windows() {
        let sealed = Path::new("C:\\x\\holiday.jpg.tgseal");
        assert_eq!(restored_name("CON", sealed), "_CON");
        assert_eq!(restored_name("C:evil.txt", sealed), "C_evil.txt");
        assert_eq!(restored_name("...", sealed), "holiday.jpg");
    }

    #[test]
    fn sealed_names_append_the_extension() {
        assert_eq!(sealed_name("a.pdf".as_ref()), "a.pdf.tgseal");
    }

    #[test]
    fn atomic_file_refuses_existing_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::write(&target, b"keep").unwrap();
        assert!(matches!(
            AtomicFile::create(&target, false),
            Err(Error::OutputExists(_))
        ));
        {
            let mut file = AtomicFile::create(&dir.path().join("new"), false).unwrap();
            file.file().write_all(b"partial").unwrap();
            // dropped without commit
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("out")]);
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
    }
}
