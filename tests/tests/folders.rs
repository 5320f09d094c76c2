//! Folders: sealed as one file (a tar stream inside the ciphertext), restored
//! atomically, and hostile archives refused with nothing written outside the
//! destination and nothing left in it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;
use tgseal_core::{ContentKind, EncryptOptions, Metadata};
use tgseal_e2e::sealing::{self, TINY_KDF};
use tgseal_e2e::{PASS, assert_empty, assert_fails, decrypt, encrypt, entries};

fn make_tree(root: &Path) {
    std::fs::create_dir_all(root.join("notes/sub/deeper")).unwrap();
    std::fs::create_dir_all(root.join("notes/empty")).unwrap();
    std::fs::write(root.join("notes/a.txt"), b"alpha").unwrap();
    std::fs::write(root.join("notes/sub/deeper/b.bin"), vec![9u8; 700_000]).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("../a.txt", root.join("notes/sub/to_a")).unwrap();
}

#[test]
fn a_folder_is_sealed_as_one_file_and_restored_under_its_name() {
    let dir = tempfile::tempdir().unwrap();
    make_tree(dir.path());
    encrypt(dir.path(), &["notes/"]).assert().success();
    assert!(dir.path().join("notes.tgseal").is_file());
    decrypt(dir.path(), &["notes.tgseal", "-O", "out"])
        .assert()
        .success();
    let out = dir.path().join("out");
    assert_eq!(entries(&out), ["notes"]);
    assert_eq!(std::fs::read(out.join("notes/a.txt")).unwrap(), b"alpha");
    assert_eq!(
        std::fs::read(out.join("notes/sub/deeper/b.bin")).unwrap(),
        vec![9u8; 700_000]
    );
    assert!(out.join("notes/empty").is_dir());
    #[cfg(unix)]
    assert_eq!(
        std::fs::read_link(out.join("notes/sub/to_a")).unwrap(),
        Path::new("../a.txt")
    );
}

#[test]
fn a_restored_folder_does_not_replace_an_existing_one_without_force() {
    let dir = tempfile::tempdir().unwrap();
    make_tree(dir.path());
    encrypt(dir.path(), &["notes"]).assert().success();
    assert_fails(
        &mut decrypt(dir.path(), &["notes.tgseal"]),
        1,
        "already exists",
    );
    assert_eq!(entries(dir.path()), ["notes", "notes.tgseal"]);
    std::fs::write(dir.path().join("notes/a.txt"), b"changed").unwrap();
    decrypt(dir.path(), &["notes.tgseal", "--force"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(dir.path().join("notes/a.txt")).unwrap(),
        b"alpha"
    );
    assert_eq!(entries(dir.path()), ["notes", "notes.tgseal"]);
}

#[test]
fn a_damaged_sealed_folder_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    make_tree(dir.path());
    encrypt(dir.path(), &["notes", "-o", "n.tgseal"])
        .assert()
        .success();
    let sealed = std::fs::read(dir.path().join("n.tgseal")).unwrap();
    // Truncated after the first chunk, and one bit flipped in the last chunk.
    std::fs::write(dir.path().join("cut.tgseal"), &sealed[..sealed.len() / 2]).unwrap();
    let mut flipped = sealed.clone();
    let last = flipped.len() - 20;
    flipped[last] ^= 1;
    std::fs::write(dir.path().join("flip.tgseal"), &flipped).unwrap();
    for name in ["cut.tgseal", "flip.tgseal"] {
        let out = dir.path().join(format!("out-{name}"));
        decrypt(dir.path(), &[name, "-O", out.to_str().unwrap()])
            .assert()
            .code(3);
        assert_empty(&out);
    }
}

#[test]
fn devices_and_fifos_in_a_folder_are_skipped_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    make_tree(dir.path());
    let fifo = dir.path().join("notes/pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here
    }
    encrypt(dir.path(), &["notes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("skipped").and(predicate::str::contains("pipe")));
    decrypt(dir.path(), &["notes.tgseal", "-O", "out"])
        .assert()
        .success();
    assert!(!dir.path().join("out/notes/pipe").exists());
    assert!(dir.path().join("out/notes/a.txt").is_file());
}

// ---- hostile archives -------------------------------------------------------

/// One raw tar entry; `name` and `link` are written byte for byte, without the
/// checks the tar crate's builder would apply.
struct Raw<'a> {
    name: &'a str,
    kind: tar::EntryType,
    link: &'a str,
    data: &'a [u8],
}

fn file<'a>(name: &'a str, data: &'a [u8]) -> Raw<'a> {
    Raw {
        name,
        kind: tar::EntryType::Regular,
        link: "",
        data,
    }
}

