//! The `tgseal` binary: encrypt, decrypt, inspect, passphrase sources, exit codes,
//! and "nothing left behind".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use predicates::prelude::*;
// `tgseal_process` is used only by the Linux-only test (/dev/full).
#[cfg_attr(not(target_os = "linux"), allow(unused_imports))]
use tgseal_e2e::{
    PASS, assert_decrypts, assert_empty, assert_fails, assert_prints, decrypt, encrypt,
    encrypt_process, entries, folder_with_file, interrupt, success_stdout, tgseal, tgseal_bin,
    tgseal_process, wait_until,
};

#[test]
fn encrypt_then_decrypt_restores_name_and_bytes() {
    let (dir, _, data) = folder_with_file("report.pdf", 300_000);
    encrypt(dir.path(), &["report.pdf"]).assert().success();
    assert_eq!(entries(dir.path()), ["report.pdf", "report.pdf.tgseal"]);
    assert_decrypts(
        dir.path(),
        &["report.pdf.tgseal", "-O", "out"],
        "out/report.pdf",
        &data,
    );
}

#[test]
fn the_stored_name_wins_over_the_sealed_file_name() {
    let (dir, _, data) = folder_with_file("passport_scan.pdf", 10);
    encrypt(dir.path(), &["passport_scan.pdf", "-o", "x7.tgseal"])
        .assert()
        .success();
    std::fs::remove_file(dir.path().join("passport_scan.pdf")).unwrap();
    assert_decrypts(dir.path(), &["x7.tgseal"], "passport_scan.pdf", &data);
}

#[test]
fn inspect_needs_no_passphrase() {
    let (dir, _, _) = folder_with_file("a.txt", 5);
    encrypt(dir.path(), &["a.txt"]).assert().success();
    tgseal(dir.path())
        .env_remove("TGSEAL_PASSPHRASE")
        .args(["inspect", "a.txt.tgseal"])
        .assert()
        .success()
        .stdout(predicate::str::contains("tgseal version 1"))
        .stdout(predicate::str::contains(
            "Argon2id, 64 KiB memory, 1 passes, 1 lanes",
        ))
        .stdout(predicate::str::contains("chunk size:"));
}

