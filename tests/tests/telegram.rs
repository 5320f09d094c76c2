//! End-to-end tests of the Telegram features (docs/TELEGRAM.md) through the
//! real `tgseal` binary: split parts, hidden names, padding, armor, text
//! messages, the passphrase generator and the strength check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tgseal_e2e::{
    CHEAP_KDF, Command, assert_empty, assert_fails, assert_prints, entries, success_stdout,
    tgseal_bin,
};

/// A weak passphrase: the strength check refuses it without --allow-weak.
const PASS: &str = "hunter2";
const CHEAP: &[&str] = &["--kdf-params", CHEAP_KDF];

fn tgseal() -> Command {
    let mut cmd = Command::new(tgseal_bin());
    cmd.env("TGSEAL_PASSPHRASE", PASS);
    cmd
}

fn encrypt(args: &[&str]) -> Command {
    let mut cmd = tgseal();
    cmd.arg("encrypt")
        .args(CHEAP)
        .arg("--allow-weak")
        .args(args);
    cmd
}

fn data(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// `tgseal decrypt -O OUT INPUT`.
fn decrypt_into(out: &Path, input: impl AsRef<OsStr>) -> Command {
    let mut cmd = tgseal();
    cmd.args(["decrypt", "-O"]).arg(out).arg(input);
    cmd
}

/// `tgseal decrypt -o - INPUT`: the plaintext to standard output.
fn decrypt_to_stdout(input: &Path) -> Command {
    let mut cmd = tgseal();
    cmd.args(["decrypt", "-o", "-"]).arg(input);
    cmd
}

/// `tgseal seal-text` of `message`: the armored text it prints.
fn seal_text(message: impl Into<Vec<u8>>) -> String {
    let sealed = success_stdout(
        tgseal()
            .arg("seal-text")
            .args(CHEAP)
            .arg("--allow-weak")
            .write_stdin(message),
    );
    String::from_utf8(sealed).unwrap()
}

/// A 2.5 MB file split into 700 KiB parts: four parts.
fn split_set(dir: &Path) -> (Vec<u8>, Vec<PathBuf>) {
    let plain = data(2_500_000, 1);
    std::fs::write(dir.join("video.mp4"), &plain).unwrap();
    encrypt(&["--split", "700K"])
        .arg(dir.join("video.mp4"))
        .assert()
        .success();
    let parts: Vec<PathBuf> = (1..=4)
        .map(|n| dir.join(format!("video.mp4.tgseal.{n:03}")))
        .collect();
    for part in &parts {
        assert!(part.exists(), "{}", part.display());
    }
    (plain, parts)
}

#[test]
fn split_parts_never_exceed_the_limit_and_open_from_any_part() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, parts) = split_set(dir.path());
    assert_eq!(
        entries(dir.path()).len(),
        5,
        "only the input and four parts"
    );
    for part in &parts {
        assert!(std::fs::metadata(part).unwrap().len() <= 700 * 1024);
    }
    let out = dir.path().join("out");
    decrypt_into(&out, &parts[2]).assert().success();
    assert_eq!(std::fs::read(out.join("video.mp4")).unwrap(), plain);
    // All parts given at once, or the folder: decrypted once.
    let out2 = dir.path().join("out2");
    tgseal()
        .args(["decrypt", "-O"])
        .arg(&out2)
        .args(&parts)
        .assert()
        .success();
    assert_eq!(entries(&out2), ["video.mp4"]);
}

#[test]
fn split_exact_sizes_telegram_presets() {
    // The presets parse to the documented byte counts (checked through --help-free parsing).
    for (name, ok) in [
        ("telegram", true),
        ("telegram-premium", true),
        ("bot", true),
        ("12", false),
        ("5Q", false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"abc").unwrap();
        let assert = encrypt(&["--split", name])
            .arg(dir.path().join("a"))
            .assert();
        if ok {
            assert.success();
            assert_eq!(entries(dir.path()), ["a", "a.tgseal.001"]);
        } else {
            assert.code(2);
        }
    }
}

#[test]
fn split_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let plain = data(50_000, 2);
    encrypt(&["--split", "8K", "-o"])
        .arg(dir.path().join("piped.tgseal"))
        .arg("-")
        .write_stdin(plain.clone())
        .assert()
        .success();
    let names = entries(dir.path());
    assert_eq!(names.len(), 7, "{names:?}");
    assert_eq!(names[0], "piped.tgseal.001");
    for name in &names {
        assert!(std::fs::metadata(dir.path().join(name)).unwrap().len() <= 8192);
    }
    decrypt_to_stdout(&dir.path().join("piped.tgseal.005"))
        .assert()
        .success()
        .stdout(plain);
}