fn dir_entry(name: &str) -> Raw<'_> {
    Raw {
        name,
        kind: tar::EntryType::Directory,
        link: "",
        data: b"",
    }
}

fn link<'a>(name: &'a str, kind: tar::EntryType, target: &'a str) -> Raw<'a> {
    Raw {
        name,
        kind,
        link: target,
        data: b"",
    }
}

fn raw_tar(entries: &[Raw<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for e in entries {
        let mut header = tar::Header::new_old();
        let old = header.as_old_mut();
        old.name[..e.name.len()].copy_from_slice(e.name.as_bytes());
        old.linkname[..e.link.len()].copy_from_slice(e.link.as_bytes());
        header.set_entry_type(e.kind);
        header.set_mode(if e.kind.is_dir() { 0o755 } else { 0o644 });
        header.set_size(e.data.len() as u64);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        builder.append(&header, e.data).unwrap();
    }
    builder.into_inner().unwrap()
}

/// Seals `archive` as a folder named `name` with the core API (as a hostile
/// sender could), into `path`.
fn seal_folder(archive: &[u8], name: &str, path: &Path) {
    let metadata = Metadata {
        kind: ContentKind::Folder,
        name: name.into(),
        content_len: Some(archive.len() as u64),
        padding_len: 0,
        modified: None,
    };
    let master = sealing::master(PASS, TINY_KDF);
    let sealed = sealing::seal(&master, &metadata, archive, &EncryptOptions::default());
    std::fs::write(path, sealed).unwrap();
}

/// Decrypts a hostile archive into `work/dest/`: it must fail with
/// `unsafe_archive`, leave `dest` empty and write nothing elsewhere in `work`.
fn refused(entries_: &[Raw<'_>]) {
    let work = tempfile::tempdir().unwrap();
    let sealed_dir = tempfile::tempdir().unwrap();
    let sealed = sealed_dir.path().join("evil.tgseal");
    seal_folder(&raw_tar(entries_), "evil", &sealed);
    std::fs::create_dir(work.path().join("dest")).unwrap();
    let assert = assert_fails(
        &mut decrypt(
            work.path(),
            &[sealed.to_str().unwrap(), "-O", "dest", "--json"],
        ),
        1,
        "refused to extract the folder",
    );
    let record: Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("one JSON record");
    assert_eq!(record["status"], "error");
    assert_eq!(record["error_kind"], "unsafe_archive");
    assert_empty(&work.path().join("dest"));
    assert_eq!(
        entries(work.path()),
        ["dest"],
        "written beside the destination"
    );
    assert_eq!(entries(sealed_dir.path()), ["evil.tgseal"]);
}

#[test]
fn an_absolute_path_is_refused() {
    let victim = tempfile::tempdir().unwrap();
    let target = victim.path().join("pwned.txt");
    refused(&[
        file("ok.txt", b"fine"),
        file(target.to_str().unwrap(), b"pwned"),
    ]);
    assert!(!target.exists());
}

#[test]
fn dot_dot_is_refused() {
    refused(&[file("ok.txt", b"fine"), file("../pwned.txt", b"pwned")]);
    refused(&[file("a/../../pwned.txt", b"pwned")]);
}

#[test]
fn a_symlink_pointing_outside_is_refused() {
    refused(&[link("out", tar::EntryType::Symlink, "../..")]);
    refused(&[link("abs", tar::EntryType::Symlink, "/etc")]);
}

#[test]
fn writing_through_a_symlink_is_refused() {
    let victim = tempfile::tempdir().unwrap();
    let target = victim.path().to_str().unwrap().to_owned();
    // Even a link that looks harmless is never written through.
    refused(&[
        dir_entry("sub/"),
        link("s", tar::EntryType::Symlink, "sub"),
        file("s/f.txt", b"x"),
    ]);
    // The classic: a link to elsewhere, then a file "inside" it.
    refused(&[
        link("esc", tar::EntryType::Symlink, &target),
        file("esc/pwned.txt", b"pwned"),
    ]);
    assert_empty(victim.path());
}

#[test]
fn a_chain_of_harmless_looking_symlinks_that_escapes_is_refused() {
    // x -> . and d/y -> ../x/.. : each stays inside on paper, together they
    // lead to the destination's parent.
    refused(&[
        link("x", tar::EntryType::Symlink, "."),
        dir_entry("d/"),
        link("d/y", tar::EntryType::Symlink, "../x/.."),
    ]);
}

#[test]
fn a_hard_link_pointing_outside_is_refused() {
    refused(&[link("h", tar::EntryType::Link, "../outside.txt")]);
    refused(&[link("h", tar::EntryType::Link, "/etc/passwd")]);
    // A hard link through a symlink to a file elsewhere.
    let victim = tempfile::tempdir().unwrap();
    std::fs::write(victim.path().join("secret"), b"s").unwrap();
    refused(&[
        link(
            "v",
            tar::EntryType::Symlink,
            victim.path().to_str().unwrap(),
        ),
        link("h", tar::EntryType::Link, "v/secret"),
    ]);
}

#[test]
fn a_hand_built_safe_archive_with_a_hard_link_is_extracted() {
    let work = tempfile::tempdir().unwrap();
    let sealed = work.path().join("ok.tgseal");
    seal_folder(
        &raw_tar(&[
            dir_entry("./"),
            file("a.txt", b"alpha"),
            dir_entry("d/"),
            link("d/same", tar::EntryType::Link, "a.txt"),
            link("d/up", tar::EntryType::Symlink, "../a.txt"),
            // A later entry of the same name replaces the earlier one (as tar does).
            link("dup", tar::EntryType::Symlink, "a.txt"),
            file("dup", b"second"),
        ]),
        "fine",
        &sealed,
    );
    decrypt(work.path(), &["ok.tgseal"]).assert().success();
    assert_eq!(
        std::fs::read(work.path().join("fine/d/same")).unwrap(),
        b"alpha"
    );
    assert_eq!(
        std::fs::read(work.path().join("fine/d/up")).unwrap(),
        b"alpha"
    );
    let dup = work.path().join("fine/dup");
    assert!(dup.symlink_metadata().unwrap().is_file());
    assert_eq!(std::fs::read(dup).unwrap(), b"second");
}

/// The folder being extracted is owner only while it fills: its entries
/// have not all verified yet. An archive without a `.` entry leaves it so
/// (with umask 022 it was 0755 before).
#[cfg(unix)]
#[test]
fn a_folder_is_owner_only_while_it_is_extracted() {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    seal_folder(
        &raw_tar(&[file("a.txt", b"alpha")]),
        "noroot",
        &work.path().join("noroot.tgseal"),
    );
    decrypt(work.path(), &["noroot.tgseal"]).assert().success();
    let restored = work.path().join("noroot");
    assert_eq!(std::fs::read(restored.join("a.txt")).unwrap(), b"alpha");
    let mode = restored.metadata().unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{mode:o}");
}

// ---- names chosen by the sender (#13 items 1, 2) ------------------------------

/// What an entry name can do to a terminal: retitle it, erase the line and
/// print a fake success.
const TERMINAL_ATTACK: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2K\r\u{1b}[32mopened OK\u{1b}[0m";

/// Whether `bytes` hold nothing a terminal would obey or reorder (but the
/// line feeds that end lines).
fn shows_safely(bytes: &[u8]) -> bool {
    !String::from_utf8_lossy(bytes)
        .chars()
        .any(|c| c != '\n' && tgseal_core::untrusted::is_hidden(c))
}

#[test]
fn entry_names_with_terminal_escapes_are_shown_escaped() {
    let work = tempfile::tempdir().unwrap();
    // Skipped (a FIFO entry): named in a note.
    let fifo = Raw {
        name: TERMINAL_ATTACK,
        kind: tar::EntryType::Fifo,
        link: "",
        data: b"",
    };
    seal_folder(
        &raw_tar(&[file("a.txt", b"alpha"), fifo]),
        "notes",
        &work.path().join("skip.tgseal"),
    );
    // Refused (`..`): named in the error.
    let escaping = format!("../{TERMINAL_ATTACK}");
    seal_folder(
        &raw_tar(&[file(&escaping, b"x")]),
        "evil",
        &work.path().join("refuse.tgseal"),
    );
    for (sealed, code) in [("skip.tgseal", 0), ("refuse.tgseal", 1)] {
        for json in [false, true] {
            let out = format!("out-{sealed}-{json}");
            let mut args = vec![sealed, "-O", &out];
            if json {
                args.push("--json");
            }
            let assert = decrypt(work.path(), &args).assert().code(code);
            let output = assert.get_output();
            for stream in [&output.stderr, &output.stdout] {
                assert!(
                    shows_safely(stream),
                    "{sealed}: {:?}",
                    String::from_utf8_lossy(stream)
                );
            }
            let shown = String::from_utf8_lossy(if json { &output.stdout } else { &output.stderr })
                .into_owned();
            assert!(
                shown.contains("PWNED"),
                "{sealed}: the name is shown: {shown}"
            );
        }
    }
}

#[test]
fn a_stored_name_loses_its_bidi_controls() {
    // "invoice" RLO "gpj.exe" displays as "invoiceexe.jpg".
    let work = tempfile::tempdir().unwrap();
    let metadata = Metadata::file("invoice\u{202e}gpj.exe", Some(2), None);
    let master = sealing::master(PASS, TINY_KDF);
    let sealed = sealing::seal(&master, &metadata, b"MZ", &EncryptOptions::default());
    std::fs::write(work.path().join("invoice.tgseal"), sealed).unwrap();
    let assert = decrypt(work.path(), &["invoice.tgseal", "-O", "out", "--json"])
        .assert()
        .success();
    assert_eq!(entries(&work.path().join("out")), ["invoicegpj.exe"]);
    let output = assert.get_output();
    assert!(shows_safely(&output.stderr) && shows_safely(&output.stdout));
}

#[test]
fn a_stored_name_too_long_for_the_file_system_is_shortened_and_said() {
    // 304 bytes: FORMAT.md allows 1024, Linux 255 ("File name too long").
    let long = format!("{}.pdf", "\u{436}".repeat(150));
    let work = tempfile::tempdir().unwrap();
    let metadata = Metadata::file(long.as_str(), Some(4), None);
    let master = sealing::master(PASS, TINY_KDF);
    let sealed = sealing::seal(&master, &metadata, b"%PDF", &EncryptOptions::default());
    std::fs::write(work.path().join("long.tgseal"), sealed).unwrap();
    decrypt(work.path(), &["long.tgseal", "-O", "out"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("304 bytes long").and(predicate::str::contains("shortened")),
        );
    let restored = format!("{}.pdf", "\u{436}".repeat(125));
    assert_eq!(
        entries(&work.path().join("out")),
        std::slice::from_ref(&restored)
    );
    assert_eq!(
        std::fs::read(work.path().join("out").join(&restored)).unwrap(),
        b"%PDF"
    );
}

// ---- outputs that would replace an input or each other (#13 item 4) ----------

/// `name` sealed (with the core, as a hostile sender could) to store
/// `stored`, holding `content`, at `dir/name`.
fn seal_storing(dir: &Path, name: &str, stored: &str, content: &[u8]) {
    let metadata = Metadata::file(stored, Some(content.len() as u64), None);
    let master = sealing::master(PASS, TINY_KDF);
    let sealed = sealing::seal(&master, &metadata, content, &EncryptOptions::default());
    std::fs::write(dir.join(name), sealed).unwrap();
}

#[test]
fn a_stored_name_that_is_the_sealed_file_itself_is_refused_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    seal_storing(dir.path(), "report.tgseal", "report.tgseal", b"plain");
    let before = std::fs::read(dir.path().join("report.tgseal")).unwrap();
    let assert = decrypt(dir.path(), &["report.tgseal", "--force", "--json"])
        .assert()
        .code(1);
    let record: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(record["error_kind"], "output_is_input");
    assert_eq!(
        std::fs::read(dir.path().join("report.tgseal")).unwrap(),
        before
    );
    assert_eq!(entries(dir.path()), ["report.tgseal"]);
}

#[test]
fn a_stored_name_that_is_another_input_of_the_call_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    seal_storing(dir.path(), "a.tgseal", "b.tgseal", b"from a");
    seal_storing(dir.path(), "b.tgseal", "b.txt", b"from b");
    let b_before = std::fs::read(dir.path().join("b.tgseal")).unwrap();
    decrypt(dir.path(), &["a.tgseal", "b.tgseal", "--force", "-j", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a file this call reads"));
    assert_eq!(
        std::fs::read(dir.path().join("b.tgseal")).unwrap(),
        b_before
    );
    assert_eq!(std::fs::read(dir.path().join("b.txt")).unwrap(), b"from b");
}

#[test]
fn two_inputs_storing_one_name_get_distinct_outputs_and_a_note() {
    let dir = tempfile::tempdir().unwrap();
    seal_storing(dir.path(), "first.tgseal", "report.pdf", b"first");
    seal_storing(dir.path(), "second.tgseal", "report.pdf", b"second");
    let assert = decrypt(
        dir.path(),
        &[
            "first.tgseal",
            "second.tgseal",
            "-O",
            "out",
            "--force",
            "-j",
            "1",
            "--json",
        ],
    )
    .assert()
    .success();
    let out = dir.path().join("out");
    assert_eq!(entries(&out), ["report (2).pdf", "report.pdf"]);
    let mut contents = [
        std::fs::read(out.join("report.pdf")).unwrap(),
        std::fs::read(out.join("report (2).pdf")).unwrap(),
    ];
    contents.sort();
    assert_eq!(contents, [b"first".to_vec(), b"second".to_vec()]);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("another input of this call is restored as"),
        "{stdout}"
    );
}
