//! Walks every vector of the age test kit (C2SP CCTV, tests/age-testkit/,
//! format in ABOUT.md there) through tgseal's age decrypt path: the outcome
//! class must match `expect`, and all plaintext released — also when
//! decryption fails part-way — must hash to `payload`. The file-level
//! function must leave nothing behind when a vector fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tgseal_age::{DecryptWith, Error, Identities};
use tgseal_core::{Control, Passphrase};
use tgseal_e2e::{crate_dir, paths_in};
use tgseal_workflow::DecryptTarget;

/// Vectors whose outcome differs from `expect`, each with its reason
/// (also listed in docs/AGE.md).
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "stanza_missing_body",
        "success",
        "the age crate still parses legacy stanzas without an explicit short final body line",
    ),
    (
        "stanza_missing_final_line",
        "success",
        "the age crate still parses legacy stanzas without an explicit short final body line",
    ),
];

/// Vectors skipped, with the reason.
fn skipped(name: &str) -> Option<&'static str> {
    if name.contains("hybrid") {
        return Some("hybrid ML-KEM-768 + X25519 identities: the age crate 0.12 has none");
    }
    None
}

struct Vector {
    name: String,
    expect: String,
    payload: Option<[u8; 32]>,
    identities: Vec<String>,
    passphrases: Vec<String>,
    age_file: Vec<u8>,
}

fn parse(path: &Path) -> Option<Vector> {
    let raw = std::fs::read(path).unwrap();
    let split = raw.windows(2).position(|w| w == b"\n\n").unwrap();
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let body = &raw[split + 2..];
    let mut v = Vector {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        expect: String::new(),
        payload: None,
        identities: vec![],
        passphrases: vec![],
        age_file: vec![],
    };
    let mut compressed = false;
    for line in head.lines() {
        let (key, value) = line.split_once(": ").unwrap();
        match key {
            "expect" => v.expect = value.to_owned(),
            "payload" => v.payload = Some(hex::decode(value).unwrap().try_into().unwrap()),
            "identity" => v.identities.push(value.to_owned()),
            "passphrase" => v.passphrases.push(value.to_owned()),
            "compressed" => compressed = value == "zlib",
            "armored" | "file key" | "comment" => {}
            _ => return None, // ABOUT.md: ignore files with unknown keys
        }
    }
    v.age_file = if compressed {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(body)
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        body.to_vec()
    };
    Some(v)
}

/// The test kit's outcome class of an error.
fn class(err: &Error) -> &'static str {
    match err {
        Error::BadArmor(_) => "armor failure",
        Error::HeaderMac => "HMAC failure",
        Error::NoMatchingIdentity
        | Error::WrongPassphrase
        | Error::NeedsIdentity
        | Error::NeedsPassphrase => "no match",
        Error::Tampered | Error::Truncated => "payload failure",
        Error::NotAge
        | Error::UnsupportedVersion
        | Error::BadHeader
        | Error::MixedPassphrase
        | Error::WorkFactorOverCap { .. }
        | Error::TruncatedHeader => "header failure",
        other => panic!("unexpected error class: {other}"),
    }
}

/// Runs the vector through the streaming API; returns the outcome class and
/// everything released.
fn run(v: &Vector, identities: &Identities, passphrases: &[Passphrase]) -> (String, Vec<u8>) {
    let mut attempts: Vec<DecryptWith<'_>> = passphrases
        .iter()
        .map(|p| DecryptWith::Passphrase {
            passphrase: p,
            max_work_factor: tgseal_age::DEFAULT_MAX_WORK_FACTOR,
        })
        .collect();
    if !identities.is_empty() || attempts.is_empty() {
        attempts.push(DecryptWith::Identities(identities));
    }
    let mut last = (String::new(), Vec::new());
    for with in attempts {
        let mut released = Vec::new();
        let outcome =
            tgseal_age::decrypt(&v.age_file[..], &mut released, with, &Control::new(), None);
        last = match outcome {
            Ok(_) => ("success".to_owned(), released),
            Err(e @ (Error::WrongPassphrase | Error::NeedsIdentity | Error::NeedsPassphrase)) => {
                (class(&e).to_owned(), released)
            }
            Err(e) => return (class(&e).to_owned(), released),
        };
        if last.0 == "success" {
            break;
        }
    }
    last
}

fn vectors() -> Vec<PathBuf> {
    paths_in(&crate_dir().join("age-testkit"), |p| {
        p.file_name().unwrap() != "ABOUT.md"
    })
}

#[test]
fn every_age_vector_has_the_expected_outcome() {
    let all = vectors();
    assert_eq!(all.len(), 143, "the full CCTV age test kit");
    let (mut passed, mut excepted, mut skips, mut failures) = (0, 0, 0, Vec::new());
    for path in &all {
        let Some(v) = parse(path) else {
            eprintln!("skip {}: unknown keys (ABOUT.md: ignore)", path.display());
            skips += 1;
            continue;
        };
        if let Some(reason) = skipped(&v.name) {
            eprintln!("skip {}: {reason}", v.name);
            skips += 1;
            continue;
        }
        let identities = Identities::from_text(v.identities.join("\n").as_bytes()).unwrap();
        let passphrases: Vec<Passphrase> = v
            .passphrases
            .iter()
            .map(|p| Passphrase::new(p).unwrap())
            .collect();
        let (outcome, released) = run(&v, &identities, &passphrases);
        let expected = EXCEPTIONS
            .iter()
            .find(|(name, _, _)| *name == v.name)
            .map(|(_, outcome, _)| *outcome);
        let want = expected.unwrap_or(&v.expect);
        if outcome != want {
            failures.push(format!("{}: expected {want}, got {outcome}", v.name));
            continue;
        }
        let hash_ok = match v.payload {
            Some(hash) if outcome == "success" || outcome == "payload failure" => {
                Sha256::digest(&released)[..] == hash
            }
            // No payload key was ever derived: nothing may have been released.
            _ => outcome == "success" || released.is_empty(),
        };
        if !hash_ok {
            failures.push(format!("{}: wrong plaintext released", v.name));
            continue;
        }
        if outcome != "success" {
            check_nothing_left_behind(&v, &identities, &passphrases, &mut failures);
        }
        if expected.is_some() {
            excepted += 1;
        } else {
            passed += 1;
        }
    }
    eprintln!(
        "age test kit: {passed} as expected, {excepted} documented exceptions, {skips} skipped, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The file-level function leaves no output (and no temporary file) behind.
fn check_nothing_left_behind(
    v: &Vector,
    identities: &Identities,
    passphrases: &[Passphrase],
    failures: &mut Vec<String>,
) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.age");
    std::fs::write(&input, &v.age_file).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let with = match passphrases.first() {
        Some(p) if identities.is_empty() => DecryptWith::passphrase(p),
        _ => DecryptWith::Identities(identities),
    };
    let result = tgseal_workflow::age::input::AgeInput::File(input.clone()).decrypt(
        &DecryptTarget::Folder(out.clone()),
        with,
        false,
        &Control::new(),
    );
    let left = std::fs::read_dir(&out).unwrap().count();
    if result.is_ok() || left != 0 {
        failures.push(format!(
            "{}: file-level decrypt {} and left {left} files",
            v.name,
            if result.is_ok() {
                "succeeded"
            } else {
                "failed"
            }
        ));
    }
}
