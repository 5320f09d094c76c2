//! Folder extraction (FORMAT.md §4.3): the input is a tar archive, sealed as
//! a folder and opened into a temporary folder two levels below a sandbox.
//! Whatever the archive holds, nothing may appear outside the target, and no
//! symbolic link in the extracted folder may lead out of it. Must never panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tgseal_core::{
    ChunkSize, ContentKind, Control, DecryptOptions, Decryptor, EncryptOptions, Metadata, encrypt,
};
use tgseal_workflow::folder::extract_sealed;

#[path = "common.rs"]
mod common;

/// Makes every folder below `dir` writable again (an archive may restore
/// read-only folders), so that the temporary folder can be removed.
fn open_up(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            open_up(&entry.path());
        }
    }
}

/// Every path below `dir`, without following links.
fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        out.push(path.clone());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&path, out);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (master, keyring) = common::sealing_keys();
    let metadata = Metadata {
        kind: ContentKind::Folder,
        name: "folder".into(),
        content_len: None,
        padding_len: 0,
        modified: None,
    };
    let mut sealed = Vec::new();
    encrypt(
        master,
        &metadata,
        &mut &data[..],
        &mut sealed,
        // One thread and the smallest chunks: the archive is what is fuzzed.
        &EncryptOptions::default()
            .with_threads(1)
            .with_chunk_size(ChunkSize::from_log2(16).expect("64 KiB")),
        &Control::new(),
    )
    .expect("sealed in memory");

    let sandbox = tempfile::tempdir().expect("a temporary folder");
    let root = sandbox.path().canonicalize().expect("a real path");
    let below = root.join("a").join("b");
    std::fs::create_dir_all(&below).expect("folders");
    let target = below.join("out");
    let decryptor = Decryptor::new(&sealed[..], keyring).expect("our own sealed file");
    let result = extract_sealed(
        decryptor,
        &target,
        false,
        &DecryptOptions::default().with_threads(1),
        &Control::new(),
    );

    open_up(&root);
    let mut found = Vec::new();
    walk(&root, &mut found);
    for path in &found {
        let allowed = path == &root.join("a") || path == &below || path.starts_with(&target);
        assert!(allowed, "extraction wrote outside its folder: {path:?}");
    }
    if result.is_err() {
        assert!(!target.exists(), "a failed extraction left its folder");
        let leftovers: Vec<_> = found
            .iter()
            .filter(|p| p.starts_with(&below) && *p != &below)
            .collect();
        assert!(
            leftovers.is_empty(),
            "a failed extraction left {leftovers:?}"
        );
        return;
    }
    for path in &found {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            if let Ok(real) = path.canonicalize() {
                assert!(
                    real.starts_with(&target),
                    "the link {path:?} leads out, to {real:?}"
                );
            }
        }
    }
});
