//! Folders inside a sealed file (FORMAT.md §4.3, content kind 1): a tar stream
//! built on the fly while sealing, and a safe, atomic extraction while opening
//! (the per-entry name rules are `tgseal_core::archive`'s).
//!
//! Neither side puts a plaintext archive on disk: the tar writer (or reader)
//! runs on its own thread, joined to the cipher by an in-memory pipe.
//!
//! Extraction happens in a hidden temporary folder beside the target, which is
//! renamed into place only after the final chunk verified; on any failure it
//! is deleted. Entries are refused when they would land outside it: absolute
//! paths, `..`, paths through a symbolic link, hard links to anything but a
//! regular file already extracted, and symbolic links whose target leaves the
//! folder (checked lexically per entry, then physically once the tree is complete).

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, UNIX_EPOCH};

use tar::{EntryType, HeaderMode};

use tgseal_core::archive::{Step, check_link_lexically, safe_relative, steps};
use tgseal_core::lift;
use tgseal_core::untrusted::escape_path;
use tgseal_core::{
    ContentKind, Control, DecryptOptions, Decryptor, Error, Metadata, Result, Summary,
};

use crate::pipe::{PipeReader, PipeWriter, pipe};

/// Most symbolic links followed while checking where one link leads.
const MAX_LINK_HOPS: u32 = 40;

/// The metadata for sealing the folder at `dir`: kind Folder, its base name,
/// its modification time, content length unknown (the archive is streamed).
pub fn folder_metadata(dir: &Path) -> Result<Metadata> {
    let stat = fs::metadata(dir)?;
    let name = match dir.file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        // `.` or `..`: name the folder after what it really is.
        None => fs::canonicalize(dir)?
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    Ok(Metadata {
        kind: ContentKind::Folder,
        name,
        content_len: None,
        padding_len: 0,
        modified: stat.modified().ok(),
    })
}

/// A running archiver: reads as the tar stream of a folder, produced by a
/// background thread as fast as it is consumed.
pub struct FolderReader {
    pipe: PipeReader,
    thread: Option<JoinHandle<Result<Vec<String>>>>,
}

impl FolderReader {
    /// Starts archiving `dir` (FORMAT.md §4.3). Entries are stored relative to
    /// the folder, in name order, without owner names or ids; symbolic links
    /// are stored as links (never followed); devices, FIFOs and sockets are
    /// skipped and listed in the notes returned by [`FolderReader::finish`].
    pub fn spawn(dir: &Path) -> Self {
        let dir = dir.to_path_buf();
        let (writer, pipe) = pipe();
        let thread = std::thread::spawn(move || write_archive(&dir, writer));
        FolderReader {
            pipe,
            thread: Some(thread),
        }
    }

    /// Waits for the archiver. `consumer` is the result of whoever read the
    /// stream: when both failed, the archiver's own error is the cause unless
    /// it only saw the consumer go away.
    pub fn finish<T>(mut self, consumer: Result<T>) -> Result<(T, Vec<String>)> {
        let thread = self.thread.take();
        drop(self); // closes the pipe, so a blocked archiver wakes and stops
        let archived = match thread.map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) | None => Err(Error::Io(io::Error::other(
                "internal error: the folder archiver stopped",
            ))),
        };
        // The archiver reports a file that changed size through the tar writer,
        // as an I/O error carrying our own error: lift it, so its kind survives.
        let archived = archived.map_err(lift);
        match (consumer, archived) {
            (Ok(value), Ok(notes)) => Ok((value, notes)),
            (Err(err), Err(Error::Io(e))) if e.kind() == io::ErrorKind::BrokenPipe => Err(err),
            (_, Err(err)) => Err(err),
            (Err(err), Ok(_)) => Err(err),
        }
    }
}

impl Read for FolderReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.pipe.read(buf)
    }
}

