//! Measurements for tests/examples/web_bench.rs, built only with the `bench`
//! feature (never in web/dist/): the payload's cipher and the core's
//! streaming open on bytes already in WebAssembly memory, so the benchmark
//! can split the page's open time between the cipher and the browser's I/O
//! (reading the `File`, copying into wasm, writing the staging file).
//!
//! Each call returns milliseconds (the page's clock; `Instant` does not
//! exist on `wasm32-unknown-unknown`).

use tgseal_core::{
    BenchCipher, ChunkSize, CipherBackend, Control, DecryptOptions, Decryptor, EncryptOptions,
    KdfCap, KdfParams, Keyring, MasterKey, Metadata, Passphrase, TAG_LEN, encrypt,
};
use wasm_bindgen::prelude::*;

/// Chunks kept sealed in memory and opened over and over.
const TEMPLATES: usize = 16;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn failed(what: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&what.to_string())
}

/// A full chunk of `len` bytes that does not compress to nothing.
fn plain_chunk(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3] ^ seed)
        .collect()
}

/// Milliseconds to verify and decrypt `mib` MiB of full payload chunks
/// (FORMAT.md §5) with the portable ChaCha20-Poly1305, each chunk first
/// copied from a sealed template into the working buffer (as a reader
/// would), and `{copy}` milliseconds for those copies alone.
#[wasm_bindgen]
pub fn bench_cipher(mib: u32) -> Result<JsValue, JsValue> {
    let chunk = ChunkSize::DEFAULT.bytes();
    let key = [7u8; 32];
    let cipher = BenchCipher::new(&key, CipherBackend::Portable)
        .ok_or_else(|| failed("no portable cipher"))?;
    let templates: Vec<Vec<u8>> = (0..TEMPLATES)
        .map(|i| {
            let mut buf = plain_chunk(chunk, i as u8);
            buf.reserve(TAG_LEN);
            cipher.seal(i as u64, false, &mut buf);
            buf
        })
        .collect();
    let chunks = (u64::from(mib) << 20) / chunk as u64;
    let mut work = Vec::with_capacity(chunk + TAG_LEN);

    let started = now_ms();
    for i in 0..chunks {
        let index = (i as usize) % TEMPLATES;
        work.clear();
        work.extend_from_slice(&templates[index]);
        std::hint::black_box(&mut work);
    }
    let copy = now_ms() - started;

    let started = now_ms();
    for i in 0..chunks {
        let index = (i as usize) % TEMPLATES;
        work.clear();
        work.extend_from_slice(&templates[index]);
        if !cipher.open(index as u64, false, &mut work) {
            return Err(failed("a chunk did not verify"));
        }
    }
    let open = now_ms() - started;

    let started = now_ms();
    for i in 0..chunks {
        work.clear();
        work.extend_from_slice(&templates[(i as usize) % TEMPLATES][..chunk]);
        cipher.seal(i, false, &mut work);
    }
    let seal = now_ms() - started;

    let out = js_sys::Object::new();
    for (name, value) in [("copy", copy), ("open", open), ("seal", seal)] {
        js_sys::Reflect::set(&out, &name.into(), &value.into())?;
    }
    Ok(out.into())
}

/// Milliseconds for the core's streaming open (`Decryptor`, one thread, the
/// same options as the page) of a `mib` MiB sealed file held in wasm
/// memory, written nowhere: everything the page does except the browser's
/// I/O. The key derivation (a cheap one) is not timed.
#[wasm_bindgen]
pub fn bench_core_open(mib: u32) -> Result<f64, JsValue> {
    let pass = Passphrase::new("bench passphrase").map_err(failed)?;
    let cheap = KdfParams {
        memory_kib: 64,
        passes: 1,
        lanes: 1,
    };
    let master = MasterKey::derive(&pass, cheap).map_err(failed)?;
    let len = u64::from(mib) << 20;
    let plain = plain_chunk(len as usize, 1);
    let mut sealed = Vec::with_capacity(plain.len() + plain.len() / 1000 + 4096);
    encrypt(
        &master,
        &Metadata::file("bench.bin", Some(len), None),
        &mut &plain[..],
        &mut sealed,
        &EncryptOptions::default().with_threads(1),
        &Control::new(),
    )
    .map_err(failed)?;
    drop(plain);
    let keyring = Keyring::new(pass, KdfCap::DEFAULT);
    let decryptor = Decryptor::new(&sealed[..], &keyring).map_err(failed)?;
    let started = now_ms();
    let summary = decryptor
        .decrypt_to_with(
            &mut std::io::sink(),
            &DecryptOptions::default().with_threads(1),
            &Control::new(),
        )
        .map_err(failed)?;
    let took = now_ms() - started;
    if summary.bytes_out != len {
        return Err(failed("opened a different length"));
    }
    Ok(took)
}
