//! Many inputs in one go (FORMAT.md §8), shared by the CLI and the GUI:
//! one key derivation per batch, a pool of parallel jobs, and encrypt/decrypt
//! of a path that may be a file or a folder.
//!
//! ## Sharing the cores
//! A batch runs up to `jobs` inputs at once (default: one per core); each job
//! may itself spread its payload over threads. [`threads_per_job`] splits the
//! cores between the jobs actually running, so many small files run side by
//! side (one core each) while a single big file still gets every core.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tgseal_core::{
    ContentKind, Control, DecryptOptions, Decryptor, Error, KdfParams, MasterKey, Passphrase,
    Result, Summary,
};

use crate::files::AtomicFile;
use crate::folder::extract_sealed;

/// How many payload threads each job should use when `jobs` jobs share
/// `cores` cores for `inputs` inputs: the cores divided by the jobs that can
/// actually run at once (never fewer than one).
pub fn threads_per_job(cores: usize, jobs: usize, inputs: usize) -> usize {
    let running = jobs.min(inputs).max(1);
    (cores / running).max(1)
}

/// The master keys of an encryption batch (FORMAT.md §8).
///
/// By default Argon2id runs once, under one random salt, and every file of the
/// batch is sealed with that master key (each file still draws its own random
/// seed, so its own keys). With `per_file`, every file gets its own salt and
/// pays its own Argon2id; the derivations then run one at a time, so a batch
/// never holds more than one KDF's memory.
pub struct BatchKeys {
    passphrase: Passphrase,
    params: KdfParams,
    shared: Option<Arc<MasterKey>>,
    gate: Mutex<()>,
}

impl BatchKeys {
    /// Derives the batch's master key now, unless `per_file`.
    pub fn new(passphrase: Passphrase, params: KdfParams, per_file: bool) -> Result<Self> {
        let shared = if per_file {
            params.validate()?;
            None
        } else {
            Some(Arc::new(MasterKey::derive(&passphrase, params)?))
        };
        Ok(BatchKeys {
            passphrase,
            params,
            shared,
            gate: Mutex::new(()),
        })
    }

    /// The master key for the next file.
    pub fn master(&self) -> Result<Arc<MasterKey>> {
        if let Some(key) = &self.shared {
            return Ok(key.clone());
        }
        let _one_at_a_time = self
            .gate
            .lock()
            .map_err(|_| Error::Io(std::io::Error::other("internal error: KDF lock poisoned")))?;
        Ok(Arc::new(MasterKey::derive(&self.passphrase, self.params)?))
    }
}

impl std::fmt::Debug for BatchKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchKeys")
            .field("params", &self.params)
            .field("per_file", &self.shared.is_none())
            .finish_non_exhaustive()
    }
}

/// What one input became, sealed or opened.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Outcome {
    /// The files written: one, every part in order, or none for a stream
    /// (standard output).
    pub outputs: Vec<PathBuf>,
    /// Whether it was a file or a folder.
    pub kind: ContentKind,
    /// Bytes read and written.
    pub summary: Summary,
    /// Things worth telling the user that were not errors (skipped entries,
    /// parts read or written).
    pub notes: Vec<String>,
}

impl Outcome {
    /// A file (or folder) written at `output`.
    pub fn file(output: PathBuf, summary: Summary, notes: Vec<String>) -> Self {
        Outcome {
            outputs: vec![output],
            kind: ContentKind::File,
            summary,
            notes,
        }
    }

    /// Output written to a stream.
    pub fn stream(summary: Summary) -> Self {
        Outcome {
            outputs: Vec::new(),
            kind: ContentKind::File,
            summary,
            notes: Vec::new(),
        }
    }

    /// The first file written (the only one, or part 1), if any.
    pub fn output(&self) -> Option<&Path> {
        self.outputs.first().map(PathBuf::as_path)
    }
}