fn write_archive(root: &Path, writer: PipeWriter) -> Result<Vec<String>> {
    let mut builder = tar::Builder::new(writer);
    let mut notes = Vec::new();
    // The root itself, as "./", carries the folder's permissions.
    let mut header = entry_header(&fs::metadata(root)?);
    builder.append_data(&mut header, ".", io::empty())?;
    add_children(&mut builder, root, Path::new(""), &mut notes)?;
    builder.into_inner()?.finish()?;
    Ok(notes)
}

fn entry_header(meta: &fs::Metadata) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_metadata_in_mode(meta, HeaderMode::Complete);
    // Who owned the files on the sender's machine is none of the recipient's business.
    header.set_uid(0);
    header.set_gid(0);
    header
}

fn add_children(
    builder: &mut tar::Builder<PipeWriter>,
    root: &Path,
    rel: &Path,
    notes: &mut Vec<String>,
) -> Result<()> {
    let dir = root.join(rel);
    let mut children = fs::read_dir(&dir)?.collect::<io::Result<Vec<_>>>()?;
    children.sort_by_key(|e| e.file_name());
    for child in children {
        let rel_child = rel.join(child.file_name());
        let path = root.join(&rel_child);
        let meta = fs::symlink_metadata(&path)?;
        let kind = meta.file_type();
        let mut header = entry_header(&meta);
        if kind.is_dir() {
            header.set_size(0);
            builder.append_data(&mut header, &rel_child, io::empty())?;
            add_children(builder, root, &rel_child, notes)?;
        } else if kind.is_file() {
            let file = File::open(&path)?;
            builder.append_data(&mut header, &rel_child, Exact::new(file, meta.len()))?;
        } else if kind.is_symlink() {
            header.set_size(0);
            builder.append_link(&mut header, &rel_child, fs::read_link(&path)?)?;
        } else {
            notes.push(format!(
                "skipped {}: not a regular file, folder or symbolic link",
                escape_path(&path)
            ));
        }
    }
    Ok(())
}

/// Reads exactly the length announced in a tar header; a file that shrank
/// while being archived is an error rather than a corrupt archive.
struct Exact<R> {
    inner: io::Take<R>,
    expected: u64,
    read: u64,
}

impl<R: Read> Exact<R> {
    fn new(inner: R, expected: u64) -> Self {
        Exact {
            inner: inner.take(expected),
            expected,
            read: 0,
        }
    }
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 && !buf.is_empty() && self.read < self.expected {
            return Err(io::Error::other(Error::InputChanged {
                expected: self.expected,
                actual: self.read,
            }));
        }
        Ok(n)
    }
}

