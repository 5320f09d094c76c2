//! A tiny helper layer over the real `tgseal` binary, shared by the e2e tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Cheap Argon2id parameters: tests exercise the format, not the KDF's cost.
pub const CHEAP_KDF: &str = "64,1,1";
/// The passphrase most tests use.
pub const PASS: &str = "correct horse battery staple";

/// `tgseal` with a clean environment, the passphrase in TGSEAL_PASSPHRASE and `dir` as cwd.
pub fn tgseal(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tgseal").unwrap();
    cmd.current_dir(dir)
        .env_remove("TGSEAL_PASSPHRASE")
        .env("TGSEAL_PASSPHRASE", PASS);
    cmd
}

/// `tgseal encrypt --kdf-params CHEAP_KDF` plus `args`.
pub fn encrypt(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = tgseal(dir);
    cmd.args(["encrypt", "--kdf-params", CHEAP_KDF]).args(args);
    cmd
}

/// `tgseal decrypt` plus `args`.
pub fn decrypt(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = tgseal(dir);
    cmd.arg("decrypt").args(args);
    cmd
}

/// A temporary folder with one file `name` holding `len` pseudo-random bytes.
pub fn folder_with_file(name: &str, len: usize) -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..len as u64)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let path = dir.path().join(name);
    std::fs::write(&path, &data).unwrap();
    (dir, path, data)
}

/// Every entry name in `dir`, sorted (hidden temporary files included).
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
