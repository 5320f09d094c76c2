//! The rules every entry of a folder archive must pass (FORMAT.md §4.3),
//! decided on the names alone, before anything touches a disk: no absolute
//! paths, no `..`, no symbolic link whose target, taken literally from the
//! link's folder, leaves the folder. The workflow layer's extraction applies
//! these, then checks what only the file system can tell (links met on the way).

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use crate::{Error, Result};

/// An archive path as a relative path without `.` components; refuses
/// absolute paths and `..`.
pub fn safe_relative(raw: &[u8]) -> Result<PathBuf> {
    let path = bytes_to_path(raw);
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => {
                return Err(Error::UnsafeArchive(format!(
                    "the entry {} has an absolute path",
                    path.display()
                )));
            }
            Component::ParentDir => {
                return Err(Error::UnsafeArchive(format!(
                    "the entry {} contains '..'",
                    path.display()
                )));
            }
            Component::CurDir => {}
            Component::Normal(name) => out.push(name),
        }
    }
    Ok(out)
}

/// An archive entry's raw name as a path (bytes as they are on Unix).
#[cfg(unix)]
pub fn bytes_to_path(raw: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(raw))
}

/// An archive entry's raw name as a path (lossy UTF-8, `\\` as a separator, elsewhere).
#[cfg(not(unix))]
pub fn bytes_to_path(raw: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(raw).replace('\\', "/"))
}

/// One step of a path being resolved inside the extraction folder.
pub enum Step {
    /// `..`: one folder up.
    Up,
    /// Into the entry of this name.
    Name(OsString),
}

/// The steps of a link target; refuses an absolute target.
pub fn steps(path: &Path) -> Result<Vec<Step>> {
    let mut out = Vec::new();
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => {
                return Err(Error::UnsafeArchive(format!(
                    "the symbolic link target {} is absolute",
                    path.display()
                )));
            }
            Component::CurDir => {}
            Component::ParentDir => out.push(Step::Up),
            Component::Normal(name) => out.push(Step::Name(name.to_owned())),
        }
    }
    Ok(out)
}

/// First check, per entry: the target, taken literally from the link's folder,
/// stays inside.
pub fn check_link_lexically(link: &Path, target: &Path) -> Result<()> {
    let mut depth = link.components().count().saturating_sub(1);
    for step in steps(target)? {
        match step {
            Step::Up if depth == 0 => {
                return Err(Error::UnsafeArchive(format!(
                    "the symbolic link {} points outside the folder ({})",
                    link.display(),
                    target.display()
                )));
            }
            Step::Up => depth -= 1,
            Step::Name(_) => depth += 1,
        }
    }
    Ok(())
}
