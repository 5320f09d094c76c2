//! tgseal speaks age: round trips through the real `age` binary (Debian
//! package `age`) and `ssh-keygen` (package `openssh-client`) when installed,
//! and the CLI's behaviour on bad age files: message, exit code, nothing left
//! behind. Tests that need a missing tool print a notice and pass.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use age::secrecy::SecretString;
use tgseal_e2e::{
    PASS, assert_empty, crate_dir, entries, json_lines, record, tgseal_bin, tgseal_process,
};

/// `tgseal ARGS` in `dir` with [`PASS`], run to the end.
fn tgseal(dir: &Path, args: &[&str]) -> Output {
    tgseal_process(dir).args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "tgseal failed: {}", stderr(out));
}

/// A command from a Debian package, or None (with a notice) when absent.
fn tool(name: &str) -> Option<Command> {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if found {
        Some(Command::new(name))
    } else {
        eprintln!("NOTICE: `{name}` is not installed; skipping this interoperability test");
        None
    }
}

fn run_tool(mut cmd: Command, dir: &Path, args: &[&str]) {
    let out = cmd.current_dir(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Some content spanning several 64 KiB age chunks.
fn content() -> Vec<u8> {
    (0..200_000u32).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// `tgseal decrypt ARGS` in `dir` succeeds and writes [`content`] to `output`.
fn tgseal_decrypts(dir: &Path, args: &[&str], output: &str) {
    let mut all = vec!["decrypt"];
    all.extend_from_slice(args);
    assert_ok(&tgseal(dir, &all));
    assert_eq!(
        std::fs::read(dir.join(output)).unwrap(),
        content(),
        "{output}"
    );
}

/// `tgseal decrypt -i key.txt -O OUT --json ARGS` in `dir`.
fn decrypt_json(dir: &Path, out: &str, args: &[&str]) -> Output {
    let mut all = vec!["decrypt", "-i", "key.txt", "-O", out, "--json"];
    all.extend_from_slice(args);
    tgseal(dir, &all)
}

/// The real `age -d -i key.txt` opens `file` in `dir` to [`content`] (when
/// `age` is installed).
fn age_decrypts(dir: &Path, file: &str) {
    let Some(age) = tool("age") else {
        return;
    };
    run_tool(age, dir, &["-d", "-i", "key.txt", "-o", "by-age.bin", file]);
    assert_eq!(std::fs::read(dir.join("by-age.bin")).unwrap(), content());
    std::fs::remove_file(dir.join("by-age.bin")).unwrap();
}

/// `tgseal keygen -o FILE` in `dir`: writes an identity and returns its public key.
fn keygen(dir: &Path, file: &str) -> String {
    let out = tgseal(dir, &["keygen", "-o", file]);
    assert_ok(&out);
    stderr(&out)
        .trim()
        .strip_prefix("Public key: ")
        .unwrap()
        .to_owned()
}

/// What `tgseal inspect FILE` prints in `dir`.
fn inspect(dir: &Path, file: &str) -> String {
    String::from_utf8_lossy(&tgseal(dir, &["inspect", file]).stdout).into_owned()
}

/// A directory with `doc.bin` and an X25519 identity `key.txt`; returns the public key.
fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.bin"), content()).unwrap();
    let public = keygen(dir.path(), "key.txt");
    (dir, public)
}

#[test]
fn keygen_writes_an_owner_only_identity_and_refuses_to_overwrite() {
    let (dir, public) = setup();
    assert!(public.starts_with("age1"));
    let text = std::fs::read_to_string(dir.path().join("key.txt")).unwrap();
    assert!(text.contains(&format!("# public key: {public}")));
    assert!(text.contains("AGE-SECRET-KEY-1"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("key.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = tgseal(dir.path(), &["keygen", "-o", "key.txt"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("key.txt")).unwrap(),
        text
    );
    assert_ok(&tgseal(dir.path(), &["keygen", "-o", "key.txt", "--force"]));
    let stdout = tgseal(dir.path(), &["keygen"]);
    assert!(String::from_utf8_lossy(&stdout.stdout).contains("AGE-SECRET-KEY-1"));
}

#[test]
fn tgseal_output_opens_with_age_binary_and_armored() {
    let (dir, public) = setup();
    let d = dir.path();
    assert_ok(&tgseal(d, &["encrypt", "-r", &public, "doc.bin"]));
    assert!(
        std::fs::read(d.join("doc.bin.age"))
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n")
    );
    assert_ok(&tgseal(
        d,
        &[
            "encrypt", "-r", &public, "--armor", "-o", "doc.asc", "doc.bin",
        ],
    ));
    assert!(
        std::fs::read(d.join("doc.asc"))
            .unwrap()
            .starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    );
    // tgseal opens both itself
    tgseal_decrypts(
        d,
        &["-i", "key.txt", "-o", "self.bin", "doc.bin.age"],
        "self.bin",
    );
    age_decrypts(d, "doc.bin.age");
    age_decrypts(d, "doc.asc");
}

#[test]
fn age_binary_output_opens_with_tgseal_binary_and_armored() {
    let (dir, public) = setup();
    let d = dir.path();
    let Some(age) = tool("age") else { return };
    run_tool(age, d, &["-r", &public, "-o", "from-age.age", "doc.bin"]);
    run_tool(
        Command::new("age"),
        d,
        &["-a", "-r", &public, "-o", "armored.txt", "doc.bin"],
    );
    tgseal_decrypts(d, &["-i", "key.txt", "from-age.age"], "from-age");
    tgseal_decrypts(
        d,
        &["-i", "key.txt", "armored.txt"],
        "armored.txt.decrypted",
    );
    // from standard input, to standard output
    let file = std::fs::File::open(d.join("armored.txt")).unwrap();
    let out = Command::new(tgseal_bin())
        .current_dir(d)
        .args(["decrypt", "-i", "key.txt", "-o", "-", "-"])
        .stdin(file)
        .output()
        .unwrap();
    assert_ok(&out);
    assert_eq!(out.stdout, content());
}

fn ssh_key(dir: &Path, kind: &str, name: &str) -> Option<String> {
    let keygen = tool("ssh-keygen")?;
    let mut args = vec!["-q", "-t", kind, "-N", "", "-C", "test", "-f", name];
    if kind == "rsa" {
        args.extend(["-b", "2048"]);
    }
    run_tool(keygen, dir, &args);
    Some(
        std::fs::read_to_string(dir.join(format!("{name}.pub")))
            .unwrap()
            .trim()
            .to_owned(),
    )
}

#[test]
fn ssh_keys_work_both_ways() {
    let (dir, _) = setup();
    let d = dir.path();
    for (kind, name) in [("ed25519", "id_ed"), ("rsa", "id_rsa")] {
        let Some(public) = ssh_key(d, kind, name) else {
            return;
        };
        let sealed = format!("{name}.age");
        assert_ok(&tgseal(
            d,
            &["encrypt", "-r", &public, "-o", &sealed, "doc.bin"],
        ));
        assert!(inspect(d, &sealed).contains(&format!(
            "ssh-{}",
            if kind == "rsa" { "rsa" } else { "ed25519" }
        )));
        let plain = format!("{name}.plain");
        tgseal_decrypts(d, &["-i", name, "-o", &plain, &sealed], &plain);
        let Some(age) = tool("age") else { continue };
        let by_age = format!("{name}.by-age");
        run_tool(age, d, &["-d", "-i", name, "-o", &by_age, &sealed]);
        assert_eq!(std::fs::read(d.join(&by_age)).unwrap(), content());
        let from_age = format!("{name}.from-age.age");
        run_tool(
            Command::new("age"),
            d,
            &["-R", &format!("{name}.pub"), "-o", &from_age, "doc.bin"],
        );
        let back = format!("{name}.back");
        tgseal_decrypts(d, &["-i", name, "-o", &back, &from_age], &back);
    }
}

#[test]
fn multiple_recipients_and_a_recipients_file() {
    let (dir, first) = setup();
    let d = dir.path();
    let second = keygen(d, "second.txt");
    std::fs::write(d.join("team.txt"), format!("# the team\n\n{second}\n")).unwrap();
    assert_ok(&tgseal(
        d,
        &["encrypt", "-r", &first, "-R", "team.txt", "doc.bin"],
    ));
    let info = inspect(d, "doc.bin.age");
    assert_eq!(info.matches("X25519").count(), 2, "{info}");
    tgseal_decrypts(
        d,
        &["-i", "second.txt", "-o", "b.bin", "doc.bin.age"],
        "b.bin",
    );
    age_decrypts(d, "doc.bin.age");
    // A bad line in a recipients file names the line.
    std::fs::write(d.join("bad.txt"), format!("{second}\nnot-a-key\n")).unwrap();
    let bad = tgseal(d, &["encrypt", "-R", "bad.txt", "-o", "x.age", "doc.bin"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("bad.txt line 2"), "{}", stderr(&bad));
}

/// An age scrypt file made by the age crate (what `age -p` writes).
fn scrypt_file(passphrase: &str, log_n: u8, plain: &[u8]) -> Vec<u8> {
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
    recipient.set_work_factor(log_n);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as _)).unwrap();
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).unwrap();
    std::io::Write::write_all(&mut w, plain).unwrap();
    w.finish().unwrap();
    out
}

#[test]
fn passphrase_age_files_both_ways() {
    let (dir, _) = setup();
    let d = dir.path();
    assert_ok(&tgseal(d, &["encrypt", "--age", "-o", "p.age", "doc.bin"]));
    let info = inspect(d, "p.age");
    assert!(
        info.contains("scrypt (passphrase), work factor 2^18"),
        "{info}"
    );
    // The age crate (rage's library) opens it with the same passphrase.
    let sealed = std::fs::read(d.join("p.age")).unwrap();
    let decryptor = age::Decryptor::new(&sealed[..]).unwrap();
    let identity = age::scrypt::Identity::new(SecretString::from(PASS.to_owned()));
    let mut reader = decryptor.decrypt(std::iter::once(&identity as _)).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut plain).unwrap();
    assert_eq!(plain, content());
    // tgseal opens an scrypt file the age crate made.
    std::fs::write(d.join("made.age"), scrypt_file(PASS, 12, b"hi")).unwrap();
    assert_ok(&tgseal(d, &["decrypt", "made.age"]));
    assert_eq!(std::fs::read(d.join("made")).unwrap(), b"hi");
    // wrong passphrase: exit 3, nothing left behind
    let wrong = tgseal_process(d)
        .args(["decrypt", "-O", "out", "made.age"])
        .env("TGSEAL_PASSPHRASE", "nope")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    assert!(stderr(&wrong).contains("wrong passphrase"));
    assert_empty(&d.join("out"));
}

#[test]
fn encrypted_identity_files_ask_for_their_passphrase() {
    let (dir, public) = setup();
    let d = dir.path();
    let key = std::fs::read(d.join("key.txt")).unwrap();
    std::fs::write(d.join("key.age"), scrypt_file(PASS, 10, &key)).unwrap();
    assert_ok(&tgseal(d, &["encrypt", "-r", &public, "doc.bin"]));
    tgseal_decrypts(d, &["-i", "key.age", "-o", "plain", "doc.bin.age"], "plain");
    // armored encrypted identity, wrong passphrase: a clear error, nothing written
    let out = tgseal_process(d)
        .args(["decrypt", "-i", "key.age", "-o", "plain2", "doc.bin.age"])
        .env("TGSEAL_PASSPHRASE", "nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("cannot use the identity file key.age: cannot decrypt it: wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert!(!d.join("plain2").exists());
}

/// Runs a failing decrypt into an empty folder; checks code, message, and that nothing is left.
fn fails(d: &Path, args: &[&str], code: i32, message: &str) {
    let out_dir = d.join("out");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir(&out_dir).unwrap();
    let mut all = vec!["decrypt", "-O", "out"];
    all.extend_from_slice(args);
    let out = tgseal(d, &all);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    assert!(
        entries(&out_dir).is_empty(),
        "{args:?} left {:?}",
        entries(&out_dir)
    );
}

#[test]
fn damaged_and_mismatched_age_files_fail_cleanly() {
    let (dir, public) = setup();
    let d = dir.path();
    assert_ok(&tgseal(d, &["keygen", "-o", "other.txt"]));
    assert_ok(&tgseal(d, &["encrypt", "-r", &public, "doc.bin"]));
    let good = std::fs::read(d.join("doc.bin.age")).unwrap();

    fails(
        d,
        &["-i", "other.txt", "doc.bin.age"],
        3,
        "no identity matches",
    );
    fails(d, &["doc.bin.age"], 3, "encrypted to public keys");

    // Payload layout: header, 16-byte nonce, chunks of 64 KiB + 16-byte tag.
    let header_len = good.windows(4).position(|w| w == b"\n---").unwrap();
    let payload_start = header_len
        + 1
        + good[header_len + 1..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap()
        + 1;
    std::fs::write(
        d.join("chunk-cut.age"),
        &good[..payload_start + 16 + 65_536 + 16],
    )
    .unwrap();
    fails(
        d,
        &["-i", "key.txt", "chunk-cut.age"],
        3,
        "truncated (it ends before its final chunk)",
    );
    std::fs::write(d.join("cut.age"), &good[..good.len() - 1000]).unwrap();
    fails(
        d,
        &["-i", "key.txt", "cut.age"],
        3,
        "damaged or was tampered with",
    );
    std::fs::write(d.join("header-cut.age"), &good[..header_len]).unwrap();
    fails(
        d,
        &["-i", "key.txt", "header-cut.age"],
        3,
        "truncated (it ends inside its header)",
    );

    let mut flipped = good.clone();
    let at = good.len() - 70_000;
    flipped[at] ^= 1;
    std::fs::write(d.join("flipped.age"), &flipped).unwrap();
    fails(
        d,
        &["-i", "key.txt", "flipped.age"],
        3,
        "a payload chunk does not verify",
    );

    let mut trailing = good.clone();
    trailing.extend_from_slice(b"extra");
    std::fs::write(d.join("trailing.age"), &trailing).unwrap();
    fails(
        d,
        &["-i", "key.txt", "trailing.age"],
        3,
        "damaged or was tampered with",
    );

    let mut mac = good.clone();
    let mac_at = header_len + 5;
    mac[mac_at] = if mac[mac_at] == b'A' { b'B' } else { b'A' };
    std::fs::write(d.join("mac.age"), &mac).unwrap();
    fails(
        d,
        &["-i", "key.txt", "mac.age"],
        3,
        "header MAC does not verify",
    );

    // A character that is not base64 in the stanza body: the age crate calls
    // that an unknown format; it is a damaged v1 header (exit 3).
    let mut stanza = good.clone();
    let body = (0..stanza.len())
        .filter(|&i| stanza[i] == b'\n')
        .nth(1)
        .unwrap()
        + 1;
    stanza[body] = b'!';
    std::fs::write(d.join("stanza.age"), &stanza).unwrap();
    fails(
        d,
        &["-i", "key.txt", "stanza.age"],
        3,
        "its header is malformed",
    );

    std::fs::write(
        d.join("version.age"),
        b"age-encryption.org/v2\n-> X\n--- x\n",
    )
    .unwrap();
    fails(
        d,
        &["-i", "key.txt", "version.age"],
        1,
        "unsupported age format version",
    );

    // A passphrase stanza beside an X25519 one (test kit vector scrypt_and_x25519).
    let vector = std::fs::read(crate_dir().join("age-testkit/scrypt_and_x25519")).unwrap();
    let body = vector.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
    std::fs::write(d.join("mixed.age"), &vector[body..]).unwrap();
    fails(
        d,
        &["-i", "key.txt", "mixed.age"],
        1,
        "mixes a passphrase (scrypt) stanza",
    );
    fails(d, &["mixed.age"], 1, "mixes a passphrase (scrypt) stanza");
}

#[test]
fn scrypt_work_factor_over_the_cap_is_refused_before_any_scrypt() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Raise the header's work factor from 2^10 to 2^22: the cap check comes
    // before scrypt and before the MAC, so no 4 GiB scrypt ever runs.
    let file = scrypt_file(PASS, 10, b"x");
    let text = String::from_utf8_lossy(&file).into_owned();
    let line_end = text.find(" 10\n").unwrap();
    let mut edited = file[..line_end].to_vec();
    edited.extend_from_slice(b" 22\n");
    edited.extend_from_slice(&file[line_end + 4..]);
    std::fs::write(d.join("heavy.age"), &edited).unwrap();
    fails(
        d,
        &["heavy.age"],
        1,
        "scrypt work factor 2^22), above the limit of 2^21",
    );
    let info = inspect(d, "heavy.age");
    assert!(info.contains("work factor 2^22"), "{info}");
}

#[test]
fn inspect_names_the_stanzas_and_the_armor() {
    let (dir, public) = setup();
    let d = dir.path();
    assert_ok(&tgseal(
        d,
        &[
            "encrypt", "-r", &public, "--armor", "-o", "a.age", "doc.bin",
        ],
    ));
    let out = tgseal(d, &["inspect", "a.age"]);
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ASCII armor"), "{text}");
    assert!(text.contains("X25519"), "{text}");
}

#[test]
fn sealed_and_age_inputs_mix_in_one_call() {
    let (dir, public) = setup();
    let d = dir.path();
    std::fs::write(d.join("note.txt"), b"native").unwrap();
    assert_ok(&tgseal(
        d,
        &["encrypt", "--kdf-params", "64,1,1", "note.txt"],
    ));
    assert_ok(&tgseal(d, &["encrypt", "-r", &public, "doc.bin"]));
    std::fs::remove_file(d.join("note.txt")).unwrap();
    std::fs::remove_file(d.join("doc.bin")).unwrap();
    assert_ok(&tgseal(
        d,
        &["decrypt", "-i", "key.txt", "note.txt.tgseal", "doc.bin.age"],
    ));
    assert_eq!(std::fs::read(d.join("note.txt")).unwrap(), b"native");
    assert_eq!(std::fs::read(d.join("doc.bin")).unwrap(), content());
}

#[test]
fn standard_input_and_output_work_for_age_passphrase_files() {
    let (dir, _) = setup();
    let d = dir.path();
    let run = |args: &[&str], stdin: &str| {
        tgseal_process(d)
            .args(args)
            .stdin(std::fs::File::open(d.join(stdin)).unwrap())
            .output()
            .unwrap()
    };
    assert_ok(&run(
        &["encrypt", "--age", "--armor", "-o", "p.age", "-"],
        "doc.bin",
    ));
    assert!(
        std::fs::read(d.join("p.age"))
            .unwrap()
            .starts_with(b"-----BEGIN AGE")
    );
    let out = run(&["decrypt", "--age", "-o", "-", "-"], "p.age");
    assert_ok(&out);
    assert_eq!(out.stdout, content());
}

// ----- the Telegram options with age output (docs/AGE.md) ----------------------

/// The files in `dir` other than the setup's own.
fn outputs(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| !["doc.bin", "key.txt"].contains(&n.as_str()))
        .collect()
}

#[test]
fn hide_name_gives_a_random_age_name_that_age_decrypts() {
    let (dir, public) = setup();
    let d = dir.path();
    assert_ok(&tgseal(
        d,
        &["encrypt", "-r", &public, "--hide-name", "doc.bin"],
    ));
    assert_ok(&tgseal(
        d,
        &["encrypt", "-r", &public, "--hide-name", "doc.bin"],
    ));
    let written = outputs(d);
    assert_eq!(written.len(), 2, "{written:?}");
    assert_ne!(written[0], written[1]);
    for name in &written {
        let stem = name.strip_suffix(".age").unwrap();
        assert_eq!(stem.len(), 8, "{name}");
        assert!(
            stem.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{name}"
        );
        age_decrypts(d, name);
    }
    // tgseal opens it too: the random name without .age.
    let stem = written[0].strip_suffix(".age").unwrap();
    tgseal_decrypts(
        d,
        &["-i", "key.txt", "-O", "out", &written[0]],
        &format!("out/{stem}"),
    );
}

/// Encrypts doc.bin to `public` split into parts of 64 KiB in `parts/`; returns their names.
fn split_into_parts(d: &Path, public: &str) -> Vec<String> {
    let out = tgseal(
        d,
        &[
            "encrypt", "-r", public, "--split", "64K", "-O", "parts", "doc.bin",
        ],
    );
    assert_ok(&out);
    assert!(
        stderr(&out).contains("written as 4 parts"),
        "{}",
        stderr(&out)
    );
    entries(&d.join("parts"))
}

#[test]
fn split_age_parts_are_raw_bytes_that_cat_joins_for_age() {
    let (dir, public) = setup();
    let d = dir.path();
    let parts = split_into_parts(d, &public);
    assert_eq!(
        parts,
        [
            "doc.bin.age.001",
            "doc.bin.age.002",
            "doc.bin.age.003",
            "doc.bin.age.004"
        ]
    );
    let mut joined = Vec::new();
    for part in &parts {
        let bytes = std::fs::read(d.join("parts").join(part)).unwrap();
        assert!(bytes.len() <= 64 * 1024, "{part}: {}", bytes.len());
        if part.ends_with(".001") {
            assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
            assert_eq!(bytes.len(), 64 * 1024, "a part is filled to the limit");
        }
        joined.extend(bytes);
    }
    let Some(mut sh) = tool("sh") else { return };
    let status = sh
        .current_dir(d)
        .args(["-c", "cat parts/doc.bin.age.0* > joined.age"])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read(d.join("joined.age")).unwrap(), joined);
    age_decrypts(d, "joined.age");
    // Hidden and split: the parts carry the random name.
    assert_ok(&tgseal(
        d,
        &[
            "encrypt",
            "-r",
            &public,
            "--split",
            "64K",
            "--hide-name",
            "-O",
            "hidden",
            "doc.bin",
        ],
    ));
    let hidden = entries(&d.join("hidden"));
    assert_eq!(hidden.len(), 4, "{hidden:?}");
    assert!(
        hidden[0].ends_with(".age.001") && !hidden[0].contains("doc"),
        "{hidden:?}"
    );
}