#[test]
fn split_hide_name_and_pad_together() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let plain = data(300_000, 3);
    std::fs::write(src.join("passport scan.pdf"), &plain).unwrap();
    let sealed = dir.path().join("sealed");
    encrypt(&["--split", "100K", "--hide-name", "--pad", "-O"])
        .arg(&sealed)
        .arg(src.join("passport scan.pdf"))
        .assert()
        .success();
    let names = entries(&sealed);
    // Padmé(300,000) = 303,104 bytes of payload: three parts of 100 KiB.
    assert_eq!(names.len(), 3, "{names:?}");
    let stem = &names[0][..8];
    assert!(
        stem.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    for (i, name) in names.iter().enumerate() {
        assert_eq!(name, &format!("{stem}.tgseal.{:03}", i + 1));
        assert!(!name.contains("passport"));
    }
    let out = dir.path().join("out");
    decrypt_into(&out, &sealed).assert().success();
    assert_eq!(std::fs::read(out.join("passport scan.pdf")).unwrap(), plain);
}

fn broken_case(break_it: impl Fn(&Path, &[PathBuf]), expect: &[&str], code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let (_, parts) = split_set(dir.path());
    break_it(dir.path(), &parts);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut assert = decrypt_into(&out, &parts[0]).assert().code(code);
    for text in expect {
        assert = assert.stderr(predicate::str::contains(*text));
    }
    assert_empty(&out);
    assert!(
        !entries(dir.path())
            .iter()
            .any(|n| n.ends_with(tgseal_workflow::temps::TEMP_SUFFIX)),
        "temporary file left behind"
    );
}

#[test]
fn missing_part_is_named() {
    broken_case(
        |_, parts| std::fs::remove_file(&parts[2]).unwrap(),
        &["video.mp4.tgseal.003", "part 3 of 4 is missing"],
        1,
    );
}

#[test]
fn last_part_missing_is_named() {
    broken_case(
        |_, parts| std::fs::remove_file(&parts[3]).unwrap(),
        &["video.mp4.tgseal.004", "missing"],
        1,
    );
}

#[test]
fn duplicated_part_is_named() {
    broken_case(
        |dir, parts| {
            std::fs::copy(&parts[1], dir.join("video.mp4.tgseal.005")).unwrap();
        },
        &["video.mp4.tgseal.005", "video.mp4.tgseal.002", "duplicated"],
        1,
    );
}

#[test]
fn reordered_parts_are_named() {
    broken_case(
        |dir, parts| {
            let tmp = dir.join("swap");
            std::fs::rename(&parts[1], &tmp).unwrap();
            std::fs::rename(&parts[2], &parts[1]).unwrap();
            std::fs::rename(&tmp, &parts[2]).unwrap();
        },
        &["video.mp4.tgseal.002", "renamed or reordered"],
        1,
    );
}

#[test]
fn truncated_part_is_named() {
    broken_case(
        |_, parts| {
            let bytes = std::fs::read(&parts[1]).unwrap();
            std::fs::write(&parts[1], &bytes[..bytes.len() - 100]).unwrap();
        },
        &["video.mp4.tgseal.002", "truncated"],
        1,
    );
}

#[test]
fn foreign_part_is_named() {
    broken_case(
        |dir, parts| {
            let other = dir.join("other");
            std::fs::create_dir(&other).unwrap();
            std::fs::write(other.join("video.mp4"), data(2_500_000, 9)).unwrap();
            encrypt(&["--split", "700K"])
                .arg(other.join("video.mp4"))
                .assert()
                .success();
            std::fs::copy(other.join("video.mp4.tgseal.003"), &parts[2]).unwrap();
        },
        &["video.mp4.tgseal.003", "another split sealed file"],
        1,
    );
}

#[test]
fn tampered_part_payload_fails_authentication() {
    broken_case(
        |_, parts| {
            let mut bytes = std::fs::read(&parts[1]).unwrap();
            bytes[5000] ^= 1;
            std::fs::write(&parts[1], bytes).unwrap();
        },
        &["damaged or was tampered"],
        3,
    );
}

#[test]
fn padding_hides_the_exact_size() {
    let dir = tempfile::tempdir().unwrap();
    let plain = data(1000, 4);
    std::fs::write(dir.path().join("data.bin"), &plain).unwrap();
    encrypt(&["--pad"])
        .arg(dir.path().join("data.bin"))
        .assert()
        .success();
    let sealed = dir.path().join("data.bin.tgseal");
    // header 87 + (32 + 8 + 16) + 32, payload Padmé(1000) = 1024, one tag.
    assert_eq!(std::fs::metadata(&sealed).unwrap().len(), 175 + 1024 + 16);
    std::fs::remove_file(dir.path().join("data.bin")).unwrap();
    tgseal().arg("decrypt").arg(&sealed).assert().success();
    assert_eq!(std::fs::read(dir.path().join("data.bin")).unwrap(), plain);
}

