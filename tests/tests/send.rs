//! `tgseal encrypt --send`: the sealed files go to Telegram Desktop's share
//! dialog (`-sendpath FILE…`), only after every input was sealed. A fake
//! `telegram-desktop` on PATH records what it was given.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use tgseal_e2e::{assert_fails, encrypt, entries, fake_telegram, telegram_args};

/// `tgseal encrypt --send` with only `path` on PATH and a private home (no
/// Telegram Desktop in the usual folders or as a Flatpak).
fn encrypt_and_send(dir: &Path, path: &Path, args: &[&str]) -> Command {
    let mut cmd = encrypt(dir, &["--send"]);
    cmd.args(args)
        .env("PATH", path)
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home/.local/share"))
        .env_remove("TGSEAL_TELEGRAM");
    cmd
}

#[test]
fn send_hands_every_sealed_file_to_telegram_desktop() {
    let dir = tempfile::tempdir().unwrap();
    let (bin, record) = fake_telegram(dir.path());
    std::fs::write(dir.path().join("a.txt"), b"first").unwrap();
    std::fs::write(dir.path().join("b.bin"), vec![7u8; 150_000]).unwrap();

    encrypt_and_send(
        dir.path(),
        &bin,
        &["a.txt", "b.bin", "--split", "100K", "-j", "1"],
    )
    .assert()
    .success()
    .stderr(predicates::str::contains("to Telegram Desktop"));

    let sealed = |name: &str| dir.path().join(name).display().to_string();
    assert_eq!(
        telegram_args(&record),
        [
            "-sendpath".to_owned(),
            sealed("a.txt.tgseal.001"),
            sealed("b.bin.tgseal.001"),
            sealed("b.bin.tgseal.002"),
        ]
    );
}

#[test]
fn nothing_is_handed_over_after_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let (bin, record) = fake_telegram(dir.path());
    std::fs::write(dir.path().join("a.txt"), b"first").unwrap();
    std::fs::write(dir.path().join("b.txt"), b"second").unwrap();
    std::fs::write(dir.path().join("b.txt.tgseal"), b"precious").unwrap();

    assert_fails(
        &mut encrypt_and_send(dir.path(), &bin, &["a.txt", "b.txt"]),
        1,
        "nothing was handed to Telegram Desktop",
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(!record.exists(), "Telegram Desktop must not be started");
    assert_eq!(
        std::fs::read(dir.path().join("b.txt.tgseal")).unwrap(),
        b"precious"
    );
}

#[test]
fn without_telegram_desktop_nothing_is_sealed_and_the_reason_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty-bin");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(dir.path().join("a.txt"), b"first").unwrap();

    assert_fails(
        &mut encrypt_and_send(dir.path(), &empty, &["a.txt"]),
        1,
        "Telegram Desktop was not found",
    );
    assert_eq!(entries(dir.path()), ["a.txt", "empty-bin"]);
}

#[test]
fn an_existing_output_is_refused_before_the_passphrase_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), b"new").unwrap();
    std::fs::write(dir.path().join("a.txt.tgseal"), b"precious").unwrap();
    // No passphrase anywhere: had tgseal asked for one, it would fail on that.
    let mut cmd = encrypt(dir.path(), &["a.txt"]);
    cmd.env_remove("TGSEAL_PASSPHRASE");
    assert_fails(&mut cmd, 1, "already exists");
    let folder = dir.path().join("docs");
    std::fs::create_dir(&folder).unwrap();
    let mut cmd = encrypt(dir.path(), &["docs", "--pad"]);
    cmd.env_remove("TGSEAL_PASSPHRASE");
    assert_fails(&mut cmd, 1, "cannot pad");
}
