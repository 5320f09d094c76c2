//! Writes the test vectors of docs/FORMAT.md §7 into tests/vectors/.
//! Run when a vector is added: `cargo run -p tgseal-e2e --example make_vectors`.
//! The vectors are committed; `tests/tests/vectors.rs` checks them.
//!
//! A vector that exists is never written again: files written by a released
//! format version must stay decryptable, byte for byte. Sealing draws a fresh
//! salt and seed, so rewriting would change every byte; only new vectors are
//! written. Vectors a writer would refuse to make (a reader rule's counter-
//! example) come from the forge (`tgseal_e2e::forge`), which writes them from
//! the spec, with fixed salt and seed.
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

/// Whether vector `name` is already there (its description is written last).
fn exists(dir: &Path, name: &str) -> bool {
    dir.join(format!("{name}.json")).exists()
}

/// Writes vector `name`: `NAME.tgseal`, then [`describe`]s it; a vector
/// that exists is left as it is.
fn write(dir: &Path, name: &str, sealed: &[u8], plain: Option<&[u8]>, info: serde_json::Value) {
    if exists(dir, name) {
        return;
    }
    std::fs::write(dir.join(format!("{name}.tgseal")), sealed).unwrap();
    describe(dir, name, plain, info);
}

/// The rest of vector `name`: its plaintext `NAME.plain` when it opens, and
/// its description `NAME.json` (last). A vector that exists is left as it is.
fn describe(dir: &Path, name: &str, plain: Option<&[u8]>, info: serde_json::Value) {
    if exists(dir, name) {
        return;
    }
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
    // The negative vectors below derive from `hello`: from the committed one.
    let hello_sealed = match std::fs::read(dir.join("hello.tgseal")) {
        Ok(committed) => committed,
        Err(_) => seal(pass, &meta, hello, 18),
    };
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
    header_vectors(&dir, pass, &hello_sealed);
    reader_rule_vectors(&dir, pass);
    name_vectors(&dir, pass);
    telegram_vectors(&dir, pass);
    folder_vectors(&dir, pass);
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
        if exists(dir, name) {
            return;
        }
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

    let mut twice: Vec<&str> = pieces.iter().map(String::as_str).collect();
    twice.push(&pieces[0]);
    write_text(
        "text_piece_duplicate",
        &twice.join("\n"),
        None,
        json!({
            "form": "armor", "passphrase": pass, "expect": "incomplete_text",
            "comment": "every piece of text_pieces, then its first piece again: each number must appear once (§11.2)"
        }),
    );
    if !exists(dir, "text_piece_foreign") {
        let other: String = (1..=700).map(|i| format!("other line {i}\n")).collect();
        let foreign =
            armor::seal_text(&master, &other, &EncryptOptions::default(), &Control::new()).unwrap();
        let mut mixed: Vec<&str> = pieces.iter().map(String::as_str).collect();
        mixed.insert(1, &foreign[1]);
        write_text(
            "text_piece_foreign",
            &mixed.join("\n"),
            None,
            json!({
                "form": "armor", "passphrase": pass, "expect": "incomplete_text",
                "comment": "the pieces of text_pieces with a piece of another message (another ID) among them (§11.2)"
            }),
        );
    }

    // §11.1: the first BEGIN must start within the first MiB of the input.
    let after = |offset: usize| {
        let line = "text a chat app saved before the sealed message, and more of it\n";
        let mut preamble = line.repeat(offset / line.len());
        preamble.push_str(&"x".repeat(offset - preamble.len()));
        preamble + &text
    };
    write_text(
        "armor_begin_late",
        &after(1_048_575),
        Some(note),
        json!({
            "form": "armor", "passphrase": pass, "expect": "success", "kind": "file", "name": "note.txt",
            "content_len": note.len(),
            "comment": "armored.txt after 1,048,575 bytes of other text: its BEGIN starts at the last offset of the first MiB (§11.1)"
        }),
    );
    write_text(
        "armor_begin_too_late",
        &after(1_048_576),
        None,
        json!({
            "form": "armor", "passphrase": pass, "expect": "not_sealed",
            "comment": "armored.txt after 1,048,576 bytes of other text: its BEGIN starts after the first MiB, so this is not armored text (§11.1)"
        }),
    );

    let pattern: Vec<u8> = (0..150_000u32).map(|i| (i * 13 % 241) as u8).collect();
    let meta = Metadata::file("pattern.bin", Some(pattern.len() as u64), None);
    let sealed = seal(pass, &meta, &pattern, 16);
    for (name, drop_part) in [("parts", None), ("parts_missing", Some(2u32))] {
        if exists(dir, name) {
            continue;
        }
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

    if !exists(dir, "part_length_overflow") {
        let work = tempfile::tempdir().unwrap();
        let mut writer =
            PartWriter::create(work.path(), "part_length_overflow.tgseal", 65_536, false).unwrap();
        writer.write_all(&sealed).unwrap();
        for part in writer.finish().unwrap() {
            let mut bytes = std::fs::read(&part).unwrap();
            if part.extension().is_some_and(|e| e == "001") {
                bytes[32..40].copy_from_slice(&(u64::MAX - 1).to_le_bytes());
            }
            std::fs::write(dir.join(part.file_name().unwrap()), bytes).unwrap();
        }
        describe(
            dir,
            "part_length_overflow",
            None,
            json!({
                "form": "parts", "passphrase": pass, "expect": "not_a_part",
                "comment": "three parts; part 1 announces a payload of 2^64-2 bytes, so 40 + its length overflows 64 bits (§10)"
            }),
        );
    }
}

/// The error class of a header that stops early or names what this reader
/// does not know, and the order of the KDF checks (FORMAT.md §2, §3.5).
fn header_vectors(dir: &Path, pass: &str, hello_sealed: &[u8]) {
    write(
        dir,
        "cut_after_magic",
        &hello_sealed[..6],
        None,
        json!({
            "passphrase": pass, "expect": "truncated",
            "comment": "the magic alone: a sealed file cut short in its header (§2.1, §3.5)"
        }),
    );
    write(
        dir,
        "cut_in_header",
        &hello_sealed[..50],
        None,
        json!({
            "passphrase": pass, "expect": "truncated",
            "comment": "hello.tgseal cut after 50 bytes, inside the fixed fields"
        }),
    );
    let mut unknown_kdf = hello_sealed.to_vec();
    unknown_kdf[7] = 2;
    write(
        dir,
        "kdf_unknown",
        &unknown_kdf,
        None,
        json!({
            "passphrase": pass, "expect": "unsupported_version",
            "comment": "KDF id 2, which v1 does not define: unsupported, like an unknown version"
        }),
    );
    let mut invalid = hello_sealed.to_vec();
    invalid[16..20].copy_from_slice(&0u32.to_le_bytes());
    write(
        dir,
        "kdf_invalid",
        &invalid,
        None,
        json!({
            "passphrase": pass, "expect": "tampered",
            "comment": "0 lanes: parameters Argon2 rejects are a damaged header (§2.2)"
        }),
    );
    let mut both = invalid;
    both[8..12].copy_from_slice(&(4u32 * 1024 * 1024).to_le_bytes());
    write(
        dir,
        "kdf_over_cap_and_invalid",
        &both,
        None,
        json!({
            "passphrase": pass, "expect": "kdf_over_cap",
            "comment": "4 GiB and 0 lanes: the cap is checked before parameter validity (§3.5)"
        }),
    );
}

/// Stored names a reader must clean before naming a file after them
/// (FORMAT.md §4.2): forged, since a writer refuses a name with `/`.
fn name_vectors(dir: &Path, pass: &str) {
    use tgseal_e2e::forge::{Forge, Record, chunks};

    let sealed = |name: &str, plain: &[u8]| {
        Forge {
            passphrase: pass,
            kdf: (SMALL_KDF.memory_kib, SMALL_KDF.passes, SMALL_KDF.lanes),
            chunk_log2: 18,
            record: Record::file(name, plain.len() as u64).to_bytes(),
        }
        .seal(&chunks(plain, 18))
    };
    let unsafe_name = "../secret\u{202e}fdp.exe\u{1b}[0m";
    write(
        dir,
        "name_unsafe",
        &sealed(unsafe_name, b"opened"),
        Some(b"opened"),
        json!({
            "passphrase": pass, "expect": "success", "kind": "file", "name": unsafe_name,
            "content_len": 6, "restored_name": "secretfdp.exe[0m",
            "comment": "a stored name with a path, a right-to-left override and a terminal escape: the file opens, the name is cleaned (§4.2)"
        }),
    );
    let long_name = format!("{}.pdf", "\u{436}".repeat(150));
    let restored = format!("{}.pdf", "\u{436}".repeat(125));
    write(
        dir,
        "long_name",
        &sealed(&long_name, b"%PDF"),
        Some(b"%PDF"),
        json!({
            "passphrase": pass, "expect": "success", "kind": "file", "name": long_name,
            "content_len": 4, "restored_name": restored,
            "comment": "a 304-byte stored name (150 two-byte letters and .pdf): restored as 254 bytes, whole letters, extension kept (§4.2)"
        }),
    );
}

/// Counter-examples of reader rules, which no writer would make: forged
/// from the spec (tgseal_e2e::forge) so that they still authenticate.
fn reader_rule_vectors(dir: &Path, pass: &str) {
    use tgseal_e2e::forge::{Chunk, Forge, Record, chunks};

    let forge = |record: &Record, chunk_log2: u8| Forge {
        passphrase: pass,
        kdf: (SMALL_KDF.memory_kib, SMALL_KDF.passes, SMALL_KDF.lanes),
        chunk_log2,
        record: record.to_bytes(),
    };

    let mut overflowing = Record::file("x.bin", 1);
    overflowing.padding_len = u64::MAX;
    write(
        dir,
        "length_sum_overflow",
        &forge(&overflowing, 16).seal(&chunks(b"x", 16)),
        None,
        json!({
            "passphrase": pass, "expect": "tampered",
            "comment": "content length 1 + padding length 2^64-1 does not fit in a u64 (§4.2); payload: the one byte"
        }),
    );

    let mut not_utf8 = Record::file("", 2);
    not_utf8.name = b"caf\xe9.txt".to_vec();
    write(
        dir,
        "name_not_utf8",
        &forge(&not_utf8, 16).seal(&chunks(b"ok", 16)),
        None,
        json!({
            "passphrase": pass, "expect": "tampered",
            "comment": "a stored name that is not UTF-8 (Latin-1 caf\\xe9.txt): a damaged record, unlike a name that is only unsafe (§4.2)"
        }),
    );
    let mut padded_unknown = Record::file("x.bin", u64::MAX);
    padded_unknown.padding_len = 3;
    write(
        dir,
        "padding_unknown_length",
        &forge(&padded_unknown, 16).seal(&chunks(b"x\0\0\0", 16)),
        None,
        json!({
            "passphrase": pass, "expect": "tampered",
            "comment": "padding length 3 with an unknown content length: a damaged record (§4.2)"
        }),
    );

    let full: Vec<u8> = (0..65_536u32).map(|i| (i * 11 % 256) as u8).collect();
    let unknown = Record::file("", u64::MAX);
    let sealed = forge(&unknown, 16).seal(&[
        Chunk {
            plain: &full,
            last: false,
        },
        Chunk {
            plain: b"",
            last: true,
        },
    ]);
    write(
        dir,
        "empty_final_chunk",
        &sealed,
        None,
        json!({
            "passphrase": pass, "expect": "tampered", "released": 65_536,
            "comment": "a full 64 KiB chunk, then an empty final chunk: allowed only for an empty payload (§5); the full chunk verified as a middle chunk and may be released before the error"
        }),
    );
}

/// One tar header block (FORMAT.md §4.3) with the GNU magic `ustar  \0`,
/// written by hand so that a vector can hold what no writer would (a `.`
/// entry that is a link, a path with `..`): name, mode (with its type bits,
/// as tgseal writes it), size, mtime 0, type flag, link name.
fn tar_header(name: &str, mode: u32, size: usize, kind: u8, link: &str) -> [u8; 512] {
    let mut h = [0u8; 512];
    let octal = |h: &mut [u8; 512], at: usize, width: usize, value: u64| {
        let text = format!("{value:0w$o}\0", w = width - 1);
        h[at..at + width].copy_from_slice(text.as_bytes());
    };
    h[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut h, 100, 8, u64::from(mode));
    octal(&mut h, 108, 8, 0);
    octal(&mut h, 116, 8, 0);
    octal(&mut h, 124, 12, size as u64);
    octal(&mut h, 136, 12, 0);
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..265].copy_from_slice(b"ustar  \0");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(text.as_bytes());
    h
}

