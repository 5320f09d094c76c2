//! Throughput of the payload in memory (encrypt and decrypt, 1 MiB to 1 GiB, 1, 2
//! and all threads), by cipher backend, by chunk size, and the time of each KDF preset.
//!
//! `cargo bench -p tgseal-core` runs everything in a few minutes; a filter picks
//! a group, e.g. `cargo bench -p tgseal-core -- kdf`. docs/PERFORMANCE.md has results.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tgseal_core::{
    ChunkSize, CipherBackend, Control, DecryptOptions, Decryptor, EncryptOptions, KdfCap,
    KdfParams, KdfPreset, Keyring, MasterKey, Metadata, Passphrase,
};

const PASSPHRASE: &str = "benchmark passphrase";
/// The cheapest KDF Argon2id allows, so the payload is what is measured.
const CHEAP: KdfParams = KdfParams {
    memory_kib: 64,
    passes: 1,
    lanes: 1,
};

fn thread_counts() -> Vec<usize> {
    let mut counts = vec![1, 2, tgseal_core::default_threads()];
    counts.sort_unstable();
    counts.dedup();
    counts
}

fn content(len: usize) -> Vec<u8> {
    // Incompressible enough and cheap to make; the cipher does not care.
    (0..len)
        .map(|i| (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes()[0])
        .collect()
}

fn seal(master: &MasterKey, plain: &[u8], options: &EncryptOptions, out: &mut Vec<u8>) {
    out.clear();
    let metadata = Metadata::file("bench.bin", Some(plain.len() as u64), None);
    tgseal_core::encrypt(
        master,
        &metadata,
        &mut &plain[..],
        out,
        options,
        &Control::new(),
    )
    .unwrap();
}

fn payload(c: &mut Criterion) {
    let master = MasterKey::derive(&Passphrase::new(PASSPHRASE).unwrap(), CHEAP).unwrap();
    let keyring = Keyring::new(Passphrase::new(PASSPHRASE).unwrap(), KdfCap::DEFAULT);
    for (label, len) in [
        ("1MiB", 1usize << 20),
        ("64MiB", 64 << 20),
        ("1GiB", 1 << 30),
    ] {
        let plain = content(len);
        let mut sealed = Vec::with_capacity(len + len / 1000 + 4096);
        seal(&master, &plain, &EncryptOptions::default(), &mut sealed);
        let mut out = Vec::with_capacity(sealed.capacity());

        let mut group = c.benchmark_group(format!("payload_{label}"));
        group.throughput(Throughput::Bytes(len as u64));
        if len >= 1 << 30 {
            group.sample_size(10);
            group.warm_up_time(Duration::from_millis(500));
            group.measurement_time(Duration::from_secs(5));
        } else if len >= 64 << 20 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(3));
        }
        for threads in thread_counts() {
            let options = EncryptOptions::default().with_threads(threads);
            group.bench_with_input(BenchmarkId::new("encrypt", threads), &options, |b, o| {
                b.iter(|| seal(&master, &plain, o, &mut out));
            });
            let options = DecryptOptions::default().with_threads(threads);
            group.bench_with_input(BenchmarkId::new("decrypt", threads), &options, |b, o| {
                b.iter(|| {
                    out.clear();
                    let decryptor = Decryptor::new(&sealed[..], &keyring).unwrap();
                    decryptor
                        .decrypt_to_with(&mut out, o, &Control::new())
                        .unwrap();
                });
            });
        }
        group.finish();
    }
}

/// Each cipher backend this build has, 1 GiB on one thread and on all threads
/// (`examples/backends.rs` does the same interleaved, with CPU time).
fn backends(c: &mut Criterion) {
    let master = MasterKey::derive(&Passphrase::new(PASSPHRASE).unwrap(), CHEAP).unwrap();
    let keyring = Keyring::new(Passphrase::new(PASSPHRASE).unwrap(), KdfCap::DEFAULT);
    let len = 1 << 30;
    let plain = content(len);
    let mut sealed = Vec::with_capacity(len + len / 1000 + 4096);
    seal(&master, &plain, &EncryptOptions::default(), &mut sealed);
    let mut out = Vec::with_capacity(sealed.capacity());
    let mut group = c.benchmark_group("backend_1GiB");
    group.throughput(Throughput::Bytes(len as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    for backend in [CipherBackend::Fused, CipherBackend::Portable] {
        if !backend.is_available() {
            continue;
        }
        let name = match backend {
            CipherBackend::Fused => "fused",
            _ => "portable",
        };
        let mut counts = vec![1, tgseal_core::default_threads()];
        counts.dedup();
        for threads in counts {
            let options = EncryptOptions::default()
                .with_threads(threads)
                .with_cipher(backend);
            let id = BenchmarkId::new(format!("encrypt_{name}"), threads);
            group.bench_with_input(id, &options, |b, o| {
                b.iter(|| seal(&master, &plain, o, &mut out));
            });
            let options = DecryptOptions::default()
                .with_threads(threads)
                .with_cipher(backend);
            let id = BenchmarkId::new(format!("decrypt_{name}"), threads);
            group.bench_with_input(id, &options, |b, o| {
                b.iter(|| {
                    out.clear();
                    Decryptor::new(&sealed[..], &keyring)
                        .unwrap()
                        .decrypt_to_with(&mut out, o, &Control::new())
                        .unwrap();
                });
            });
        }
    }
    group.finish();
}

fn chunk_sizes(c: &mut Criterion) {
    let master = MasterKey::derive(&Passphrase::new(PASSPHRASE).unwrap(), CHEAP).unwrap();
    let len = 64 << 20;
    let plain = content(len);
    let mut out = Vec::with_capacity(len + len / 1000 + 4096);
    let mut group = c.benchmark_group("chunk_size_64MiB");
    group.throughput(Throughput::Bytes(len as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    for log2 in ChunkSize::MIN_LOG2..=ChunkSize::MAX_LOG2 {
        let chunk = ChunkSize::from_log2(log2).unwrap();
        for threads in [1, tgseal_core::default_threads()] {
            let options = EncryptOptions::default()
                .with_chunk_size(chunk)
                .with_threads(threads);
            let id = BenchmarkId::new(format!("encrypt_{}KiB", chunk.bytes() >> 10), threads);
            group.bench_with_input(id, &options, |b, o| {
                b.iter(|| seal(&master, &plain, o, &mut out));
            });
        }
    }
    group.finish();
}

fn kdf(c: &mut Criterion) {
    let passphrase = Passphrase::new(PASSPHRASE).unwrap();
    let mut group = c.benchmark_group("kdf");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    group.measurement_time(Duration::from_secs(5));
    for preset in KdfPreset::ALL {
        group.bench_function(preset.name(), |b| {
            b.iter(|| MasterKey::derive_with_salt(&passphrase, preset.params(), [1; 16]).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, payload, backends, chunk_sizes, kdf);
criterion_main!(benches);