/// Opens the payload of a sealed folder (kind Folder) and extracts it to
/// `target` atomically. Returns what was moved and notes about skipped entries.
pub fn extract_sealed<R: Read + Send>(
    decryptor: Decryptor<R>,
    target: &Path,
    overwrite: bool,
    options: &DecryptOptions,
    control: &Control,
) -> Result<(Summary, Vec<String>)> {
    if crate::files::is_special(target) {
        return Err(Error::Io(io::Error::new(
            io::ErrorKind::InvalidInput,
            "this sealed file holds a folder, which cannot be written to a device or a pipe; choose a folder path",
        )));
    }
    crate::files::refuse_existing(target, overwrite)?;
    let dir = crate::files::parent_dir(target);
    crate::temps::clean_stale(dir);
    let prefix = crate::files::temp_prefix(target);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(crate::temps::TEMP_SUFFIX);
    // Owner only while it fills, like a file's temporary: what is inside has
    // not all verified yet. The archive's own modes are applied at the end.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o700));
    }
    let temp = builder.tempdir_in(dir)?;
    // Locked through an open handle where folders can be opened (Unix).
    let handle = fs::File::open(temp.path()).ok();
    let _listed = match &handle {
        Some(file) => crate::temps::hold(file, temp.path()),
        None => crate::temps::Listed::new(temp.path()),
    };
    let (writer, reader) = pipe();
    let (opened, extracted) = std::thread::scope(|scope| {
        let opener = scope.spawn(move || {
            let mut writer = writer;
            let summary = decryptor.decrypt_to_with(&mut writer, options, control)?;
            writer.finish()?;
            Ok::<_, Error>(summary)
        });
        let extracted = extract(reader, temp.path());
        let opened = opener.join().unwrap_or_else(|_| {
            Err(Error::Io(io::Error::other(
                "internal error: decryption stopped",
            )))
        });
        (opened, extracted)
    });
    // An authentication failure explains everything after it; a refused entry
    // explains the broken pipe the decryptor then saw.
    let (summary, extraction) = match (opened, extracted) {
        (Ok(summary), Ok(extraction)) => (summary, extraction),
        (Err(Error::Io(e)), Err(err)) if e.kind() == io::ErrorKind::BrokenPipe => return Err(err),
        (Err(err), _) => return Err(err),
        (Ok(_), Err(err)) => return Err(err),
    };
    check_links(temp.path(), &extraction.links)?;
    let staged = temp.keep();
    if let Err(err) = move_into_place(&staged, target, overwrite) {
        let _ = fs::remove_dir_all(&staged);
        return Err(err);
    }
    // Permissions last: a read-only folder could not have been filled or cleaned up.
    extraction.apply_modes(target);
    Ok((summary, extraction.notes))
}

fn move_into_place(staged: &Path, target: &Path, overwrite: bool) -> Result<()> {
    match target.symlink_metadata() {
        Err(_) => {}
        Ok(_) if !overwrite => return Err(Error::OutputExists(target.to_path_buf())),
        Ok(old) => {
            // Move the old one aside first, so the target is never half old, half new.
            let aside = staged.with_extension("old");
            fs::rename(target, &aside)?;
            fs::rename(staged, target)?;
            let _ = if old.is_dir() {
                fs::remove_dir_all(&aside)
            } else {
                fs::remove_file(&aside)
            };
            return Ok(());
        }
    }
    fs::rename(staged, target)?;
    Ok(())
}

/// What an extraction left to do once the tree is complete.
#[derive(Default)]
struct Extraction {
    /// Folders and their permissions, applied deepest first at the end.
    modes: Vec<(PathBuf, u32)>,
    /// Symbolic links created (relative), checked physically at the end.
    links: Vec<PathBuf>,
    notes: Vec<String>,
}

impl Extraction {
    fn apply_modes(&self, root: &Path) {
        for (rel, mode) in self.modes.iter().rev() {
            // Best effort, like the modification time of files.
            let _ = set_mode(&root.join(rel), *mode);
        }
    }
}

fn bad_archive(e: io::Error) -> Error {
    Error::BadArchive(e.to_string())
}

