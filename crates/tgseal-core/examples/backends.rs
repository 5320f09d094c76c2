//! The payload's cipher backends side by side, interleaved: every round times
//! each backend this build has (docs/PERFORMANCE.md), then prints medians.
//!
//! `cargo run --release -p tgseal-core --example backends [MIB] [ROUNDS]`
//! (defaults: 1024 MiB, 5 rounds). Two measurements per backend:
//!
//! - **cipher**: the chunk cipher alone on one thread, sealing and opening
//!   256 KiB chunks in place in one buffer (no I/O, no copies but its own);
//! - **payload**: `encrypt` and `decrypt_to_with` from memory to memory, on
//!   one thread and on all threads.
//!
//! Besides the wall-clock median it prints MiB per CPU-second (user + system
//! time of the process, from /proc/self/stat, Linux only): on a machine
//! shared with other work the wall clock measures the scheduler as much as
//! the code.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use tgseal_core::{
    BenchCipher, ChunkSize, CipherBackend, Control, DecryptOptions, Decryptor, EncryptOptions,
    KdfCap, Keyring, Metadata, Passphrase,
};

#[path = "../tests/common/mod.rs"]
mod common;

/// One row: what, backend, threads; encrypt and decrypt samples.
struct Row {
    what: &'static str,
    backend: CipherBackend,
    threads: usize,
    wall: [Vec<Duration>; 2],
    ticks: [u64; 2],
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: usize = args.next().map_or(1024, |a| a.parse().unwrap());
    let rounds: usize = args.next().map_or(5, |a| a.parse().unwrap());
    let len = mib << 20;
    let backends: Vec<CipherBackend> = [CipherBackend::Fused, CipherBackend::Portable]
        .into_iter()
        .filter(|b| b.is_available())
        .collect();
    println!(
        "{mib} MiB, {rounds} interleaved rounds; cfg(chacha20_avx512): {}; default backend: {}",
        cfg!(chacha20_avx512),
        CipherBackend::current().name()
    );

    let master = common::master("p", common::TINY_KDF);
    let keyring = Keyring::new(Passphrase::new("p").unwrap(), KdfCap::DEFAULT);
    let plain: Vec<u8> = (0..len).map(|i| (i * 131 + i / 4093) as u8).collect();
    let metadata = Metadata::file("x", Some(len as u64), None);
    let mut sealed = Vec::with_capacity(len + len / 1000 + 4096);
    common::seal_into(
        &master,
        &metadata,
        &plain,
        &mut sealed,
        &EncryptOptions::default(),
    );
    // Write every page of the output once (not zeros: a zeroed allocation is
    // left untouched), so that no timed run pays for faulting it in.
    let mut out = vec![1u8; sealed.capacity()];
    out.clear();

    let all = tgseal_core::default_threads();
    let mut rows = Vec::new();
    for &backend in &backends {
        rows.push(Row::new("cipher", backend, 1));
        for threads in if all > 1 { vec![1, all] } else { vec![1] } {
            rows.push(Row::new("payload", backend, threads));
        }
    }
    for round in 0..rounds {
        eprint!("round {}/{rounds}\r", round + 1);
        for row in &mut rows {
            if row.what == "cipher" {
                let cipher = BenchCipher::new(&[9; 32], row.backend).unwrap();
                row.time(0, || cipher_alone(&cipher, len, false));
                row.time(1, || cipher_alone(&cipher, len, true));
                continue;
            }
            let encrypt = EncryptOptions::default()
                .with_threads(row.threads)
                .with_cipher(row.backend);
            let decrypt = DecryptOptions::default()
                .with_threads(row.threads)
                .with_cipher(row.backend);
            out.clear();
            row.time(0, || {
                common::seal_into(&master, &metadata, &plain, &mut out, &encrypt)
            });
            out.clear();
            row.time(1, || {
                Decryptor::new(&sealed[..], &keyring)
                    .unwrap()
                    .decrypt_to_with(&mut out, &decrypt, &Control::new())
                    .unwrap();
            });
            assert!(out == plain);
        }
    }

    let speed = |d: Duration| len as f64 / (1 << 20) as f64 / d.as_secs_f64();
    let per_cpu = |ticks: u64| {
        (len * rounds) as f64 / (1 << 20) as f64 / (ticks.max(1) as f64 / TICKS_PER_SECOND)
    };
    println!(
        "| what | backend | threads | encrypt MiB/s (wall) | decrypt MiB/s (wall) | encrypt MiB/CPU-s | decrypt MiB/CPU-s |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in &mut rows {
        let [enc, dec] = &mut row.wall;
        enc.sort();
        dec.sort();
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
            row.what,
            row.backend.name(),
            row.threads,
            speed(enc[enc.len() / 2]),
            speed(dec[dec.len() / 2]),
            per_cpu(row.ticks[0]),
            per_cpu(row.ticks[1]),
        );
    }
}

impl Row {
    fn new(what: &'static str, backend: CipherBackend, threads: usize) -> Self {
        Row {
            what,
            backend,
            threads,
            wall: [Vec::new(), Vec::new()],
            ticks: [0, 0],
        }
    }

    fn time(&mut self, which: usize, run: impl FnOnce()) {
        let (start, ticks) = (Instant::now(), cpu_ticks());
        run();
        self.wall[which].push(start.elapsed());
        self.ticks[which] += cpu_ticks() - ticks;
    }
}

/// Seals (or opens) `len` bytes as 256 KiB chunks, in place in one buffer.
///
/// Opening needs a valid chunk every time without re-sealing it: with one
/// nonce, sealing X0 gives X1 and tag t1, and sealing X1 gives X0 back and
/// t0. Opening X1 ‖ t1 gives X0, and opening X0 ‖ t0 gives X1.
fn cipher_alone(cipher: &BenchCipher, len: usize, open: bool) {
    let chunk = ChunkSize::DEFAULT.bytes();
    let mut buf = vec![0x5au8; chunk];
    if !open {
        for index in 0..(len / chunk) as u64 {
            buf.truncate(chunk);
            cipher.seal(index, false, &mut buf);
        }
        return;
    }
    let seal_tag = |buf: &mut Vec<u8>| {
        cipher.seal(0, false, buf);
        buf.split_off(chunk)
    };
    let t1 = seal_tag(&mut buf); // buf = X1
    let t0 = seal_tag(&mut buf); // buf = X0
    let _ = seal_tag(&mut buf); // buf = X1 again
    for i in 0..len / chunk {
        buf.extend_from_slice(if i % 2 == 0 { &t1 } else { &t0 });
        assert!(cipher.open(0, false, &mut buf));
    }
}

/// USER_HZ on Linux.
const TICKS_PER_SECOND: f64 = 100.0;

/// User + system CPU time of this process so far, in clock ticks (0 if unknown).
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}
