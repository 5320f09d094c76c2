//! Writes the test vectors of docs/FORMAT.md §7 into tests/vectors/.
//! Run once when the format changes: `cargo run -p tgseal-e2e --example make_vectors`.
//! The vectors are committed; `tests/tests/vectors.rs` checks them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;
use tgseal_core::{ChunkSize, ContentKind, Control, EncryptOptions, KdfParams, Metadata};
use tgseal_e2e::sealing;

const SMALL_KDF: KdfParams = KdfParams {
    memory_kib: 256,
    passes: 2,
    lanes: 2,
};

fn seal(passphrase: &str, metadata: &Metadata, plain: &[u8], chunk_log2: u8) -> Vec<u8> {
    let options =
        EncryptOptions::default().with_chunk_size(ChunkSize::from_log2(chunk_log2).unwrap());
    sealing::seal(
        &sealing::master(passphrase, SMALL_KDF),
        metadata,
        plain,
        &options,
    )
}

/// Writes vector `name`: `NAME.tgseal`, then [`describe`]s it.
fn write(dir: &Path, name: &str, sealed: &[u8], plain: Option<&[u8]>, info: serde_json::Value) {
    std::fs::write(dir.join(format!("{name}.tgseal")), sealed).unwrap();
    describe(dir, name, plain, info);
}

/// The rest of vector `name`: its plaintext `NAME.plain` when it opens, and
/// its description `NAME.json`.
fn describe(dir: &Path, name: &str, plain: Option<&[u8]>, info: serde_json::Value) {
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
    telegram_vectors(&dir, pass);
    println!("vectors written to {}", dir.display());
}

/// Vectors of FORMAT.md §10 (split parts) and §11 (armor, text pieces).
fn telegram_vectors(dir: &Path, pass: &str) {
    use std::io::Write;
    use tgseal_core::armor;
    use tgseal_workflow::parts::PartWriter;

    let note = b"sealed for a chat\n";
    let meta = Metadata::file("note.txt", Some(note.len() as u64), None);
    let sealed = seal(pass, &meta, note, 18);
    let text = armor::armor(&sealed);
    let write_text = |name: &str, text: &str, plain: Option<&[u8]>, info: serde_json::Value| {
        std::fs::write(dir.join(format!("{name}.txt")), text).unwrap();
        describe(dir, name, plain, info);
    };
    write_text(
        "armored",
        &text,
        Some(note),
        json!({
            "form": "armor", "passphrase": pass, "expect": "success", "kind": "file", "name": "note.txt",
            "content_len": note.len(), "comment": "a sealed file armored exactly as a writer must (§11.1)"
        }),
    );
    let body: Vec<&str> = text.lines().collect();
    let joined = body[1..body.len() - 1].concat();
    let rewrapped: Vec<String> = joined
        .as_bytes()
        .chunks(37)
        .map(|c| format!("{}  ", String::from_utf8_lossy(c)))
        .collect();
    let mangled = format!(
        "Hi! here it is:\r\n\r\n{}\r\n{}\r\n\r\n{}\r\nbye\r\n",
        body[0],
        rewrapped.join("\r\n\r\n"),
        body[body.len() - 1]
    );
    write_text(
        "armored_mangled",
        &mangled,
        Some(note),
        json!({
            "form": "armor", "passphrase": pass, "expect": "success", "kind": "file", "name": "note.txt",
            "content_len": note.len(),
            "comment": "armored.txt as a chat may deliver it: CRLF, trailing spaces, lines re-wrapped at 37 characters, blank lines, text before and after"
        }),
    );
    let mut lines: Vec<String> = body.iter().map(|l| l.to_string()).collect();
    let mut changed = lines[3].clone().into_bytes();
    changed[5] = if changed[5] == b'A' { b'B' } else { b'A' };
    lines[3] = String::from_utf8(changed).unwrap();
    write_text(
        "armored_changed",
        &(lines.join("\n") + "\n"),
        None,
        json!({
            "form": "armor", "passphrase": pass, "expect": "tampered",
            "comment": "armored.txt with one base64 character changed on its fourth line (header bytes 96-143)"
        }),
    );

    let message: String = (1..=700).map(|i| format!("line {i}\n")).collect();
    let master = sealing::master(pass, SMALL_KDF);
    let pieces = armor::seal_text(
        &master,
        &message,
        &EncryptOptions::default(),
        &Control::new(),
    )
    .unwrap();
    assert!(pieces.len() >= 2);
    let shuffled: Vec<&str> = pieces.iter().rev().map(String::as_str).collect();
    write_text(
        "text_pieces",
        &shuffled.join("\nand the next one:\n"),
        Some(message.as_bytes()),
        json!({
            "form": "armor", "passphrase": pass, "expect": "success", "kind": "text", "name": "",
            "content_len": message.len(),
            "comment": "a text message sealed in pieces of at most 4096 characters (§11.2), pasted in reverse order"
        }),
    );
    write_text(
        "text_piece_missing",
        &pieces[1..].join("\n"),
        None,
        json!({
            "form": "armor", "passphrase": pass, "expect": "incomplete_text",
            "comment": "text_pieces without its first piece"
        }),
    );

    let pattern: Vec<u8> = (0..150_000u32).map(|i| (i * 13 % 241) as u8).collect();
    let meta = Metadata::file("pattern.bin", Some(pattern.len() as u64), None);
    let sealed = seal(pass, &meta, &pattern, 16);
    for (name, drop_part) in [("parts", None), ("parts_missing", Some(2u32))] {
        let work = tempfile::tempdir().unwrap();
        let base = format!("{name}.tgseal");
        let mut writer = PartWriter::create(work.path(), &base, 65_536, false).unwrap();
        writer.write_all(&sealed).unwrap();
        let parts = writer.finish().unwrap();
        for (number, part) in (1u32..).zip(&parts) {
            if Some(number) != drop_part {
                std::fs::copy(part, dir.join(part.file_name().unwrap())).unwrap();
            }
        }
        let info = if drop_part.is_some() {
            json!({
                "form": "parts", "passphrase": pass, "expect": "missing_part",
                "comment": "the three parts of a split file with part 2 missing"
            })
        } else {
            json!({
                "form": "parts", "passphrase": pass, "expect": "success", "kind": "file", "name": "pattern.bin",
                "content_len": pattern.len(),
                "comment": "a sealed file of 150,226 bytes split into parts of at most 65,536 bytes: three parts (§10)"
            })
        };
        let plain = drop_part.is_none().then_some(&pattern[..]);
        describe(dir, name, plain, info);
    }
}