/// Writes an opened sealed stream to `output` (a file, or a folder for kind Folder).
pub fn decrypt_opened<R: Read + Send>(
    decryptor: Decryptor<R>,
    output: &Path,
    overwrite: bool,
    options: &DecryptOptions,
    control: &Control,
) -> Result<Outcome> {
    let kind = decryptor.metadata().kind;
    if kind == ContentKind::Folder {
        let (summary, notes) = extract_sealed(decryptor, output, overwrite, options, control)?;
        return Ok(Outcome {
            outputs: vec![output.to_path_buf()],
            kind,
            summary,
            notes,
        });
    }
    let modified = decryptor.metadata().modified;
    let mut out = AtomicFile::create(output, overwrite)?;
    let summary = decryptor.decrypt_to_with(out.file(), options, control)?;
    if let Some(time) = modified {
        // Best effort: some filesystems refuse timestamps; the content is what matters.
        let _ = out.file().set_modified(time);
    }
    let output = out.commit()?;
    Ok(Outcome {
        outputs: vec![output],
        kind,
        summary,
        notes: Vec::new(),
    })
}

/// Every regular file below `dir`, as paths relative to it, in name order
/// (for sealing each file separately while mirroring the tree). Symbolic
/// links are not followed; what is neither a file nor a folder is listed in
/// the returned notes.
pub fn files_below(dir: &Path) -> Result<(Vec<PathBuf>, Vec<String>)> {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    collect(dir, Path::new(""), &mut files, &mut notes)?;
    Ok((files, notes))
}

fn collect(
    root: &Path,
    rel: &Path,
    files: &mut Vec<PathBuf>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let mut children = std::fs::read_dir(root.join(rel))?.collect::<std::io::Result<Vec<_>>>()?;
    children.sort_by_key(|e| e.file_name());
    for child in children {
        let rel_child = rel.join(child.file_name());
        let kind = child.file_type()?;
        if kind.is_dir() {
            collect(root, &rel_child, files, notes)?;
        } else if kind.is_file() {
            files.push(rel_child);
        } else {
            notes.push(format!(
                "skipped {}: not a regular file",
                tgseal_core::untrusted::escape_path(&root.join(&rel_child))
            ));
        }
    }
    Ok(())
}