#[test]
fn tgseal_decrypts_split_age_parts_from_one_part_all_parts_or_the_folder() {
    let (dir, public) = setup();
    let d = dir.path();
    let parts = split_into_parts(d, &public);
    let part = |i: usize| format!("parts/{}", parts[i]);
    for (out, args) in [
        ("one", vec![part(2)]),
        ("all", (0..4).map(part).collect()),
        ("folder", vec!["parts".to_owned()]),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let result = decrypt_json(d, out, &args);
        assert_ok(&result);
        let lines = String::from_utf8_lossy(&result.stdout).lines().count();
        assert_eq!(lines, 1, "{out}: the set is decrypted once");
        assert_eq!(entries(&d.join(out)), ["doc.bin"], "{out}");
        assert_eq!(
            std::fs::read(d.join(out).join("doc.bin")).unwrap(),
            content()
        );
    }
    // A passphrase file split the same way opens with the passphrase.
    assert_ok(&tgseal(
        d,
        &[
            "encrypt", "--age", "--split", "100K", "-o", "p.age", "doc.bin",
        ],
    ));
    tgseal_decrypts(d, &["-O", "pass", "p.age.002"], "pass/p");
}

#[test]
fn a_missing_middle_part_is_named_and_nothing_is_written() {
    let (dir, public) = setup();
    let d = dir.path();
    split_into_parts(d, &public);
    std::fs::remove_file(d.join("parts/doc.bin.age.002")).unwrap();
    for given in ["parts/doc.bin.age.003", "parts"] {
        fails(
            d,
            &["-i", "key.txt", given],
            1,
            "doc.bin.age.002: part 2 of the split age file is missing",
        );
    }
}

