//! Many inputs in one call: per-input results, JSON Lines, exit codes, one KDF
//! per batch, --each, --fail-fast, pipes, completions and the man page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use predicates::prelude::*;
use tgseal_e2e::{
    CHEAP_KDF, PASS, assert_decrypts, assert_empty, assert_fails, assert_prints, decrypt, encrypt,
    encrypt_process, entries, interrupt, json_lines, record, success_stdout, tgseal, wait_until,
};

fn mixed_inputs(root: &Path) {
    std::fs::write(root.join("a.txt"), b"alpha").unwrap();
    std::fs::write(root.join("b.bin"), vec![3u8; 600_000]).unwrap();
    std::fs::create_dir_all(root.join("notes/sub")).unwrap();
    std::fs::write(root.join("notes/n1.txt"), b"one").unwrap();
    std::fs::write(root.join("notes/sub/n2.txt"), b"two").unwrap();
    // Unreadable even as root: a dangling symbolic link.
    #[cfg(unix)]
    std::os::unix::fs::symlink("does-not-exist", root.join("dangling")).unwrap();
    #[cfg(not(unix))]
    let _ = ();
}

/// The salt of a sealed file (FORMAT.md §2.2, bytes 20..36).
fn salt(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()[20..36].to_vec()
}

#[test]
fn a_mixed_batch_reports_each_input_and_the_failures_do_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    mixed_inputs(dir.path());
    let assert = assert_fails(
        &mut encrypt(
            dir.path(),
            &[
                "a.txt",
                "b.bin",
                "notes",
                "dangling",
                "missing.txt",
                "-O",
                "sealed",
                "--json",
            ],
        ),
        1,
        "sealed 3 of 5 inputs; 2 failed",
    )
    .stderr(predicate::str::contains("failed: missing.txt"));
    let records = json_lines(&assert.get_output().stdout);
    assert_eq!(records.len(), 5);
    for ok in ["a.txt", "b.bin", "notes"] {
        let r = record(&records, ok);
        assert_eq!(r["status"], "ok", "{r}");
        assert_eq!(r["operation"], "encrypt");
        assert!(r["error_kind"].is_null());
        assert!(r["bytes_out"].as_u64().unwrap() > r["bytes_in"].as_u64().unwrap());
    }
    assert_eq!(record(&records, "b.bin")["bytes_in"], 600_000);
    assert_eq!(record(&records, "notes")["output"], "sealed/notes.tgseal");
    for bad in ["dangling", "missing.txt"] {
        let r = record(&records, bad);
        assert_eq!(r["status"], "error");
        assert_eq!(r["error_kind"], "io");
        assert!(r["output"].is_null());
        assert!(r["message"].as_str().unwrap().contains("No such file"));
    }
    assert_eq!(
        entries(&dir.path().join("sealed")),
        ["a.txt.tgseal", "b.bin.tgseal", "notes.tgseal"]
    );

    // One sealed file tampered with: exit 3, the others are opened.
    let b = dir.path().join("sealed/b.bin.tgseal");
    let mut bytes = std::fs::read(&b).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&b, bytes).unwrap();
    let assert = decrypt(
        dir.path(),
        &[
            "sealed/a.txt.tgseal",
            "sealed/b.bin.tgseal",
            "sealed/notes.tgseal",
            "-O",
            "out",
            "--json",
        ],
    )
    .assert()
    .code(3);
    let records = json_lines(&assert.get_output().stdout);
    assert_eq!(records.len(), 3);
    assert_eq!(
        record(&records, "sealed/b.bin.tgseal")["error_kind"],
        "tampered"
    );
    assert_eq!(record(&records, "sealed/a.txt.tgseal")["status"], "ok");
    assert_eq!(
        record(&records, "sealed/a.txt.tgseal")["output"],
        "out/a.txt"
    );
    assert_eq!(entries(&dir.path().join("out")), ["a.txt", "notes"]);
    assert_eq!(
        std::fs::read(dir.path().join("out/notes/sub/n2.txt")).unwrap(),
        b"two"
    );
}

#[test]
fn authentication_and_other_failures_together_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), b"alpha").unwrap();
    encrypt(dir.path(), &["a.txt"]).assert().success();
    let sealed = dir.path().join("a.txt.tgseal");
    let bytes = std::fs::read(&sealed).unwrap();
    std::fs::write(dir.path().join("cut.tgseal"), &bytes[..bytes.len() - 1]).unwrap();
    decrypt(dir.path(), &["cut.tgseal", "-O", "o1"])
        .assert()
        .code(3);
    decrypt(dir.path(), &["cut.tgseal", "nope.tgseal", "-O", "o2"])
        .assert()
        .code(1);
}

