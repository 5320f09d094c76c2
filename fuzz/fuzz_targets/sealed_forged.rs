//! The reader's rules after authentication (FORMAT.md §4.2, §5): the input
//! describes a metadata record and a list of payload chunks, which the forge
//! (tests/src/forge.rs, a second writer from the spec) seals with valid tags
//! and a valid header MAC. The reader must accept exactly what §4.2 and §5
//! allow and release exactly the content — on one thread and on several,
//! with the same outcome.
//!
//! Input: kind, flags, content length (8 bytes LE), padding length (8),
//! seconds (8), nanoseconds (4), declared name length (2), name length, name
//! bytes; chunk-size byte; then per chunk a descriptor byte (bit 0: sealed as
//! final; bits 1–2: empty, full, short, or full + 1 bytes) and a fill byte.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tgseal_core::{Control, DecryptOptions, Decryptor, KdfCap, Keyring, Passphrase};
use tgseal_e2e::forge::{Chunk, Forge};

const PASSPHRASE: &str = "forged";

fn keyring() -> &'static Keyring {
    static KEYRING: OnceLock<Keyring> = OnceLock::new();
    // The forge's salt is fixed: the master key is derived once and reused.
    KEYRING.get_or_init(|| Keyring::new(Passphrase::new(PASSPHRASE).unwrap(), KdfCap::DEFAULT))
}

struct Input<'a>(std::slice::Iter<'a, u8>);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        self.0.next().copied().unwrap_or(0)
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.byte())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data.iter());
    let mut record = vec![input.byte() % 4, u8::from(input.byte() == 0xff)];
    let content_len = u64::from_le_bytes(input.bytes());
    let padding_len = u64::from_le_bytes(input.bytes());
    record.extend_from_slice(&content_len.to_le_bytes());
    record.extend_from_slice(&padding_len.to_le_bytes());
    record.extend_from_slice(&input.bytes::<8>());
    record.extend_from_slice(&input.bytes::<4>());
    record.extend_from_slice(&input.bytes::<2>());
    let name_len = usize::from(input.byte() % 48);
    for _ in 0..name_len {
        record.push(input.byte());
    }
    let chunk_log2 = 16 + input.byte() % 6; // 21: one past the largest
    let size = 1usize << chunk_log2.min(20);

    let mut plains = Vec::new();
    let mut finals = Vec::new();
    while plains.len() < 4 {
        let Some(&descriptor) = input.0.next() else {
            break;
        };
        let fill = input.byte();
        let len = match (descriptor >> 1) % 4 {
            0 => 0,
            1 => size,
            2 => usize::from(input.byte()) + 1,
            _ => size + 1,
        };
        plains.push(vec![if descriptor & 8 != 0 { fill } else { 0 }; len]);
        finals.push(descriptor & 1 == 1);
    }
    let chunks: Vec<Chunk<'_>> = plains
        .iter()
        .zip(&finals)
        .map(|(plain, &last)| Chunk { plain, last })
        .collect();
    let sealed = Forge {
        passphrase: PASSPHRASE,
        kdf: (8, 1, 1),
        chunk_log2,
        record: record.clone(),
    }
    .seal(&chunks);

    let open = |threads: usize| {
        let options = DecryptOptions::default().with_threads(threads);
        let mut released = Vec::new();
        let outcome = Decryptor::new(&sealed[..], keyring())
            .and_then(|d| d.decrypt_to_with(&mut released, &options, &Control::new()))
            .map_err(|e| e.kind());
        (outcome.map(|_| ()), released)
    };
    let (opened, released) = open(1);
    let (threaded, released_threaded) = open(3);
    assert_eq!(opened, threaded, "one thread and three disagree");
    assert_eq!(
        released, released_threaded,
        "one thread and three release different bytes"
    );
    if opened.is_err() {
        return;
    }
    // §5: what opened was a STREAM a writer could have written.
    let count = chunks.len();
    assert!(count >= 1, "a payload without chunks opened");
    assert!(chunk_log2 <= 20, "chunk size 2^{chunk_log2} opened");
    for (i, chunk) in chunks.iter().enumerate() {
        let last = i + 1 == count;
        assert_eq!(chunk.last, last, "chunk {i} of {count} has the wrong flag");
        if last {
            assert!(chunk.plain.len() <= size);
            assert!(
                !chunk.plain.is_empty() || count == 1,
                "an empty final chunk after others"
            );
        } else {
            assert_eq!(
                chunk.plain.len(),
                size,
                "a short chunk before the final one"
            );
        }
    }
    // §4.2: the content, then zero padding, exactly as long as announced.
    let payload: Vec<u8> = plains.concat();
    if content_len != u64::MAX {
        let total = content_len
            .checked_add(padding_len)
            .expect("the sum fits in 64 bits");
        assert_eq!(payload.len() as u64, total);
        let (content, padding) = payload.split_at(content_len as usize);
        assert!(padding.iter().all(|&b| b == 0), "non-zero padding opened");
        assert_eq!(released, content);
    } else {
        assert_eq!(padding_len, 0, "padding with an unknown length opened");
        assert_eq!(released, payload);
    }
});