/// A tar entry: its header and its data padded to whole blocks.
fn tar_entry(name: &str, mode: u32, kind: u8, data: &[u8], link: &str) -> Vec<u8> {
    let mut out = tar_header(name, mode, data.len(), kind, link).to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

/// Vectors of FORMAT.md §4.3: a folder as tgseal's writer archives it, and
/// archives that show what a reader does with odd but authentic content.
/// Each lists the `tree` a reader extracts, or the error it reports.
fn folder_vectors(dir: &Path, pass: &str) {
    use std::io::Read;
    use tgseal_workflow::folder::FolderReader;

    let when = UNIX_EPOCH + Duration::new(1_764_201_600, 0);
    let folder_meta = |name: &str| Metadata {
        kind: ContentKind::Folder,
        name: name.into(),
        content_len: None,
        padding_len: 0,
        modified: Some(when),
    };
    let write_folder = |name: &str, tar: &[u8], info: serde_json::Value| {
        let plain = (info["expect"] == "success").then_some(tar);
        write(
            dir,
            name,
            &seal(pass, &folder_meta("folder"), tar, 16),
            plain,
            info,
        );
    };

    if !exists(dir, "folder") {
        #[cfg(unix)]
        {
            use std::os::unix::fs::{PermissionsExt, symlink};
            let work = tempfile::tempdir().unwrap();
            let root = work.path().join("folder");
            let mode = |p: &Path, m: u32| {
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
            };
            std::fs::create_dir_all(root.join("a")).unwrap();
            std::fs::create_dir(root.join("sub")).unwrap();
            std::fs::write(root.join("B.txt"), b"capital first\n").unwrap();
            std::fs::write(root.join("a/z"), b"inside a\n").unwrap();
            std::fs::write(root.join("a.txt"), b"after a/ and what it holds\n").unwrap();
            symlink("a.txt", root.join("link")).unwrap();
            for (path, m) in [("", 0o755), ("a", 0o755), ("sub", 0o750)] {
                mode(&root.join(path), m);
            }
            for path in ["B.txt", "a/z", "a.txt"] {
                mode(&root.join(path), 0o644);
            }
            for path in ["B.txt", "a/z", "a.txt", "a", "sub", ""] {
                std::fs::File::open(root.join(path))
                    .unwrap()
                    .set_modified(when)
                    .unwrap();
            }
            let mut reader = FolderReader::spawn(&root);
            let mut tar = Vec::new();
            let read = reader.read_to_end(&mut tar).map_err(Into::into);
            reader.finish(read).unwrap();
            write_folder(
                "folder",
                &tar,
                json!({
                    "passphrase": pass, "expect": "success", "kind": "folder", "name": "folder",
                    "content_len": null, "modified_unix": 1_764_201_600,
                    "tree": [
                        {"path": ".", "type": "dir", "mode": "755"},
                        {"path": "B.txt", "type": "file", "mode": "644", "data": "capital first\n"},
                        {"path": "a", "type": "dir", "mode": "755"},
                        {"path": "a/z", "type": "file", "mode": "644", "data": "inside a\n"},
                        {"path": "a.txt", "type": "file", "mode": "644", "data": "after a/ and what it holds\n"},
                        {"path": "link", "type": "link", "target": "a.txt"},
                        {"path": "sub", "type": "dir", "mode": "750"}
                    ],
                    "comment": "a folder as tgseal archives it (§4.3): GNU headers (magic `ustar  \\0`), `.` first, then depth first with siblings in byte order (B.txt before a, a/z before a.txt), modes with their type bits, a symbolic link, two zero blocks"
                }),
            );
        }
    }

    let end = [0u8; 1024];
    let file = |name: &str, data: &[u8]| tar_entry(name, 0o100644, b'0', data, "");
    let root_dir = tar_entry(".", 0o40755, b'5', b"", "");
    let cat = |parts: &[&[u8]]| parts.concat();
    let one_file = file("a.txt", b"a\n");
    // `null`: the mode a new folder gets where it is extracted (the umask's).
    let a_tree = |root_mode: Option<&str>| {
        json!([
            {"path": ".", "type": "dir", "mode": root_mode},
            {"path": "a.txt", "type": "file", "mode": "644", "data": "a\n"}
        ])
    };
    let cases: Vec<(&str, Vec<u8>, serde_json::Value, &str)> = vec![
        (
            "folder_root_symlink",
            cat(&[&tar_entry(".", 0o120777, b'2', b"", "/"), &one_file, &end]),
            a_tree(None),
            "the `.` entry is a symbolic link to /: the folder itself is not replaced; the entry is ignored and the folder keeps the mode a new folder gets",
        ),
        (
            "folder_root_file",
            cat(&[&file(".", b"not a folder\n"), &one_file, &end]),
            a_tree(None),
            "the `.` entry is a regular file with content: ignored (its data skipped), the folder keeps the mode a new folder gets",
        ),
        (
            "folder_no_root",
            cat(&[&one_file, &end]),
            a_tree(None),
            "no `.` entry: the entries are extracted, the folder keeps the mode a new folder gets",
        ),
        (
            "folder_no_end_blocks",
            cat(&[&root_dir, &one_file]),
            a_tree(Some("755")),
            "the archive stops after its last entry without the two zero blocks: accepted (the payload's final chunk says where the content ends)",
        ),
        (
            "folder_trailing_bytes",
            cat(&[&root_dir, &one_file, &end, b"bytes after the end blocks\n"]),
            a_tree(Some("755")),
            "bytes after the two zero blocks: authenticated like all content, then ignored",
        ),
        (
            "folder_one_zero_block",
            cat(&[&root_dir, &end[..512], &one_file, &end]),
            json!([{"path": ".", "type": "dir", "mode": "755"}]),
            "one zero block after `.`, then an entry and the end blocks: the archive ends at the first zero block; the entry after it is ignored",
        ),
        (
            "folder_empty_archive",
            Vec::new(),
            json!([{"path": ".", "type": "dir", "mode": null}]),
            "empty content (no blocks at all): an empty folder",
        ),
    ];
    for (name, tar, tree, comment) in cases {
        write_folder(
            name,
            &tar,
            json!({
                "passphrase": pass, "expect": "success", "kind": "folder", "name": "folder",
                "content_len": null, "modified_unix": 1_764_201_600, "tree": tree, "comment": comment
            }),
        );
    }
    let mut cut = cat(&[&root_dir, &tar_header("a.txt", 0o100644, 1000, b'0', "")]);
    cut.extend_from_slice(b"only ten b");
    write_folder(
        "folder_cut_short",
        &cut,
        json!({
            "passphrase": pass, "expect": "bad_archive", "kind": "folder",
            "comment": "an entry announces 1000 bytes but the content ends after 10: a damaged archive, nothing extracted (§4.3)"
        }),
    );
    write_folder(
        "folder_dotdot",
        &cat(&[&root_dir, &file("../escaped.txt", b"outside\n"), &end]),
        json!({
            "passphrase": pass, "expect": "unsafe_archive", "kind": "folder",
            "comment": "an entry named ../escaped.txt: refused as an unsafe archive, nothing extracted (§4.3)"
        }),
    );
}