#[test]
fn inspect_reads_parts_and_armor_and_names_a_folder() {
    let (dir, _, _) = folder_with_file("a.bin", 5000);
    encrypt(dir.path(), &["a.bin", "--split", "2K"])
        .assert()
        .success();
    encrypt(dir.path(), &["a.bin", "--armor"])
        .assert()
        .success();
    let inspect = |input: &str| {
        let out = tgseal(dir.path())
            .env_remove("TGSEAL_PASSPHRASE")
            .args(["inspect", input])
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    for (input, shape) in [
        ("a.bin.tgseal.001", "split into 3 parts"),
        ("a.bin.tgseal.003", "split into 3 parts"),
        ("a.bin.tgseal.txt", "ASCII armor"),
    ] {
        let shown = inspect(input);
        assert!(shown.contains("tgseal version 1"), "{input}: {shown}");
        assert!(shown.contains(shape), "{input}: {shown}");
    }
    std::fs::create_dir(dir.path().join("photos")).unwrap();
    assert_fails(
        tgseal(dir.path()).args(["inspect", "photos"]),
        1,
        "photos: this is a folder",
    );
}

#[test]
fn inspect_and_decrypt_refuse_a_file_that_is_not_sealed() {
    let (dir, _, _) = folder_with_file("plain.txt", 100);
    assert_fails(
        tgseal(dir.path()).args(["inspect", "plain.txt"]),
        1,
        "not a tgseal sealed file",
    );
    assert_fails(
        &mut decrypt(dir.path(), &["plain.txt", "-o", "out"]),
        1,
        "not a tgseal sealed file",
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn no_overwrite_without_force() {
    let (dir, _, data) = folder_with_file("a.txt", 100);
    std::fs::write(dir.path().join("a.txt.tgseal"), b"precious").unwrap();
    assert_fails(&mut encrypt(dir.path(), &["a.txt"]), 1, "already exists");
    assert_eq!(
        std::fs::read(dir.path().join("a.txt.tgseal")).unwrap(),
        b"precious"
    );
    encrypt(dir.path(), &["a.txt", "--force"])
        .assert()
        .success();
    // Decrypting beside the original refuses too, and leaves the original.
    assert_fails(
        &mut decrypt(dir.path(), &["a.txt.tgseal"]),
        1,
        "already exists",
    );
    assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), data);
    assert_eq!(entries(dir.path()), ["a.txt", "a.txt.tgseal"]);
    assert_decrypts(dir.path(), &["a.txt.tgseal", "-f"], "a.txt", &data);
}

#[test]
fn wrong_passphrase_exits_3_and_leaves_nothing() {
    let (dir, _, _) = folder_with_file("a.txt", 1000);
    encrypt(dir.path(), &["a.txt"]).assert().success();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    assert_fails(
        decrypt(dir.path(), &["a.txt.tgseal", "-O", "out"]).env("TGSEAL_PASSPHRASE", "not it"),
        3,
        "wrong passphrase",
    );
    assert_empty(&dir.path().join("out"));
}

#[test]
fn tampered_and_truncated_files_exit_3_and_leave_nothing() {
    let (dir, _, _) = folder_with_file("big.bin", 700_000);
    encrypt(dir.path(), &["big.bin"]).assert().success();
    let sealed = std::fs::read(dir.path().join("big.bin.tgseal")).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();

    let mut tampered = sealed.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    std::fs::write(dir.path().join("tampered.tgseal"), &tampered).unwrap();
    assert_fails(
        &mut decrypt(dir.path(), &["tampered.tgseal", "-O", "out"]),
        3,
        "damaged or was tampered with",
    );

    std::fs::write(
        dir.path().join("short.tgseal"),
        &sealed[..sealed.len() - 1000],
    )
    .unwrap();
    assert_fails(
        &mut decrypt(dir.path(), &["short.tgseal", "-O", "out"]),
        3,
        "truncated",
    );
    assert_empty(&dir.path().join("out"));
}

#[test]
fn unsupported_version_has_its_own_message() {
    let (dir, _, _) = folder_with_file("a.txt", 10);
    encrypt(dir.path(), &["a.txt"]).assert().success();
    let mut sealed = std::fs::read(dir.path().join("a.txt.tgseal")).unwrap();
    sealed[6] = 9;
    std::fs::write(dir.path().join("future.tgseal"), &sealed).unwrap();
    assert_fails(
        &mut decrypt(dir.path(), &["future.tgseal", "-o", "x"]),
        1,
        "format version 9",
    );
    tgseal(dir.path())
        .args(["inspect", "future.tgseal"])
        .assert()
        .code(1);
}

#[test]
fn kdf_over_the_cap_is_refused_unless_allowed() {
    let (dir, _, _) = folder_with_file("a.txt", 10);
    encrypt(dir.path(), &["a.txt"]).assert().success();
    let mut sealed = std::fs::read(dir.path().join("a.txt.tgseal")).unwrap();
    sealed[12..16].copy_from_slice(&100u32.to_le_bytes()); // 100 passes
    std::fs::write(dir.path().join("slow.tgseal"), &sealed).unwrap();
    assert_fails(
        &mut decrypt(dir.path(), &["slow.tgseal", "-o", "x"]),
        1,
        "--no-kdf-limit",
    );
    // Allowed: the KDF runs (cheaply: 64 KiB) and then the header check fails.
    decrypt(dir.path(), &["slow.tgseal", "-o", "x", "--no-kdf-limit"])
        .assert()
        .code(3);
    assert!(!dir.path().join("x").exists());
}

#[test]
fn passphrase_file_first_line_only() {
    let (dir, _, data) = folder_with_file("a.txt", 10);
    std::fs::write(
        dir.path().join("key.txt"),
        format!("{PASS}\r\nsecond line\n"),
    )
    .unwrap();
    encrypt(dir.path(), &["a.txt", "--passphrase-file", "key.txt"])
        .env_remove("TGSEAL_PASSPHRASE")
        .assert()
        .success();
    // The same passphrase from the environment opens it.
    assert_decrypts(dir.path(), &["a.txt.tgseal", "-o", "b.txt"], "b.txt", &data);
}

#[cfg(unix)]
#[test]
fn a_passphrase_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _, _) = folder_with_file("a.txt", 10);
    let key = dir.path().join("key.txt");
    std::fs::write(&key, format!("{PASS}\n")).unwrap();
    for (mode, warned) in [(0o644, true), (0o640, true), (0o600, false), (0o400, false)] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = encrypt(dir.path(), &["a.txt", "--passphrase-file", "key.txt", "-f"])
            .env_remove("TGSEAL_PASSPHRASE")
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert_eq!(
            stderr.contains("key.txt can be read by other users"),
            warned,
            "mode {mode:o}: {stderr}"
        );
    }
}