/// Runs `work` over `items` on up to `jobs` threads and hands every result to
/// `report` on the calling thread, in completion order. As soon as a result
/// satisfies `halt` (e.g. a failure under fail-fast, or a cancellation), no
/// further item is started — decided on the worker thread, before it takes
/// the next item. Items never started are passed to `report` as `None`.
pub fn run_parallel<T, R, W, H, F>(items: &[T], jobs: usize, work: W, halt: H, mut report: F)
where
    T: Sync,
    R: Send,
    W: Fn(usize, &T) -> R + Sync,
    H: Fn(&R) -> bool + Sync,
    F: FnMut(usize, Option<R>),
{
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let workers = jobs.clamp(1, items.len().max(1));
    let mut reported = vec![false; items.len()];
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, stop, work, halt) = (&next, &stop, &work, &halt);
            scope.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(index) else { break };
                    let result = work(index, item);
                    if halt(&result) {
                        stop.store(true, Ordering::SeqCst);
                    }
                    if tx.send((index, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (index, result) in rx {
            reported[index] = true;
            report(index, Some(result));
        }
    });
    for (index, done) in reported.iter().enumerate() {
        if !done {
            report(index, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::DecryptTarget;
    use tgseal_core::EncryptOptions;
    use tgseal_core::Keyring;

    #[test]
    fn cores_are_split_between_running_jobs() {
        assert_eq!(threads_per_job(8, 8, 1), 8); // one big file: every core
        assert_eq!(threads_per_job(8, 8, 1000), 1); // many files: one core each
        assert_eq!(threads_per_job(8, 2, 1000), 4);
        assert_eq!(threads_per_job(2, 8, 3), 1);
        assert_eq!(threads_per_job(1, 0, 0), 1);
    }

    #[test]
    fn every_item_is_reported_once() {
        let items: Vec<u32> = (0..100).collect();
        let mut seen = vec![0u32; 100];
        run_parallel(
            &items,
            4,
            |_, &x| x * 2,
            |_| false,
            |i, r| {
                assert_eq!(r, Some(items[i] * 2));
                seen[i] += 1;
            },
        );
        assert!(seen.iter().all(|&n| n == 1));
    }

    #[test]
    fn halting_skips_the_rest() {
        let items: Vec<u32> = (0..100).collect();
        let (mut ran, mut skipped) = (0, 0);
        run_parallel(
            &items,
            1,
            |_, &x| x,
            |&x| x == 3,
            |_, r| match r {
                Some(_) => ran += 1,
                None => skipped += 1,
            },
        );
        assert_eq!((ran, skipped), (4, 96));
    }

    #[test]
    fn a_batch_sealed_together_is_opened_with_one_derivation_across_threads() {
        let params = KdfParams {
            memory_kib: 256,
            passes: 1,
            lanes: 1,
        };
        let keys = BatchKeys::new(Passphrase::new("pw").unwrap(), params, false).unwrap();
        let sealed: Vec<Vec<u8>> = (0..16u8)
            .map(|i| {
                let plain = vec![i; 1000];
                let meta = tgseal_core::Metadata::file(format!("f{i}"), Some(1000), None);
                let mut out = Vec::new();
                tgseal_core::encrypt(
                    &keys.master().unwrap(),
                    &meta,
                    &mut &plain[..],
                    &mut out,
                    &EncryptOptions::default(),
                    &Control::new(),
                )
                .unwrap();
                out
            })
            .collect();
        for (pass, expect_ok) in [("pw", true), ("wrong", false)] {
            let keyring =
                Keyring::new(Passphrase::new(pass).unwrap(), tgseal_core::KdfCap::DEFAULT);
            let open = |_: usize, bytes: &Vec<u8>| -> Result<Vec<u8>> {
                let mut plain = Vec::new();
                Decryptor::new(&bytes[..], &keyring)?.decrypt_to(&mut plain, &Control::new())?;
                Ok(plain)
            };
            let mut results = 0;
            run_parallel(
                &sealed,
                4,
                open,
                |_| false,
                |i, r| {
                    let r = r.unwrap();
                    if expect_ok {
                        assert_eq!(r.unwrap(), vec![i as u8; 1000]);
                    } else {
                        assert!(matches!(r, Err(Error::WrongPassphrase)));
                    }
                    results += 1;
                },
            );
            assert_eq!(results, 16);
            assert_eq!(keyring.derivations(), 1, "passphrase {pass}");
        }
    }

    #[test]
    fn a_folder_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("notes");
        std::fs::create_dir_all(src.join("sub/deeper")).unwrap();
        std::fs::write(src.join("a.txt"), b"alpha").unwrap();
        std::fs::write(src.join("sub/deeper/b.bin"), vec![7u8; 300_000]).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("../a.txt", src.join("sub/link")).unwrap();
        let keys = BatchKeys::new(
            Passphrase::new("pw").unwrap(),
            KdfParams {
                memory_kib: 64,
                passes: 1,
                lanes: 1,
            },
            false,
        )
        .unwrap();
        let sealed = dir.path().join("notes.tgseal");
        let format = crate::Format::Sealed {
            keys: &keys,
            shape: crate::ShapeOptions::default(),
            options: EncryptOptions::default(),
        };
        let done = crate::seal(
            crate::Source::Path(&src),
            crate::Destination::Path(&sealed),
            false,
            &format,
            &Control::new(),
        )
        .unwrap();
        assert_eq!(done.kind, ContentKind::Folder);
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let keyring = Keyring::new(Passphrase::new("pw").unwrap(), tgseal_core::KdfCap::DEFAULT);
        let opened = crate::sealed::SealedInput::Binary(sealed.clone())
            .decrypt(
                &DecryptTarget::Folder(out.clone()),
                false,
                &crate::Claims::default(),
                &keyring,
                &DecryptOptions::default(),
                &Control::new(),
            )
            .unwrap();
        assert_eq!(opened.output(), Some(out.join("notes").as_path()));
        assert_eq!(std::fs::read(out.join("notes/a.txt")).unwrap(), b"alpha");
        assert_eq!(
            std::fs::read(out.join("notes/sub/deeper/b.bin")).unwrap(),
            vec![7u8; 300_000]
        );
        #[cfg(unix)]
        assert_eq!(
            std::fs::read_link(out.join("notes/sub/link")).unwrap(),
            PathBuf::from("../a.txt")
        );
        let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
