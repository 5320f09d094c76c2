//! How `tgseal` ends on a signal (#13 items 9 and 10): SIGINT, SIGTERM and
//! SIGHUP stop it within a second, wherever it waits, with exit 130, 143 or
//! 129, and no temporary file is left; stale temporaries of a killed run are
//! removed by the next run in their folder.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use tgseal_e2e::{encrypt, entries, folder_with_file, tgseal_process, wait_until};

/// Sends `signal` (`TERM`, `HUP`, `INT`) to `child`.
fn send(signal: &str, child: &Child) {
    let sent = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Waits for `child` for at most `limit`; its exit code, or a failure.
fn exit_within(child: &mut Child, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tgseal did not end within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

fn temporaries(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| n.ends_with(tgseal_workflow::temps::TEMP_SUFFIX))
        .collect()
}

#[test]
fn sigterm_and_sighup_during_decryption_remove_the_partial_plaintext() {
    let (dir, _, _) = folder_with_file("a.txt", 3 << 20);
    encrypt(dir.path(), &["a.txt"]).assert().success();
    let sealed = std::fs::read(dir.path().join("a.txt.tgseal")).unwrap();
    std::fs::remove_file(dir.path().join("a.txt")).unwrap();
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let fifo = dir.path().join("in.fifo");
        mkfifo(&fifo);
        let mut child = tgseal_process(dir.path())
            .args(["decrypt", "in.fifo"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Two thirds of the sealed file, then the writer waits: the
        // decryption has written plaintext to its temporary and blocks.
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writer.write_all(&sealed[..2 << 20]).unwrap();
        let started = wait_until(200, Duration::from_millis(25), || {
            !temporaries(dir.path()).is_empty()
        });
        assert!(started, "decryption never started");
        send(signal, &child);
        assert_eq!(exit_within(&mut child, Duration::from_secs(2)), Some(code));
        drop(writer);
        std::fs::remove_file(&fifo).unwrap();
        assert_eq!(entries(dir.path()), ["a.txt.tgseal"], "after SIG{signal}");
    }
}

#[test]
fn sigterm_during_a_split_removes_every_temporary_part() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = tgseal_process(dir.path())
        .args(["encrypt", "--kdf-params", tgseal_e2e::CHEAP_KDF])
        .args(["-", "-o", "s.tgseal", "--split", "64K"])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&vec![5u8; 4 << 20]).unwrap();
    let started = wait_until(200, Duration::from_millis(25), || {
        temporaries(dir.path()).len() > 2
    });
    assert!(started, "the split never started");
    send("TERM", &child);
    assert_eq!(exit_within(&mut child, Duration::from_secs(2)), Some(143));
    drop(stdin);
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn ctrl_c_takes_effect_within_a_second_while_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("no-writer");
    mkfifo(&fifo);
    // A FIFO nobody writes to; standard input nobody writes to; Argon2id at
    // 512 MiB and 16 passes (seconds).
    let waits: [(&str, &[&str]); 3] = [
        ("a FIFO without a writer", &["decrypt", "no-writer"]),
        ("standard input", &["decrypt", "-", "-o", "out"]),
        (
            "Argon2id",
            &["encrypt", "--kdf-params", "524288,16,1", "-", "-o", "out"],
        ),
    ];
    for (what, args) in waits {
        let mut child = tgseal_process(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        if what == "Argon2id" {
            stdin.write_all(b"secret").unwrap();
            drop(stdin);
        } else {
            std::mem::forget(stdin);
        }
        std::thread::sleep(Duration::from_millis(400));
        let sent = Instant::now();
        send("INT", &child);
        assert_eq!(
            exit_within(&mut child, Duration::from_secs(3)),
            Some(130),
            "{what}"
        );
        assert!(
            sent.elapsed() < Duration::from_secs(1),
            "{what}: {:?}",
            sent.elapsed()
        );
        assert_eq!(entries(dir.path()), ["no-writer"], "{what}");
    }
}

#[test]
fn the_next_run_removes_stale_temporaries_and_keeps_live_ones() {
    let (dir, _, _) = folder_with_file("a.txt", 1000);
    let stale = dir.path().join(".b.txt.x1y2z3.tgseal-tmp");
    std::fs::write(&stale, b"plaintext a killed run left").unwrap();
    let minute_ago = std::time::SystemTime::now() - Duration::from_secs(60);
    let age = |path: &Path| {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(minute_ago).unwrap();
    };
    age(&stale);
    // A running tgseal holds a lock on its temporary.
    let live_path = dir.path().join(".c.txt.a1b2c3.tgseal-tmp");
    let live = std::fs::File::create(&live_path).unwrap();
    live.lock().unwrap();
    age(&live_path);
    // Not tgseal's naming: never touched.
    let other = dir.path().join(".d.txt.q1w2e3.tmp");
    std::fs::write(&other, b"someone else's").unwrap();
    age(&other);
    // Unlocked but just created: perhaps a run that has not locked it yet.
    let young = dir.path().join(".e.txt.r1t2y3.tgseal-tmp");
    std::fs::write(&young, b"").unwrap();
    encrypt(dir.path(), &["a.txt"]).assert().success();
    assert!(!stale.exists());
    assert!(live_path.exists());
    assert!(other.exists());
    assert!(young.exists());
}