#[test]
fn one_kdf_per_batch_unless_asked_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(dir.path().join(name), name).unwrap();
    }
    encrypt(dir.path(), &["a", "b", "c", "-O", "one"])
        .assert()
        .success();
    let one = dir.path().join("one");
    assert_eq!(salt(&one.join("a.tgseal")), salt(&one.join("b.tgseal")));
    assert_eq!(salt(&one.join("a.tgseal")), salt(&one.join("c.tgseal")));
    // Same salt, but every file has its own seed, hence its own keys.
    let seed = |p: &Path| std::fs::read(p).unwrap()[52..84].to_vec();
    assert_ne!(seed(&one.join("a.tgseal")), seed(&one.join("b.tgseal")));

    encrypt(dir.path(), &["a", "b", "c", "-O", "each", "--kdf-per-file"])
        .assert()
        .success();
    let each = dir.path().join("each");
    assert_ne!(salt(&each.join("a.tgseal")), salt(&each.join("b.tgseal")));
    assert_ne!(salt(&each.join("b.tgseal")), salt(&each.join("c.tgseal")));

    // Both kinds open together, in parallel.
    decrypt(
        dir.path(),
        &[
            "one/a.tgseal",
            "one/b.tgseal",
            "each/c.tgseal",
            "-O",
            "out",
            "-j",
            "3",
        ],
    )
    .assert()
    .success();
    assert_eq!(entries(&dir.path().join("out")), ["a", "b", "c"]);
}

#[test]
fn files_needing_another_passphrase_fail_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine"), b"1").unwrap();
    std::fs::write(dir.path().join("theirs"), b"2").unwrap();
    encrypt(dir.path(), &["mine"]).assert().success();
    encrypt(dir.path(), &["theirs"])
        .env("TGSEAL_PASSPHRASE", "another passphrase")
        .assert()
        .success();
    std::fs::remove_file(dir.path().join("mine")).unwrap();
    std::fs::remove_file(dir.path().join("theirs")).unwrap();
    let assert = assert_fails(
        &mut decrypt(dir.path(), &["mine.tgseal", "theirs.tgseal", "--json"]),
        3,
        "theirs.tgseal: wrong passphrase",
    );
    let records = json_lines(&assert.get_output().stdout);
    assert_eq!(record(&records, "mine.tgseal")["status"], "ok");
    assert_eq!(
        record(&records, "theirs.tgseal")["error_kind"],
        "wrong_passphrase"
    );
    assert_eq!(std::fs::read(dir.path().join("mine")).unwrap(), b"1");
    assert!(!dir.path().join("theirs").exists());
}

#[test]
fn each_seals_every_file_separately_mirroring_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    mixed_inputs(dir.path());
    encrypt(dir.path(), &["--each", "notes", "-O", "mirror"])
        .assert()
        .success();
    let mirror = dir.path().join("mirror");
    assert_eq!(entries(&mirror), ["n1.txt.tgseal", "sub"]);
    assert_eq!(entries(&mirror.join("sub")), ["n2.txt.tgseal"]);
    assert_decrypts(
        dir.path(),
        &["mirror/sub/n2.txt.tgseal", "-O", "back"],
        "back/n2.txt",
        b"two",
    );
    // Without -O, beside each file.
    encrypt(dir.path(), &["--each", "notes"]).assert().success();
    assert!(dir.path().join("notes/sub/n2.txt.tgseal").is_file());
}

#[test]
fn fail_fast_stops_starting_new_inputs() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["b", "c", "d"] {
        std::fs::write(dir.path().join(name), name).unwrap();
    }
    let assert = assert_fails(
        &mut encrypt(
            dir.path(),
            &[
                "missing",
                "b",
                "c",
                "d",
                "-O",
                "out",
                "-j",
                "1",
                "--fail-fast",
                "--json",
            ],
        ),
        1,
        "not attempted",
    );
    let records = json_lines(&assert.get_output().stdout);
    assert_eq!(records.len(), 4);
    assert_eq!(record(&records, "missing")["status"], "error");
    let skipped = records.iter().filter(|r| r["status"] == "skipped").count();
    assert_eq!(skipped, 3, "{records:?}");
    assert_empty(&dir.path().join("out"));
}

