//! Writes the test vectors of docs/FORMAT.md §7 into tests/vectors/.
//! Run once when the format changes: `cargo run -p tgseal-e2e --example make_vectors`.
//! The vectors are committed; `tests/tests/vectors.rs` checks them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;
use tgseal_core::{
    ChunkSize, ContentKind, Control, EncryptOptions, KdfParams, MasterKey, Metadata, Passphrase,
};

const SMALL_KDF: KdfParams = KdfParams {
    memory_kib: 256,
    passes: 2,
    lanes: 2,
};

fn seal(passphrase: &str, metadata: &Metadata, plain: &[u8], chunk_log2: u8) -> Vec<u8> {
    let master = MasterKey::derive(&Passphrase::new(passphrase).unwrap(), SMALL_KDF).unwrap();
    let mut options = EncryptOptions::default();
    options.chunk_size = ChunkSize::from_log2(chunk_log2).unwrap();
    let mut out = Vec::new();
    tgseal_core::encrypt(
        &master,
        metadata,
        &mut &plain[..],
        &mut out,
        &options,
        &Control::new(),
    )
    .unwrap();
    out
}

fn write(dir: &Path, name: &str, sealed: &[u8], plain: Option<&[u8]>, info: serde_json::Value) {
    std::fs::write(dir.join(format!("{name}.tgseal")), sealed).unwrap();
    if let Some(plain) = plain {
        std::fs::write(dir.join(format!("{name}.plain")), plain).unwrap();
    }
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(&info).unwrap() + "\n",
    )
    .unwrap();
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    std::fs::create_dir_all(&dir).unwrap();
    let when = UNIX_EPOCH + Duration::new(1_764_201_600, 500_000_000);
    let pass = "correct horse battery staple";

    let hello = b"hello, telegram\n";
    let meta = Metadata::file("hello.txt", Some(hello.len() as u64), Some(when));
    let hello_sealed = seal(pass, &meta, hello, 18);
    write(
        &dir,
        "hello",
        &hello_sealed,
        Some(hello),
        json!({
            "passphrase": pass, "expect": "success", "kind": "file", "name": "hello.txt",
            "content_len": hello.len(), "modified_unix": 1_764_201_600, "modified_nanos": 500_000_000,
            "comment": "one short chunk, 256 KiB chunk size"
        }),
    );

    let meta = Metadata::file("empty.txt", Some(0), None);
    write(
        &dir,
        "empty",
        &seal(pass, &meta, b"", 16),
        Some(b""),
        json!({
            "passphrase": pass, "expect": "success", "kind": "file", "name": "empty.txt", "content_len": 0,
            "comment": "empty content: a single empty final chunk"
        }),
    );

    let pattern: Vec<u8> = (0..150_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let meta = Metadata::file("pattern.bin", Some(pattern.len() as u64), None);
    write(
        &dir,
        "three_chunks",
        &seal(pass, &meta, &pattern, 16),
        Some(&pattern),
        json!({
            "passphrase": pass, "expect": "success", "kind": "file", "name": "pattern.bin", "content_len": pattern.len(),
            "comment": "64 KiB chunks: two full chunks and a final chunk of 18928 bytes"
        }),
    );

    let exact: Vec<u8> = (0..131_072u32).map(|i| (i % 256) as u8).collect();
    let meta = Metadata::file("exact.bin", Some(exact.len() as u64), None);
    write(
        &dir,
        "full_final_chunk",
        &seal(pass, &meta, &exact, 16),
        Some(&exact),
        json!({
            "passphrase": pass, "expect": "success", "kind": "file", "name": "exact.bin", "content_len": exact.len(),
            "comment": "exactly two 64 KiB chunks: the final chunk is full"
        }),
    );

    let meta = Metadata::file("", None, None);
    let piped = b"from standard input";
    write(
        &dir,
        "unknown_length",
        &seal(pass, &meta, piped, 18),
        Some(piped),
        json!({
            "passphrase": pass, "expect": "success", "kind": "file", "name": "", "content_len": null,
            "comment": "sealed from a pipe: no name, content length unknown"
        }),
    );

    let note = b"padded content";
    let meta = Metadata {
        kind: ContentKind::File,
        name: "padded.txt".into(),
        content_len: Some(note.len() as u64),
        padding_len: 18,
        modified: None,
    };
    write(
        &dir,
        "padded",
        &seal(pass, &meta, note, 16),
        Some(note),
        json!({
            "passphrase": pass, "expect": "success", "kind": "file", "name": "padded.txt", "content_len": note.len(), "padding_len": 18,
            "comment": "14 content bytes and 18 zero padding bytes: 32 payload bytes"
        }),
    );

    // Sealed with the composed form; the vector gives the decomposed form (§3.1).
    let meta = Metadata::file("unicode.txt", Some(2), None);
    write(
        &dir,
        "nfc_passphrase",
        &seal("caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e", &meta, b"ok", 18),
        Some(b"ok"),
        json!({
            "passphrase": "cafe\u{301} cre\u{300}me bru\u{302}le\u{301}e", "expect": "success", "kind": "file", "name": "unicode.txt", "content_len": 2,
            "comment": "sealed with a composed (NFC) passphrase, opened with the decomposed (NFD) form"
        }),
    );

    // Negative vectors, derived from `hello`.
    write(
        &dir,
        "wrong_passphrase",
        &hello_sealed,
        None,
        json!({
            "passphrase": "incorrect horse", "expect": "wrong_passphrase", "comment": "hello.tgseal with another passphrase"
        }),
    );
    let mut flipped = hello_sealed.clone();
    flipped[52] ^= 0x01;
    write(
        &dir,
        "header_seed_flipped",
        &flipped,
        None,
        json!({
            "passphrase": pass, "expect": "tampered", "comment": "one bit of the file seed flipped: the header MAC fails"
        }),
    );
    let mut flipped = hello_sealed.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x80;
    write(
        &dir,
        "payload_tag_flipped",
        &flipped,
        None,
        json!({
            "passphrase": pass, "expect": "tampered", "comment": "one bit of the final chunk's tag flipped"
        }),
    );
    let mut appended = hello_sealed.clone();
    appended.extend_from_slice(&[0u8; 17]);
    write(
        &dir,
        "appended",
        &appended,
        None,
        json!({
            "passphrase": pass, "expect": "tampered", "comment": "17 bytes appended after the final chunk"
        }),
    );
    let header_len = hello_sealed.len() - hello.len() - 16;
    write(
        &dir,
        "no_payload",
        &hello_sealed[..header_len],
        None,
        json!({
            "passphrase": pass, "expect": "truncated", "comment": "the header alone, payload cut off"
        }),
    );
    let mut v2 = hello_sealed.clone();
    v2[6] = 2;
    write(
        &dir,
        "version_2",
        &v2,
        None,
        json!({
            "passphrase": pass, "expect": "unsupported_version", "comment": "version byte 2"
        }),
    );
    let mut greedy = hello_sealed.clone();
    greedy[8..12].copy_from_slice(&(4u32 * 1024 * 1024).to_le_bytes());
    write(
        &dir,
        "kdf_over_cap",
        &greedy,
        None,
        json!({
            "passphrase": pass, "expect": "kdf_over_cap", "comment": "asks for 4 GiB of Argon2id memory"
        }),
    );
    write(
        &dir,
        "not_sealed",
        b"%PDF-1.7\n",
        None,
        json!({
            "passphrase": pass, "expect": "not_sealed", "comment": "the start of a PDF"
        }),
    );
    println!("vectors written to {}", dir.display());
}