fn extract(reader: PipeReader, dest: &Path) -> Result<Extraction> {
    let mut archive = tar::Archive::new(reader);
    let mut done = Extraction::default();
    for entry in archive.entries().map_err(bad_archive)? {
        let mut entry = entry.map_err(bad_archive)?;
        let raw = entry.path_bytes().into_owned();
        let rel = safe_relative(&raw)?;
        let header = entry.header();
        let kind = header.entry_type();
        let mode = header.mode().unwrap_or(0o644) & 0o777;
        let mtime = header.mtime().ok();
        // The entry's name is the sender's choice: shown escaped (§4.3).
        let shown = escape_path(&rel);
        if rel.as_os_str().is_empty() {
            if kind.is_dir() {
                done.modes.push((PathBuf::new(), mode));
            }
            continue;
        }
        make_parents(dest, &rel)?;
        let path = dest.join(&rel);
        match kind {
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
                remove_non_dir(&path, &rel)?;
                let mut file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?;
                io::copy(&mut entry, &mut file)?;
                if let Some(secs) = mtime {
                    let _ = file.set_modified(UNIX_EPOCH + Duration::from_secs(secs));
                }
                drop(file);
                set_mode(&path, mode)?;
            }
            EntryType::Directory => {
                match fs::symlink_metadata(&path) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        remove_non_dir(&path, &rel)?;
                        fs::create_dir(&path)?;
                    }
                    Err(_) => fs::create_dir(&path)?,
                }
                done.modes.push((rel, mode));
            }
            EntryType::Symlink => {
                let target = link_target(&entry)?;
                check_link_lexically(&rel, &target)?;
                remove_non_dir(&path, &rel)?;
                if make_symlink(&target, &path)? {
                    done.links.push(rel);
                } else {
                    done.notes.push(format!(
                        "skipped {shown}: symbolic links are not supported here"
                    ));
                }
            }
            EntryType::Link => {
                let target =
                    safe_relative(&link_target(&entry)?.into_os_string().into_encoded_bytes())
                        .map_err(|_| {
                            Error::UnsafeArchive(format!(
                                "the hard link {shown} points outside the folder"
                            ))
                        })?;
                let source = dest.join(&target);
                if target.as_os_str().is_empty()
                    || through_symlink(dest, &target)?
                    || !fs::symlink_metadata(&source).is_ok_and(|m| m.is_file())
                {
                    return Err(Error::UnsafeArchive(format!(
                        "the hard link {shown} does not point to a file extracted before it"
                    )));
                }
                remove_non_dir(&path, &rel)?;
                fs::hard_link(&source, &path)?;
            }
            EntryType::XGlobalHeader | EntryType::XHeader => {}
            EntryType::Char | EntryType::Block | EntryType::Fifo => {
                done.notes.push(format!(
                    "skipped {shown}: devices and FIFOs are not extracted"
                ));
            }
            other => {
                done.notes.push(format!(
                    "skipped {shown}: unsupported archive entry type {:#04x}",
                    other.as_byte()
                ));
            }
        }
    }
    // Read to the end, so the decryptor verifies the final chunk (and anything
    // the archive did not use is still authenticated).
    io::copy(&mut archive.into_inner(), &mut io::sink())?;
    Ok(done)
}

fn link_target<R: Read>(entry: &tar::Entry<'_, R>) -> Result<PathBuf> {
    match entry.link_name().map_err(bad_archive)? {
        Some(target) => Ok(target.into_owned()),
        None => Err(Error::BadArchive("a link entry has no target".into())),
    }
}

/// Whether any existing component of `rel` below `dest` is a symbolic link.
fn through_symlink(dest: &Path, rel: &Path) -> Result<bool> {
    let mut at = dest.to_path_buf();
    for component in rel.components() {
        at.push(component);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Ok(true),
            Ok(_) => {}
            Err(_) => return Ok(false),
        }
    }
    Ok(false)
}

/// Creates the folders above `rel`, refusing to go through a symbolic link
/// (which could lead anywhere).
fn make_parents(dest: &Path, rel: &Path) -> Result<()> {
    let Some(parent) = rel.parent() else {
        return Ok(());
    };
    let mut at = dest.to_path_buf();
    for component in parent.components() {
        at.push(component);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::UnsafeArchive(format!(
                    "the entry {} goes through a symbolic link",
                    escape_path(rel)
                )));
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::BadArchive(format!(
                    "the entry {} is below something that is not a folder",
                    escape_path(rel)
                )));
            }
            Err(_) => fs::create_dir(&at)?,
        }
    }
    Ok(())
}

/// A later entry for the same path replaces an earlier file or link (as tar
/// does); it never replaces a folder.
fn remove_non_dir(path: &Path, rel: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::BadArchive(format!(
            "the entry {} would replace a folder",
            escape_path(rel)
        ))),
        Ok(_) => Ok(fs::remove_file(path)?),
        Err(_) => Ok(()),
    }
}

