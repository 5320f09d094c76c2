//! Walks every test vector in tests/vectors/ (docs/FORMAT.md §7).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::Value;
use tgseal_core::{Control, Decryptor, KdfCap, Keyring, Passphrase};
use tgseal_e2e::vector_descriptions;

fn check(json_path: &Path) {
    let info: Value = serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    let keyring = Keyring::new(
        Passphrase::new(info["passphrase"].as_str().unwrap()).unwrap(),
        KdfCap::DEFAULT,
    );
    let expect = info["expect"].as_str().unwrap();
    let sealed = match sealed_bytes(json_path, &info) {
        Ok(sealed) => sealed,
        Err(err) => {
            assert_eq!(err.kind(), expect, "{}: {err}", json_path.display());
            return;
        }
    };
    if info["kind"] == "folder" || info.get("tree").is_some() {
        check_folder(json_path, &info, &sealed, &keyring);
    }
    if info["kind"] == "folder" && expect != "success" {
        // An archive refused while extracting (§4.3): its bytes decrypt.
        return;
    }
    let mut released = Vec::new();
    let outcome = Decryptor::new(&sealed[..], &keyring).and_then(|d| {
        let meta = d.metadata().clone();
        d.decrypt_to(&mut released, &Control::new()).map(|_| meta)
    });
    match outcome {
        Ok(meta) => {
            assert_eq!(
                expect,
                "success",
                "{} decrypted but should fail",
                json_path.display()
            );
            let plain = std::fs::read(json_path.with_extension("plain")).unwrap();
            assert_eq!(released, plain, "{}", json_path.display());
            assert_eq!(meta.name, info["name"].as_str().unwrap());
            if let Some(restored) = info["restored_name"].as_str() {
                // §4.2: the file name a reader restores from the stored name.
                let cleaned = tgseal_core::untrusted::restored_name(&meta.name);
                assert_eq!(
                    cleaned.map(|r| r.name).as_deref(),
                    Some(restored),
                    "{}",
                    json_path.display()
                );
            }
            assert_eq!(meta.content_len, info["content_len"].as_u64());
            assert_eq!(meta.padding_len, info["padding_len"].as_u64().unwrap_or(0));
            if let Some(secs) = info["modified_unix"].as_u64() {
                let nanos = info["modified_nanos"].as_u64().unwrap_or(0) as u32;
                assert_eq!(meta.modified, Some(UNIX_EPOCH + Duration::new(secs, nanos)));
            }
        }
        Err(err) => {
            assert_eq!(err.kind(), expect, "{}: {err}", json_path.display());
            // A failure that happens in the payload may have released verified
            // chunks, never anything from the failing chunk: most vectors fail
            // in their only chunk or in the header, so nothing was released;
            // `released` says how much a vector may release.
            let may_release = info["released"].as_u64().unwrap_or(0);
            assert_eq!(
                released.len() as u64,
                may_release,
                "{} released plaintext",
                json_path.display()
            );
        }
    }
}

/// A folder vector (kind 1, FORMAT.md §4.3): extracted as `tgseal decrypt`
/// extracts it, the outcome is `expect`; on success the folder holds exactly
/// the vector's `tree` (paths, types, modes, file contents, link targets);
/// on failure nothing is left.
fn check_folder(json_path: &Path, info: &Value, sealed: &[u8], keyring: &Keyring) {
    let expect = info["expect"].as_str().unwrap();
    let work = tempfile::tempdir().unwrap();
    let target = work.path().join("out");
    let result = Decryptor::new(sealed, keyring).and_then(|d| {
        tgseal_workflow::folder::extract_sealed(
            d,
            &target,
            false,
            &tgseal_core::DecryptOptions::default(),
            &Control::new(),
        )
    });
    match result {
        Ok(_) => {
            assert_eq!(expect, "success", "{} extracted", json_path.display());
            let tree = tgseal_e2e::folder_tree(&target);
            let mut expected: Vec<Value> = info["tree"].as_array().unwrap().clone();
            // A `null` mode is the one a new folder gets here (the umask's).
            for (want, got) in expected.iter_mut().zip(&tree) {
                if want.get("mode").is_some_and(Value::is_null) {
                    want["mode"] = got["mode"].clone();
                }
            }
            if cfg!(unix) {
                assert_eq!(tree, expected, "{}", json_path.display());
            }
        }
        Err(err) => {
            assert_eq!(err.kind(), expect, "{}: {err}", json_path.display());
            assert_eq!(
                tgseal_e2e::entries(work.path()),
                Vec::<String>::new(),
                "{} left something behind",
                json_path.display()
            );
        }
    }
}

/// The sealed file of a vector: `NAME.tgseal`, or per its `form` the armored
/// text `NAME.txt` (§11) or the parts `NAME.tgseal.001`, … (§10).
fn sealed_bytes(json_path: &Path, info: &Value) -> Result<Vec<u8>, tgseal_core::Error> {
    match info["form"].as_str() {
        Some("armor") => {
            // Pasted text is read whole; a file is streamed (§11.1): both agree.
            let path = json_path.with_extension("txt");
            let whole = tgseal_core::armor::dearmor(&std::fs::read(&path).unwrap());
            let mut streamed = Vec::new();
            let file = || Ok(std::io::BufReader::new(std::fs::File::open(&path)?));
            let streamed = tgseal_core::armor::Armored::open(file)
                .and_then(|mut a| {
                    a.read_to_end(&mut streamed)
                        .map_err(|e| tgseal_core::lift(e.into()))
                })
                .map(|_| streamed);
            match (&whole, &streamed) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", path.display()),
                (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{}", path.display()),
                _ => panic!("{}: {whole:?} but streamed {streamed:?}", path.display()),
            }
            whole
        }
        Some("parts") => {
            let first = json_path.with_extension("tgseal.001");
            let set = tgseal_workflow::parts::PartSet::find(&first)?;
            let mut sealed = Vec::new();
            set.reader()
                .read_to_end(&mut sealed)
                .map_err(|e| tgseal_core::lift(e.into()))?;
            Ok(sealed)
        }
        _ => Ok(std::fs::read(json_path.with_extension("tgseal")).unwrap()),
    }
}

#[test]
fn every_vector_has_the_expected_outcome() {
    let all = vector_descriptions();
    assert!(
        all.len() >= 15,
        "expected the full vector set, found {}",
        all.len()
    );
    for json in &all {
        check(json);
    }
}

#[test]
fn the_forge_writes_what_the_reader_opens() {
    // The forge (a second writer, from FORMAT.md alone) is what the
    // counter-example vectors are made with: a well-formed file from it
    // must open, or those vectors prove nothing.
    use tgseal_e2e::forge::{Forge, Record, chunks};
    let plain: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
    let sealed = Forge {
        passphrase: "forged",
        kdf: (64, 1, 1),
        chunk_log2: 16,
        record: Record::file("forged.bin", plain.len() as u64).to_bytes(),
    }
    .seal(&chunks(&plain, 16));
    let (err, released) = tgseal_e2e::sealing::open(&sealed, "forged");
    assert!(err.is_none(), "{err:?}");
    assert_eq!(released, plain);
}