#[test]
fn passphrase_file_rule_of_the_spec_opens_the_hello_vector() {
    // FORMAT.md §3.1: the first line, without one CR before its LF; no
    // trimming otherwise. The vector was sealed with PASS.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        tgseal_e2e::crate_dir().join("vectors/hello.tgseal"),
        dir.path().join("hello.tgseal"),
    )
    .unwrap();
    for (key, opens) in [
        (format!("{PASS}\r\nthe rest is ignored\n"), true),
        (format!("{PASS}\nthe rest is ignored"), true),
        (PASS.to_string(), true),
        (format!("{PASS} \n"), false),
        (format!("{PASS}\r\r\n"), false),
    ] {
        std::fs::write(dir.path().join("key.txt"), &key).unwrap();
        let mut cmd = decrypt(
            dir.path(),
            &["hello.tgseal", "-o", "-", "--passphrase-file", "key.txt"],
        );
        cmd.env_remove("TGSEAL_PASSPHRASE");
        if opens {
            assert_eq!(success_stdout(&mut cmd), b"hello, telegram\n", "{key:?}");
        } else {
            cmd.assert().code(3);
        }
    }
}

#[test]
fn passphrase_from_stdin_while_data_is_on_stdin_is_refused() {
    let (dir, _, _) = folder_with_file("a.txt", 10);
    assert_fails(
        encrypt(
            dir.path(),
            &["-", "-o", "x.tgseal", "--passphrase-file", "-"],
        )
        .write_stdin("data"),
        1,
        "cannot carry both",
    );
    assert!(!dir.path().join("x.tgseal").exists());
}

#[test]
fn passphrase_from_stdin_for_a_file_input() {
    let (dir, _, data) = folder_with_file("a.txt", 10);
    encrypt(dir.path(), &["a.txt", "--passphrase-file", "-"])
        .env_remove("TGSEAL_PASSPHRASE")
        .write_stdin(format!("{PASS}\n"))
        .assert()
        .success();
    assert_decrypts(dir.path(), &["a.txt.tgseal", "-o", "b.txt"], "b.txt", &data);
}

#[test]
fn without_a_terminal_or_source_the_passphrase_is_an_error() {
    let (dir, _, _) = folder_with_file("a.txt", 10);
    // `setsid` detaches from any controlling terminal, so no prompt can appear
    // even when the tests run in one.
    let setsid = std::path::Path::new("/usr/bin/setsid");
    if !setsid.exists() {
        eprintln!("skipped: /usr/bin/setsid is missing");
        return;
    }
    let mut cmd = assert_cmd::Command::new(setsid);
    assert_fails(
        cmd.current_dir(dir.path())
            .env_remove("TGSEAL_PASSPHRASE")
            .arg(tgseal_bin())
            .args(["encrypt", "a.txt"]),
        1,
        "no terminal to ask on",
    );
    assert_eq!(entries(dir.path()), ["a.txt"]);
}

#[test]
fn interrupt_leaves_no_output_and_no_temporary_file() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = encrypt_process(dir.path(), &["-", "-o", "out.tgseal"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let chunk = vec![7u8; 1 << 20];
    stdin.write_all(&chunk).unwrap();
    // Wait until the temporary output exists: encryption is under way.
    let started = wait_until(200, Duration::from_millis(25), || {
        !entries(dir.path()).is_empty()
    });
    assert!(started, "encryption never started");
    interrupt(&child);
    // More data lets the blocked read return; the next chunk sees the flag.
    for _ in 0..8 {
        if stdin.write_all(&chunk).is_err() {
            break;
        }
    }
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_empty(dir.path());
}

#[test]
fn empty_passphrase_is_refused() {
    let (dir, _, _) = folder_with_file("a.txt", 10);
    assert_fails(
        encrypt(dir.path(), &["a.txt"]).env("TGSEAL_PASSPHRASE", ""),
        2,
        "empty",
    );
    assert_eq!(entries(dir.path()), ["a.txt"]);
}

#[test]
fn the_passphrase_is_never_an_argument() {
    let (dir, _, _) = folder_with_file("a.txt", 10);
    encrypt(dir.path(), &["a.txt", "--passphrase", "x"])
        .assert()
        .code(2);
    encrypt(dir.path(), &["a.txt", "-p", "x"]).assert().code(2);
}

#[test]
fn pipes_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..500_000u32).map(|i| (i % 241) as u8).collect();
    let sealed = success_stdout(encrypt(dir.path(), &["-", "-o", "-"]).write_stdin(data.clone()));
    assert_eq!(&sealed[..6], b"tgseal");
    let opened = success_stdout(decrypt(dir.path(), &["-", "-o", "-"]).write_stdin(sealed.clone()));
    assert_eq!(opened, data);
    // A truncated stream to stdout ends with exit code 3.
    decrypt(dir.path(), &["-", "-o", "-"])
        .write_stdin(sealed[..sealed.len() - 5].to_vec())
        .assert()
        .code(3);
    // Standard input needs -o.
    assert_fails(encrypt(dir.path(), &["-"]).write_stdin("x"), 2, "needs -o");
}

