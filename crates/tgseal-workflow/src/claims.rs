//! The outputs of one call. A restored name is the sender's choice: a
//! sealed file may store the name of the very file it arrived as, or the
//! same name as another input of the call. With overwriting allowed, the
//! first would replace the input being read, the second the output just
//! written. So a call refuses an output that is one of its inputs, and gives
//! the second of two outputs of one name a distinct name, `report (2).pdf`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tgseal_core::{Error, Result};

/// What one call reads and has decided to write; shared by its jobs.
#[derive(Debug, Default)]
pub struct Claims {
    inputs: Vec<PathBuf>,
    outputs: Mutex<HashSet<PathBuf>>,
}

impl Claims {
    /// Claims for a call that reads `inputs` (files, parts, folders).
    pub fn reading<I: IntoIterator<Item = PathBuf>>(inputs: I) -> Self {
        Claims {
            inputs: inputs.into_iter().collect(),
            outputs: Mutex::new(HashSet::new()),
        }
    }

    /// Refuses `output` when it is a file this call reads: one of its inputs,
    /// or one of `own` (the files of the input being opened, e.g. its parts).
    pub(crate) fn refuse_input<'a>(
        &self,
        output: &Path,
        own: impl IntoIterator<Item = &'a Path>,
    ) -> Result<()> {
        let read = |input: &Path| same_file(output, input);
        if self.inputs.iter().any(|p| read(p)) || own.into_iter().any(read) {
            return Err(Error::OutputIsInput(output.to_path_buf()));
        }
        Ok(())
    }

    /// `output`, or the first `NAME (2).EXT`, `NAME (3).EXT`, … that no
    /// other job of this call has claimed; the path returned is claimed.
    pub(crate) fn claim(&self, output: &Path) -> PathBuf {
        let Ok(mut outputs) = self.outputs.lock() else {
            return output.to_path_buf();
        };
        let mut candidate = output.to_path_buf();
        for n in 2u32.. {
            if outputs.insert(key(&candidate)) {
                break;
            }
            candidate = numbered(output, n);
        }
        candidate
    }
}

/// A path compared as the file system would: its folder resolved.
fn key(path: &Path) -> PathBuf {
    let dir = crate::files::parent_dir(path);
    match (std::fs::canonicalize(dir), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// `report.pdf` → `report (N).pdf`; `notes` → `notes (N)`; `.profile` →
/// `.profile (N)`.
pub(crate) fn numbered(path: &Path, n: u32) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let renamed = match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    };
    path.with_file_name(renamed)
}

/// Whether `a` and `b` are one existing file (also through another name:
/// a link, `./x` and `x`).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_output_of_one_name_is_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let claims = Claims::default();
        let report = dir.path().join("report.pdf");
        assert_eq!(claims.claim(&report), report);
        assert_eq!(claims.claim(&report), dir.path().join("report (2).pdf"));
        // The same file named another way is the same claim.
        let other_way = dir.path().join(".").join("report.pdf");
        assert_eq!(
            claims.claim(&other_way),
            other_way.with_file_name("report (3).pdf")
        );
        assert_eq!(numbered(Path::new("notes"), 2), Path::new("notes (2)"));
        assert_eq!(
            numbered(Path::new(".profile"), 2),
            Path::new(".profile (2)")
        );
    }

    #[test]
    fn an_output_that_is_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("x.tgseal");
        std::fs::write(&input, b"sealed").unwrap();
        let claims = Claims::reading([input.clone()]);
        let same = dir.path().join(".").join("x.tgseal");
        assert!(matches!(
            claims.refuse_input(&same, []),
            Err(Error::OutputIsInput(_))
        ));
        let other = dir.path().join("y");
        assert!(claims.refuse_input(&other, []).is_ok());
        std::fs::write(&other, b"part").unwrap();
        assert!(
            Claims::default()
                .refuse_input(&other, [other.as_path()])
                .is_err()
        );
    }
}