#[test]
fn padding_from_standard_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert_fails(
        encrypt(&["--pad", "-o"])
            .arg(dir.path().join("x.tgseal"))
            .arg("-")
            .write_stdin("abc"),
        2,
        "--pad",
    );
    assert_empty(dir.path());
}

#[test]
fn hidden_name_is_random_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret report.pdf"), b"%PDF").unwrap();
    encrypt(&["--hide-name"])
        .arg(dir.path().join("secret report.pdf"))
        .assert()
        .success();
    std::fs::remove_file(dir.path().join("secret report.pdf")).unwrap();
    let names = entries(dir.path());
    assert_eq!(names.len(), 1);
    let name = &names[0];
    assert_eq!(name.len(), "k3v9x2qa.tgseal".len());
    assert!(name.ends_with(".tgseal"));
    tgseal()
        .arg("decrypt")
        .arg(dir.path().join(name))
        .assert()
        .success();
    assert_eq!(
        std::fs::read(dir.path().join("secret report.pdf")).unwrap(),
        b"%PDF"
    );
}

fn armored(plain: &[u8]) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("note.bin"), plain).unwrap();
    encrypt(&["--armor"])
        .arg(dir.path().join("note.bin"))
        .assert()
        .success();
    let path = dir.path().join("note.bin.tgseal.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(dir.path().join("note.bin")).unwrap();
    (dir, path, text)
}

#[test]
fn armor_round_trips_empty_and_large_files() {
    for plain in [Vec::new(), data(1_000_000, 5)] {
        let (dir, path, text) = armored(&plain);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN TGSEAL SEALED FILE-----");
        assert_eq!(*lines.last().unwrap(), "-----END TGSEAL SEALED FILE-----");
        assert!(
            lines
                .iter()
                .all(|l| l.len() <= 64 || l.starts_with("-----"))
        );
        assert!(text.is_ascii());
        tgseal().arg("decrypt").arg(&path).assert().success();
        assert_eq!(std::fs::read(dir.path().join("note.bin")).unwrap(), plain);
    }
}

#[test]
fn armor_survives_chat_mangling() {
    let plain = data(5000, 6);
    let (dir, path, text) = armored(&plain);
    let body: Vec<&str> = text.lines().collect();
    let inner = &body[1..body.len() - 1];
    let rewrapped = {
        let joined: String = inner.concat();
        let wrapped: Vec<String> = joined
            .as_bytes()
            .chunks(50)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        format!(
            "{}\n{}\n{}\n",
            body[0],
            wrapped.join("\n"),
            body[body.len() - 1]
        )
    };
    let one_line = format!("{}\n{}\n{}", body[0], inner.join(" "), body[body.len() - 1]);
    let manglings = [
        text.replace('\n', "\r\n"),
        text.replace('\n', "   \n"),
        rewrapped,
        one_line,
        format!("\n\n\n{}\n\n\n", text.replace('\n', "\n\n")),
        format!("Here is the file, passphrase by SMS:\n{text}\nSee you!\n"),
    ];
    for (i, mangled) in manglings.iter().enumerate() {
        std::fs::write(&path, mangled).unwrap();
        let out = dir.path().join(format!("out{i}"));
        decrypt_into(&out, &path).assert().success();
        assert_eq!(
            std::fs::read(out.join("note.bin")).unwrap(),
            plain,
            "mangling {i}"
        );
    }
    // Through standard input too.
    tgseal()
        .args(["decrypt", "-o", "-", "-"])
        .write_stdin(manglings[5].clone())
        .assert()
        .success()
        .stdout(plain.clone());
}

#[test]
fn a_changed_character_fails_authentication() {
    let (dir, path, text) = armored(&data(5000, 7));
    let lines: Vec<&str> = text.lines().collect();
    // Line 1 holds header bytes 0-47: magic, version and KDF parameters are
    // checked before any key (FORMAT.md §3.5) and report "unsupported" or "not
    // sealed" as in a binary file; from the salt on, every change fails
    // authentication.
    for (line, col) in [
        (1usize, 40usize),
        (2, 10),
        (3, 0),
        (40, 33),
        (lines.len() - 2, 1),
    ] {
        let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut bytes = changed[line].clone().into_bytes();
        bytes[col] = if bytes[col] == b'A' { b'B' } else { b'A' };
        changed[line] = String::from_utf8(bytes).unwrap();
        std::fs::write(&path, changed.join("\n") + "\n").unwrap();
        let out = dir.path().join("out");
        decrypt_into(&out, &path).assert().code(3);
        assert!(!out.join("note.bin").exists());
    }
}