#[test]
fn quiet_prints_nothing_but_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), b"a").unwrap();
    std::fs::write(dir.path().join("b"), b"b").unwrap();
    encrypt(dir.path(), &["a", "b", "-q"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty())
        .stdout(predicate::str::is_empty());
    assert_fails(
        &mut encrypt(dir.path(), &["a", "nope", "-q", "-O", "x"]),
        1,
        "nope",
    );
}

#[test]
fn tar_pipes_through_encrypt_and_decrypt_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    mixed_inputs(dir.path());
    std::fs::write(dir.path().join("key.txt"), format!("{PASS}\n")).unwrap();
    let mut archive = tar::Builder::new(Vec::new());
    archive
        .append_dir_all("notes", dir.path().join("notes"))
        .unwrap();
    let archive = archive.into_inner().unwrap();
    let sealed = success_stdout(
        tgseal(dir.path())
            .env_remove("TGSEAL_PASSPHRASE")
            .args(["encrypt", "--kdf-params", CHEAP_KDF, "-", "-o", "-"])
            .args(["--passphrase-file", "key.txt", "-q"])
            .write_stdin(archive.clone()),
    );
    assert!(sealed.starts_with(b"tgseal"));
    let opened = success_stdout(
        tgseal(dir.path())
            .env_remove("TGSEAL_PASSPHRASE")
            .args(["decrypt", "-", "-o", "-"])
            .args(["--passphrase-file", "key.txt", "-q"])
            .write_stdin(sealed),
    );
    assert_eq!(opened, archive);

    // A sealed folder decrypted to standard output is its tar stream.
    encrypt(dir.path(), &["notes", "-o", "n.tgseal"])
        .assert()
        .success();
    let tar_out = success_stdout(&mut decrypt(dir.path(), &["n.tgseal", "-o", "-", "-q"]));
    let names: Vec<String> = tar::Archive::new(&tar_out[..])
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect();
    assert!(names.contains(&"sub/n2.txt".to_owned()), "{names:?}");
}

#[test]
fn the_passphrase_cannot_come_from_stdin_when_the_data_does() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["encrypt", "decrypt"] {
        tgseal(dir.path())
            .env_remove("TGSEAL_PASSPHRASE")
            .args([cmd, "-", "-o", "-", "--passphrase-file", "-"])
            .write_stdin("data")
            .assert()
            .failure()
            .stderr(predicate::str::contains(
                "standard input cannot carry both the data and the passphrase",
            ));
    }
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert_prints(&["completions", shell], &["tgseal", "kdf-per-file"]);
    }
    tgseal(dir.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie").or(predicate::str::contains(".TH tgseal")))
        .stdout(predicate::str::contains("encrypt"));
    assert_prints(
        &["man", "encrypt"],
        &["tgseal\\-encrypt", "kdf\\-per\\-file"],
    );
    tgseal(dir.path()).args(["man", "nope"]).assert().code(2);
    tgseal(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn help_documents_batch_exit_codes_and_flags() {
    assert_prints(
        &["encrypt", "--help"],
        &[
            "--jobs",
            "--json",
            "--fail-fast",
            "--each",
            "in a batch: some inputs failed authentication",
        ],
    );
}

#[test]
fn interrupting_a_batch_exits_130_and_leaves_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..40u32 << 20).map(|i| (i >> 7) as u8).collect();
    let names = ["a.bin", "b.bin", "c.bin", "d.bin"];
    for name in names {
        std::fs::write(dir.path().join(name), &big).unwrap();
    }
    let child = encrypt_process(dir.path(), &["-j", "1", "--json"])
        .args(names)
        .args(["-O", "out"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first temporary output exists: work is under way.
    let out = dir.path().join("out");
    wait_until(400, Duration::from_millis(10), || {
        out.is_dir() && !entries(&out).is_empty()
    });
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    let records = json_lines(&output.stdout);
    if records.iter().all(|r| r["status"] == "ok") {
        return; // the machine finished everything before the signal landed
    }
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(records.len(), 4);
    assert!(
        records.iter().any(|r| r["error_kind"] == "cancelled"),
        "{records:?}"
    );
    // Finished outputs stay; nothing partial or temporary does.
    for name in entries(&out) {
        assert!(!name.starts_with('.'), "temporary file left: {name}");
        let sealed = std::fs::metadata(out.join(&name)).unwrap().len();
        assert!(sealed > big.len() as u64, "{name} is incomplete");
    }
    let ok = records.iter().filter(|r| r["status"] == "ok").count();
    assert_eq!(entries(&out).len(), ok);
}