#[test]
fn stdout_decrypt_of_a_file_and_file_output_of_stdin() {
    let (dir, _, data) = folder_with_file("a.bin", 70_000);
    encrypt(dir.path(), &["a.bin"]).assert().success();
    let out = success_stdout(&mut decrypt(dir.path(), &["a.bin.tgseal", "-o", "-"]));
    assert_eq!(out, data);
    let sealed = std::fs::read(dir.path().join("a.bin.tgseal")).unwrap();
    decrypt(dir.path(), &["-", "-o", "copy.bin"])
        .write_stdin(sealed)
        .assert()
        .success();
    assert_eq!(std::fs::read(dir.path().join("copy.bin")).unwrap(), data);
}

#[test]
fn one_output_path_takes_one_input() {
    let (dir, _, _) = folder_with_file("a.txt", 1);
    std::fs::write(dir.path().join("b.txt"), b"b").unwrap();
    encrypt(dir.path(), &["a.txt", "b.txt", "-o", "x"])
        .assert()
        .code(2);
}

#[test]
fn help_documents_exit_codes_and_passphrase_sources() {
    assert_prints(&["encrypt", "--help"], &["Exit codes", "TGSEAL_PASSPHRASE"]);
}

/// A full disk is said plainly (ENOSPC from /dev/full), with exit code 1.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_in_plain_words() {
    let (dir, _, _) = folder_with_file("a.bin", 300_000);
    encrypt(dir.path(), &["a.bin"]).assert().success();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = tgseal_process(dir.path())
        .args(["decrypt", "a.bin.tgseal", "-o", "-"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the disk is full"), "{stderr}");
}

/// On a terminal (a pseudo-terminal from util-linux `script`), sealing and
/// opening a small file leave no empty progress bar ("0 B/0 B") behind: the
/// bar is drawn only for a job that runs a while.
#[cfg(target_os = "linux")]
#[test]
fn a_small_file_leaves_no_empty_progress_bar_on_a_terminal() {
    let Ok(script) = which_script() else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    let (dir, _, _) = folder_with_file("README.md", 300);
    let bin = tgseal_bin().display().to_string();
    for command in [
        format!("{bin} encrypt --kdf-params 64,1,1 README.md"),
        format!("{bin} decrypt -O out README.md.tgseal"),
    ] {
        let out = std::process::Command::new(&script)
            .args(["-qec", &command, "/dev/null"])
            .current_dir(dir.path())
            .env("TGSEAL_PASSPHRASE", PASS)
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{command}: {shown}");
        assert!(
            !shown.contains("0 B/0 B") && !shown.contains("eta"),
            "{shown}"
        );
        assert!(shown.contains("README.md"), "{shown}");
    }
}

/// Answering N to "Use it anyway?" for a weak typed passphrase asks for
/// another one instead of ending the run (on a pseudo-terminal from
/// util-linux `script`; the answers are typed one by one, as a person would).
#[cfg(target_os = "linux")]
#[test]
fn no_to_a_weak_passphrase_asks_for_another() {
    use std::io::Write;
    use std::process::Stdio;
    let Ok(script) = which_script() else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    let (dir, _, data) = folder_with_file("a.txt", 300);
    let command = format!(
        "{} encrypt --kdf-params 64,1,1 a.txt",
        tgseal_bin().display()
    );
    let mut child = std::process::Command::new(&script)
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut keys = child.stdin.take().unwrap();
    let typist = std::thread::spawn(move || {
        for line in ["abc", "abc", "n", PASS, PASS] {
            std::thread::sleep(Duration::from_millis(700));
            if writeln!(keys, "{line}").is_err() {
                return;
            }
        }
        std::thread::sleep(Duration::from_secs(3));
    });
    let out = child.wait_with_output().unwrap();
    typist.join().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("Use it anyway? [y/N]"), "{shown}");
    assert!(shown.contains("Type a stronger passphrase"), "{shown}");
    assert_eq!(shown.matches("Passphrase:").count(), 2, "{shown}");
    // Sealed with the second passphrase, not the weak one.
    decrypt(dir.path(), &["a.txt.tgseal", "-O", "out"])
        .assert()
        .success();
    assert_eq!(std::fs::read(dir.path().join("out/a.txt")).unwrap(), data);
}