#[test]
fn seal_text_fits_one_message_and_opens() {
    let message = "meet at the north gate at 7, bring the documents 🙂";
    let text = seal_text(message);
    assert!(text.chars().count() <= 4096);
    assert!(!text.contains("Piece:"));
    tgseal()
        .arg("open-text")
        .write_stdin(format!("> forwarded\r\n{}", text.replace('\n', " \r\n")))
        .assert()
        .success()
        .stdout(message);
}

#[test]
fn seal_text_capacity_matches_its_help() {
    assert_prints(&["seal-text", "--help"], &["2790 bytes"]);
    for (len, pieces) in [(2790, 1), (2791, 2)] {
        let text = seal_text("x".repeat(len));
        assert_eq!(text.matches("-----BEGIN").count(), pieces, "{len}");
        if pieces == 1 {
            assert!(text.chars().count() <= 4096);
        }
    }
}

#[test]
fn long_text_is_cut_into_pieces_that_open_in_any_order() {
    let message: String = (0..1500).map(|i| format!("{i} ")).collect();
    let text = seal_text(message.clone());
    let pieces: Vec<String> = text
        .split("-----BEGIN")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("-----BEGIN{}", p.trim_end()))
        .collect();
    assert!(pieces.len() >= 3, "{}", pieces.len());
    for (i, piece) in pieces.iter().enumerate() {
        assert!(piece.chars().count() <= 4096);
        assert!(piece.contains(&format!("Piece: {}/{}", i + 1, pieces.len())));
    }
    let shuffled: Vec<&String> = pieces.iter().rev().collect();
    let pasted = shuffled
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join("\n\nnext one:\n");
    tgseal()
        .arg("open-text")
        .write_stdin(pasted)
        .assert()
        .success()
        .stdout(message);
    assert_fails(
        tgseal()
            .arg("open-text")
            .write_stdin(pieces[1..].join("\n")),
        1,
        "piece 1/",
    );
}

#[test]
fn decrypt_accepts_an_armored_text_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("msg.txt"), seal_text("hello")).unwrap();
    decrypt_to_stdout(&dir.path().join("msg.txt"))
        .assert()
        .success()
        .stdout("hello");
}

#[test]
fn passphrase_generator_states_words_and_bits() {
    let out = tgseal()
        .args(["passphrase", "--words", "8"])
        .assert()
        .success()
        .stderr(predicate::str::contains("103.4 bits"));
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.trim_end().split(' ').count(), 8);
    assert_eq!(stdout.lines().count(), 1);
    tgseal()
        .arg("passphrase")
        .assert()
        .success()
        .stderr(predicate::str::contains("77.5 bits"))
        .stdout(predicate::function(|s: &str| {
            s.trim_end().split(' ').count() == 6
        }));
    tgseal()
        .args(["passphrase", "--words", "2"])
        .assert()
        .code(2);
}

#[test]
fn generated_passphrase_is_shown_once_on_stderr_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), b"payload").unwrap();
    let mut cmd = Command::new(tgseal_bin());
    let out = cmd
        .arg("encrypt")
        .args(CHEAP)
        .args(["--generate-passphrase", "-o", "-"])
        .arg(dir.path().join("a.txt"))
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let pass = stderr
        .lines()
        .find(|l| l.starts_with("    "))
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(pass.split(' ').count(), 6);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&pass));
    std::fs::write(dir.path().join("a.txt.tgseal"), &out.stdout).unwrap();
    decrypt_to_stdout(&dir.path().join("a.txt.tgseal"))
        .env("TGSEAL_PASSPHRASE", &pass)
        .assert()
        .success()
        .stdout("payload");
}

#[test]
fn weak_passphrases_are_refused_without_allow_weak() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), b"x").unwrap();
    assert_fails(
        tgseal()
            .arg("encrypt")
            .args(CHEAP)
            .arg(dir.path().join("a.txt")),
        1,
        "weak",
    )
    .stderr(predicate::str::contains("--allow-weak"));
    assert_eq!(entries(dir.path()), ["a.txt"]);
    // A strong one passes without the flag; decrypting never checks strength.
    tgseal()
        .env(
            "TGSEAL_PASSPHRASE",
            "flatware crumpet unshaken ripeness boxcar",
        )
        .arg("encrypt")
        .args(CHEAP)
        .arg(dir.path().join("a.txt"))
        .assert()
        .success();
    encrypt(&["-o"])
        .arg(dir.path().join("weak.tgseal"))
        .arg(dir.path().join("a.txt"))
        .assert()
        .success()
        .stderr(predicate::str::contains("weak"));
    decrypt_to_stdout(&dir.path().join("weak.tgseal"))
        .assert()
        .success()
        .stdout("x");
}