/// Final check, once the tree is complete: every link, resolved through the
/// links it meets on the way (as the operating system would), stays inside.
/// This catches chains that each look harmless, e.g. `x -> .` and `d/y -> ../x/..`.
fn check_links(dest: &Path, links: &[PathBuf]) -> Result<()> {
    for link in links {
        let escape = || {
            Error::UnsafeArchive(format!(
                "the symbolic link {} points outside the folder",
                link.display()
            ))
        };
        let mut at: Vec<OsString> = link
            .parent()
            .map(|p| p.iter().map(|c| c.to_owned()).collect())
            .unwrap_or_default();
        let Ok(target) = fs::read_link(dest.join(link)) else {
            continue; // replaced by a later entry of the same name
        };
        let mut pending = steps(&target)?;
        pending.reverse(); // a stack: next step last
        let mut hops = 0;
        while let Some(step) = pending.pop() {
            match step {
                Step::Up => {
                    at.pop().ok_or_else(escape)?;
                }
                Step::Name(name) => {
                    at.push(name);
                    let here: PathBuf = at.iter().collect();
                    let full = dest.join(&here);
                    if fs::symlink_metadata(&full).is_ok_and(|m| m.file_type().is_symlink()) {
                        hops += 1;
                        if hops > MAX_LINK_HOPS {
                            return Err(Error::UnsafeArchive(format!(
                                "the symbolic link {} is part of a loop",
                                link.display()
                            )));
                        }
                        at.pop();
                        let mut next = steps(&fs::read_link(&full)?)?;
                        next.reverse();
                        pending.extend(next);
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn make_symlink(target: &Path, path: &Path) -> Result<bool> {
    std::os::unix::fs::symlink(target, path)?;
    Ok(true)
}

#[cfg(not(unix))]
fn make_symlink(_target: &Path, _path: &Path) -> Result<bool> {
    Ok(false)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_paths_must_be_relative_and_inside() {
        assert_eq!(safe_relative(b"a/./b").unwrap(), PathBuf::from("a/b"));
        assert_eq!(safe_relative(b"./").unwrap(), PathBuf::new());
        assert!(matches!(
            safe_relative(b"/etc/passwd"),
            Err(Error::UnsafeArchive(_))
        ));
        assert!(matches!(
            safe_relative(b"a/../../x"),
            Err(Error::UnsafeArchive(_))
        ));
        assert!(matches!(
            safe_relative(b"a/.."),
            Err(Error::UnsafeArchive(_))
        ));
    }

    #[test]
    fn link_targets_are_checked_from_the_link_folder() {
        let ok = |l: &str, t: &str| check_link_lexically(Path::new(l), Path::new(t)).is_ok();
        assert!(ok("a", "b"));
        assert!(ok("d/a", "../b"));
        assert!(!ok("a", "../b"));
        assert!(!ok("d/a", "../../b"));
        assert!(!ok("a", "/etc/passwd"));
        assert!(ok("d/e/a", "../x/../../y"));
    }

    #[cfg(unix)]
    #[test]
    fn chained_links_that_escape_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("d")).unwrap();
        std::os::unix::fs::symlink(".", root.join("x")).unwrap();
        std::os::unix::fs::symlink("../x/..", root.join("d/y")).unwrap();
        std::os::unix::fs::symlink("../x/d", root.join("d/z")).unwrap();
        assert!(check_link_lexically(Path::new("d/y"), Path::new("../x/..")).is_ok());
        assert!(check_links(root, &[PathBuf::from("d/z"), PathBuf::from("x")]).is_ok());
        assert!(matches!(
            check_links(root, &[PathBuf::from("d/y")]),
            Err(Error::UnsafeArchive(_))
        ));
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        assert!(check_links(root, &[PathBuf::from("loop")]).is_err());
        // A link later replaced by a file is no link any more.
        fs::write(root.join("was_link"), b"f").unwrap();
        assert!(check_links(root, &[PathBuf::from("was_link")]).is_ok());
    }
}