#[cfg(target_os = "linux")]
fn which_script() -> Result<std::path::PathBuf, ()> {
    ["/usr/bin/script", "/bin/script"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
        .ok_or(())
}

#[test]
fn a_set_of_one_part_is_read_from_one_part() {
    let (dir, _, data) = folder_with_file("a.bin", 1_000);
    encrypt(dir.path(), &["a.bin", "--split", "100K", "-O", "sealed"])
        .assert()
        .success();
    decrypt(dir.path(), &["sealed/a.bin.tgseal.001", "-O", "out"])
        .assert()
        .success()
        .stderr(predicate::str::contains("read from 1 part\n"));
    assert_eq!(std::fs::read(dir.path().join("out/a.bin")).unwrap(), data);
}

#[cfg(unix)]
#[test]
fn pipes_named_by_a_path_are_read_once_and_open() {
    use std::io::Write;
    use std::process::Stdio;
    let (dir, _, data) = folder_with_file("a.txt", 100_000);
    encrypt(dir.path(), &["a.txt"]).assert().success();
    let sealed = std::fs::read(dir.path().join("a.txt.tgseal")).unwrap();

    // `/dev/stdin` when standard input is a pipe.
    let mut child = tgseal_process(dir.path())
        .args(["decrypt", "/dev/stdin", "-O", "from-stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&sealed).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(dir.path().join("from-stdin/a.txt")).unwrap(),
        data
    );

    // A FIFO with a writer on the other end.
    let fifo = dir.path().join("fifo");
    if std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        let writer = {
            let (fifo, sealed) = (fifo.clone(), sealed.clone());
            std::thread::spawn(move || std::fs::write(fifo, sealed).unwrap())
        };
        decrypt(dir.path(), &["fifo", "-O", "from-fifo"])
            .assert()
            .success();
        writer.join().unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("from-fifo/a.txt")).unwrap(),
            data
        );
    }

    // Process substitution, `<(cat x)`, restored in the current folder.
    let bash = std::process::Command::new("bash")
        .current_dir(dir.path())
        .env("TGSEAL_PASSPHRASE", PASS)
        .arg("-c")
        .arg(format!(
            "mkdir sub && cd sub && {} decrypt <(cat ../a.txt.tgseal)",
            tgseal_bin().display()
        ))
        .output();
    if let Ok(out) = bash {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read(dir.path().join("sub/a.txt")).unwrap(), data);
    }
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_fifo_is_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let (dir, _, data) = folder_with_file("a.txt", 200_000);
    encrypt(dir.path(), &["a.txt"]).assert().success();
    let fifo = dir.path().join("out.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success());
    for force in [false, true] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        let mut args = vec!["a.txt.tgseal", "-o", "out.fifo"];
        if force {
            args.push("--force");
        }
        decrypt(dir.path(), &args).assert().success();
        assert_eq!(reader.join().unwrap(), data, "force: {force}");
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the FIFO was replaced (force: {force})");
    }
}

#[cfg(unix)]
#[test]
fn a_split_into_many_parts_stays_under_the_open_file_limit() {
    // 300 parts under a limit of 64 open files (#13 item 13).
    let (dir, _, data) = folder_with_file("a.bin", 300 * 1000);
    let out = std::process::Command::new("bash")
        .current_dir(dir.path())
        .env("TGSEAL_PASSPHRASE", PASS)
        .arg("-c")
        .arg(format!(
            "ulimit -n 64 && {} encrypt --kdf-params {} --split 1K a.bin",
            tgseal_bin().display(),
            tgseal_e2e::CHEAP_KDF
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parts = entries(dir.path())
        .iter()
        .filter(|n| n.starts_with("a.bin.tgseal."))
        .count();
    assert!(parts > 300, "{parts} parts");
    std::fs::remove_file(dir.path().join("a.bin")).unwrap();
    decrypt(dir.path(), &["a.bin.tgseal.001"])
        .assert()
        .success();
    assert_eq!(std::fs::read(dir.path().join("a.bin")).unwrap(), data);
}

#[test]
fn open_text_names_its_limit_instead_of_reporting_truncation() {
    // More than 16 MiB of armored text: refused with the limit named, not
    // cut short and called truncated (#13 item 14).
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"-----BEGIN TGSEAL SEALED FILE-----\n".to_vec();
    let line = [b'A'; 64];
    while text.len() <= 17 << 20 {
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    text.extend_from_slice(b"-----END TGSEAL SEALED FILE-----\n");
    let out = tgseal(dir.path())
        .arg("open-text")
        .write_stdin(text)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("longer than 16 MiB"), "{stderr}");
    assert!(!stderr.contains("truncated"), "{stderr}");
}
