//! tgseal's temporary files: every output is first written to a hidden
//! temporary beside its target (`.NAME.XXXXXX.tgseal-tmp`) and renamed only
//! when complete. This module names them, keeps a list of the ones this
//! process holds, so that a signal handler can remove them all before the
//! process exits ([`remove_all`]), and removes the ones a killed process
//! left behind ([`clean_stale`]).
//!
//! A live temporary is locked (an advisory lock on its open file, released
//! by the system when its process ends, however it ends): a temporary that
//! can be locked, and that shares its name prefix with no locked one (the
//! parts of one split file do), belongs to no running tgseal and is stale.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The suffix of every temporary tgseal creates.
pub const TEMP_SUFFIX: &str = ".tgseal-tmp";

/// How old an unlocked temporary must be to count as stale.
const MIN_STALE_AGE: std::time::Duration = std::time::Duration::from_secs(10);

/// The temporaries this process holds (files, or folders being extracted).
static LIVE: Mutex<BTreeMap<PathBuf, usize>> = Mutex::new(BTreeMap::new());
/// The folders already cleaned of stale temporaries by this process.
static CLEANED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A temporary listed for [`remove_all`] while this guard lives.
#[derive(Debug)]
pub(crate) struct Listed(PathBuf);

impl Listed {
    /// Lists `path` (a temporary just created).
    pub(crate) fn new(path: &Path) -> Listed {
        *lock(&LIVE).entry(path.to_path_buf()).or_default() += 1;
        Listed(path.to_path_buf())
    }
}

impl Drop for Listed {
    fn drop(&mut self) {
        let mut live = lock(&LIVE);
        if let Some(count) = live.get_mut(&self.0) {
            *count -= 1;
            if *count == 0 {
                live.remove(&self.0);
            }
        }
    }
}

/// Marks the temporary at `path`, open as `file`, as live: locked for as
/// long as `file` stays open (or until the process ends), and listed for
/// [`remove_all`] for as long as the returned guard lives. A file system
/// without locks only loses the stale-temporary cleanup.
pub(crate) fn hold(file: &File, path: &Path) -> Listed {
    let _ = file.try_lock();
    Listed::new(path)
}

/// Removes every temporary this process holds, for a process about to end
/// on a signal while its work is still running (a thread blocked in a key
/// derivation or a read cannot unwind in time). Outputs already renamed
/// into place are not temporaries any more and stay.
pub fn remove_all() {
    let live = lock(&LIVE);
    for path in live.keys() {
        if std::fs::remove_file(path).is_err() {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

/// Removes, once per process and folder, the temporaries that a tgseal
/// killed in `dir` left behind (SIGKILL, a power cut: nothing runs then).
/// Temporaries of tgseal processes still running are locked and kept.
pub(crate) fn clean_stale(dir: &Path) {
    let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if !lock(&CLEANED).get_or_insert_with(HashSet::new).insert(key) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // Name prefix (`.NAME.`) → (stale temporaries, whether one is live).
    let mut groups: BTreeMap<String, (Vec<PathBuf>, bool)> = BTreeMap::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(prefix) = name.to_str().and_then(temp_name_prefix) else {
            continue;
        };
        let path = entry.path();
        let group = groups.entry(prefix.to_owned()).or_default();
        // A temporary created a moment ago may not be locked yet.
        let recent = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .is_ok_and(|modified| modified.elapsed().unwrap_or_default() < MIN_STALE_AGE);
        match File::open(&path).map(|file| file.try_lock().is_ok()) {
            _ if recent => group.1 = true,
            Ok(true) => group.0.push(path),
            // Locked: a running tgseal writes it.
            Ok(false) => group.1 = true,
            // Not ours to judge (no permission, gone meanwhile).
            Err(_) => {}
        }
    }
    for (stale, live) in groups.into_values() {
        if live {
            continue;
        }
        for path in stale {
            if path.is_dir() {
                let _ = std::fs::remove_dir_all(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// `.NAME.` for a temporary named `.NAME.XXXXXX.tgseal-tmp`, else `None`.
fn temp_name_prefix(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(TEMP_SUFFIX)?;
    let (prefix, random) = stem.rsplit_once('.')?;
    (prefix.starts_with('.') && prefix.len() > 1 && !random.is_empty())
        .then_some(&name[..prefix.len() + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tgseal_temporaries_are_recognised() {
        assert_eq!(
            temp_name_prefix(".a.txt.Xy12Ab.tgseal-tmp"),
            Some(".a.txt.")
        );
        assert_eq!(temp_name_prefix(".a.txt.Xy12Ab.tmp"), None);
        assert_eq!(temp_name_prefix("a.txt.Xy12Ab.tgseal-tmp"), None);
        assert_eq!(temp_name_prefix("..tgseal-tmp"), None);
    }
}