#[test]
fn a_missing_last_part_reads_as_truncated_and_nothing_is_written() {
    let (dir, public) = setup();
    let d = dir.path();
    split_into_parts(d, &public);
    std::fs::remove_file(d.join("parts/doc.bin.age.004")).unwrap();
    fails(
        d,
        &["-i", "key.txt", "parts/doc.bin.age.001"],
        3,
        "the age file is truncated: its parts end with doc.bin.age.003 before the file's final chunk; \
         doc.bin.age.004 is missing",
    );
    // A part changed inside, the last part present: that is damage, not a missing part.
    split_into_parts_again(d, &public);
    let middle = d.join("parts/doc.bin.age.002");
    let mut bytes = std::fs::read(&middle).unwrap();
    bytes[1000] ^= 1;
    std::fs::write(&middle, bytes).unwrap();
    fails(
        d,
        &["-i", "key.txt", "parts/doc.bin.age.001"],
        3,
        "a payload chunk does not verify",
    );
}

fn split_into_parts_again(d: &Path, public: &str) {
    std::fs::remove_dir_all(d.join("parts")).unwrap();
    split_into_parts(d, public);
}

#[test]
fn json_lines_report_age_encrypt_and_decrypt() {
    let (dir, public) = setup();
    let d = dir.path();
    std::fs::write(d.join("small.txt"), b"small").unwrap();
    let out = tgseal(
        d,
        &[
            "encrypt",
            "-r",
            &public,
            "--json",
            "-O",
            "enc",
            "doc.bin",
            "small.txt",
        ],
    );
    assert_ok(&out);
    let mut records = json_lines(&out.stdout);
    records.sort_by_key(|r| r["input"].as_str().unwrap().to_owned());
    assert_eq!(records.len(), 2);
    for (record, (input, len)) in records.iter().zip([("doc.bin", 200_000), ("small.txt", 5)]) {
        assert_eq!(record["operation"], "encrypt");
        assert_eq!(record["status"], "ok");
        assert_eq!(record["input"], input);
        let output = format!("enc/{input}.age");
        assert_eq!(record["output"], output.as_str());
        assert_eq!(record["bytes_in"], len);
        let written = std::fs::metadata(d.join(&output)).unwrap().len();
        assert_eq!(record["bytes_out"], written);
    }
    // A mixed call: an age file, a sealed file, one no key opens, one missing.
    assert_ok(&tgseal(d, &["keygen", "-o", "other.txt"]));
    let other = keygen(d, "third.txt");
    assert_ok(&tgseal(
        d,
        &["encrypt", "-r", &other, "-o", "foreign.age", "small.txt"],
    ));
    assert_ok(&tgseal(
        d,
        &[
            "encrypt",
            "--kdf-params",
            "64,1,1",
            "-o",
            "sealed.tgseal",
            "small.txt",
        ],
    ));
    let inputs = [
        "enc/doc.bin.age",
        "sealed.tgseal",
        "foreign.age",
        "missing.age",
    ];
    let out = decrypt_json(d, "dec", &inputs);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let records = json_lines(&out.stdout);
    let by_input = |input: &str| record(&records, input);
    assert_eq!(records.len(), 4);
    let age = by_input("enc/doc.bin.age");
    assert_eq!(age["status"], "ok");
    assert_eq!(age["output"], "dec/doc.bin");
    assert_eq!(age["bytes_out"], 200_000);
    assert_eq!(
        age["bytes_in"],
        std::fs::metadata(d.join("enc/doc.bin.age")).unwrap().len()
    );
    assert_eq!(by_input("sealed.tgseal")["output"], "dec/small.txt");
    let foreign = by_input("foreign.age");
    assert_eq!(foreign["status"], "error");
    assert_eq!(foreign["error_kind"], "no_matching_identity");
    assert_eq!(by_input("missing.age")["error_kind"], "io");
    assert!(
        stderr(&out).contains("opened 2 of 4 inputs; 2 failed"),
        "{}",
        stderr(&out)
    );
    // --fail-fast with one job at a time: nothing is started after the failure.
    let out = decrypt_json(
        d,
        "ff",
        &["-j", "1", "--fail-fast", "foreign.age", "enc/small.txt.age"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let records = json_lines(&out.stdout);
    assert_eq!(records[1]["status"], "skipped", "{records:?}");
    assert!(!d.join("ff/small.txt").exists());
}

#[test]
fn options_of_the_sealed_format_are_refused_with_age_output() {
    let (dir, public) = setup();
    let d = dir.path();
    std::fs::create_dir(d.join("folder")).unwrap();
    let refused: [(&[&str], &str); 10] = [
        (
            &["--pad"],
            "--pad does not apply to age output: the age format has no padding",
        ),
        (&["--kdf", "paranoid"], "--kdf does not apply to age output"),
        (
            &["--kdf-params", "64,1,1"],
            "--kdf-params does not apply to age output",
        ),
        (
            &["--kdf-per-file"],
            "--kdf-per-file does not apply to age output",
        ),
        (
            &["--chunk-log2", "16"],
            "--chunk-log2 does not apply to age output",
        ),
        (
            &["--passphrase-file", "key.txt"],
            "--passphrase-file does not apply to age output",
        ),
        (
            &["--generate-passphrase"],
            "--generate-passphrase does not apply to age output",
        ),
        (
            &["--allow-weak"],
            "--allow-weak does not apply to age output",
        ),
        (&["--split", "1M", "-o", "-"], "--split writes part files"),
        (
            &["folder"],
            "folder is a folder: age output encrypts one file at a time",
        ),
    ];
    for (extra, message) in refused {
        let mut args = vec!["encrypt", "-r", &public];
        args.extend_from_slice(extra);
        if extra != ["folder"] {
            args.push("doc.bin");
        }
        let out = tgseal(d, &args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(message),
            "{extra:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{extra:?}");
        assert!(
            outputs(d).iter().all(|n| n == "folder"),
            "{extra:?}: {:?}",
            outputs(d)
        );
    }
    // With --age the passphrase options apply; --pad and the KDF options still do not.
    let out = tgseal(d, &["encrypt", "--age", "--pad", "doc.bin"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn each_encrypts_every_file_of_a_folder_to_age() {
    let (dir, public) = setup();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tree/sub")).unwrap();
    std::fs::write(d.join("tree/a.txt"), b"a").unwrap();
    std::fs::write(d.join("tree/sub/b.txt"), b"b").unwrap();
    assert_ok(&tgseal(
        d,
        &["encrypt", "-r", &public, "--each", "-O", "enc", "tree"],
    ));
    assert_eq!(entries(&d.join("enc")), ["a.txt.age", "sub"]);
    assert_ok(&tgseal(
        d,
        &[
            "decrypt",
            "-i",
            "key.txt",
            "-o",
            "b.txt",
            "enc/sub/b.txt.age",
        ],
    ));
    assert_eq!(std::fs::read(d.join("b.txt")).unwrap(), b"b");
}

#[test]
fn a_generated_passphrase_opens_the_age_file() {
    let (dir, _) = setup();
    let d = dir.path();
    let out = tgseal_process(d)
        .args(["encrypt", "--age", "--generate-passphrase", "doc.bin"])
        .env_remove("TGSEAL_PASSPHRASE")
        .output()
        .unwrap();
    assert_ok(&out);
    let text = stderr(&out);
    let generated = text
        .lines()
        .find_map(|line| line.strip_prefix("    "))
        .unwrap_or_else(|| panic!("no passphrase shown: {text}"));
    let opened = tgseal_process(d)
        .args(["decrypt", "-o", "back.bin", "doc.bin.age"])
        .env("TGSEAL_PASSPHRASE", generated)
        .output()
        .unwrap();
    assert_ok(&opened);
    assert_eq!(std::fs::read(d.join("back.bin")).unwrap(), content());
}
