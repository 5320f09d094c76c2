//! Runs the independent Python decryptor (tests/independent/tgseal_decrypt.py,
//! written from docs/FORMAT.md alone) over every test vector and over fresh
//! files from the real binary: the spec is complete if it agrees.
//!
//! Needs python3 with the `cryptography` package (>= 44, for Argon2id). When
//! missing, the test is skipped with a notice, unless TGSEAL_REQUIRE_PYTHON=1
//! (set by .ci/run), where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use tgseal_e2e::{PASS, crate_dir, encrypt, folder_with_file, vector_descriptions};

fn python_ready() -> bool {
    let ok = Command::new("python3")
        .args([
            "-c",
            "from cryptography.hazmat.primitives.kdf.argon2 import Argon2id",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("TGSEAL_REQUIRE_PYTHON").is_none(),
            "python3 with cryptography >= 44 is required (pip install 'cryptography>=44')"
        );
        eprintln!("skipped: python3 with cryptography >= 44 not found");
    }
    ok
}

fn run_python(sealed: &Path, passphrase: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let pass_file = dir.path().join("pass");
    std::fs::write(&pass_file, passphrase).unwrap();
    let script = crate_dir().join("independent/tgseal_decrypt.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(sealed)
        .arg(&pass_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn independent_decryptor_agrees_on_every_vector() {
    if !python_ready() {
        return;
    }
    let mut checked = 0;
    for json in vector_descriptions() {
        let info: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        // Armor (§11) and parts (§10) only wrap sealed files; the Python
        // decryptor checks the sealed-file format itself (§1–5).
        if info.get("form").is_some_and(|f| f != "binary") {
            continue;
        }
        let result = run_python(
            &json.with_extension("tgseal"),
            info["passphrase"].as_str().unwrap(),
        );
        assert_eq!(result["outcome"], info["expect"], "{}", json.display());
        if info["expect"] == "success" {
            let plain = std::fs::read(json.with_extension("plain")).unwrap();
            assert_eq!(
                result["plaintext_hex"].as_str().unwrap(),
                hex::encode(plain),
                "{}",
                json.display()
            );
            assert_eq!(result["name"], info["name"]);
            // §4.3: a folder's archive, extracted by the spec's rules.
            if let Some(tree) = info.get("tree") {
                assert_eq!(&result["tree"], tree, "{}", json.display());
            }
        }
        checked += 1;
    }
    assert!(checked >= 15);
}

#[test]
fn independent_decryptor_opens_what_the_binary_writes() {
    if !python_ready() {
        return;
    }
    let (dir, _, data) = folder_with_file("photo.jpg", 600_000);
    encrypt(dir.path(), &["photo.jpg"]).assert().success();
    let result = run_python(&dir.path().join("photo.jpg.tgseal"), PASS);
    assert_eq!(result["outcome"], "success");
    assert_eq!(result["name"], "photo.jpg");
    assert_eq!(result["plaintext_hex"].as_str().unwrap(), hex::encode(data));
}

#[cfg(unix)]
#[test]
fn independent_decryptor_extracts_the_folders_the_binary_writes() {
    // FORMAT.md §4.3: the tar dialect the writer really writes (GNU headers,
    // modes with type bits, long names, links, byte order) read by the spec alone.
    use std::os::unix::fs::{PermissionsExt, symlink};
    if !python_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("photos");
    let long = "n".repeat(150);
    std::fs::create_dir_all(root.join("2024/Z")).unwrap();
    std::fs::write(root.join("2024/Z/a.txt"), "deep\n").unwrap();
    std::fs::write(root.join("2024.txt"), "after the folder 2024\n").unwrap();
    std::fs::write(root.join(&long), "a long name\n").unwrap();
    std::fs::write(root.join("\u{e9}t\u{e9}.txt"), "UTF-8 name\n").unwrap();
    symlink(
        format!("2024/Z/{}", "../".repeat(2) + &long),
        root.join("link"),
    )
    .unwrap();
    std::fs::set_permissions(root.join("2024"), std::fs::Permissions::from_mode(0o750)).unwrap();
    std::fs::set_permissions(
        root.join("2024.txt"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    encrypt(dir.path(), &["photos"]).assert().success();
    let result = run_python(&dir.path().join("photos.tgseal"), PASS);
    assert_eq!(result["outcome"], "success");
    assert_eq!(result["name"], "photos");
    let expected = tgseal_e2e::folder_tree(&root);
    assert_eq!(result["tree"], serde_json::Value::Array(expected));
}
