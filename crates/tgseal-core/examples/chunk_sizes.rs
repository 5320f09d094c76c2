//! Chunk-size sweep, interleaved: every round times each chunk size (64 KiB to
//! 1 MiB) with 1 thread and with all threads, in turn, then prints the medians.
//! Interleaving keeps a busy machine's drifting load from favouring one size.
//!
//! `cargo run --release -p tgseal-core --example chunk_sizes [MIB] [ROUNDS]`
//! (defaults: 64 MiB, 7 rounds). Encrypt and decrypt, in memory. Besides the
//! wall-clock median it prints MiB per CPU-second (user + system time of the
//! whole process, from /proc/self/stat, Linux only): on a machine shared with
//! other work the wall clock measures the scheduler as much as the code.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use tgseal_core::{
    ChunkSize, Control, DecryptOptions, Decryptor, EncryptOptions, KdfCap, Keyring, Metadata,
    Passphrase,
};

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: usize = args.next().map_or(64, |a| a.parse().unwrap());
    let rounds: usize = args.next().map_or(7, |a| a.parse().unwrap());
    let len = mib << 20;
    let master = common::master("p", common::TINY_KDF);
    let keyring = Keyring::new(Passphrase::new("p").unwrap(), KdfCap::DEFAULT);
    let plain: Vec<u8> = (0..len).map(|i| (i * 131 + i / 4093) as u8).collect();
    let metadata = Metadata::file("x", Some(len as u64), None);
    let all = tgseal_core::default_threads();
    let mut configs = Vec::new();
    for log2 in ChunkSize::MIN_LOG2..=ChunkSize::MAX_LOG2 {
        for threads in [1, all] {
            configs.push((ChunkSize::from_log2(log2).unwrap(), threads));
        }
    }
    let mut sealed: Vec<Vec<u8>> = Vec::new();
    for &(chunk, _) in &configs {
        let mut out = Vec::with_capacity(len + len / 1000 + 4096);
        let options = EncryptOptions::default().with_chunk_size(chunk);
        common::seal_into(&master, &metadata, &plain, &mut out, &options);
        sealed.push(out);
    }
    let mut out = Vec::with_capacity(len + len / 1000 + 4096);
    let mut times = vec![(Vec::new(), Vec::new()); configs.len()];
    let mut cpu = vec![(0u64, 0u64); configs.len()];
    for round in 0..rounds {
        eprint!("round {}/{rounds}\r", round + 1);
        for (i, &(chunk, threads)) in configs.iter().enumerate() {
            out.clear();
            let options = EncryptOptions::default()
                .with_chunk_size(chunk)
                .with_threads(threads);
            let (start, ticks) = (Instant::now(), cpu_ticks());
            common::seal_into(&master, &metadata, &plain, &mut out, &options);
            times[i].0.push(start.elapsed());
            cpu[i].0 += cpu_ticks() - ticks;
            out.clear();
            let (start, ticks) = (Instant::now(), cpu_ticks());
            Decryptor::new(&sealed[i][..], &keyring)
                .unwrap()
                .decrypt_to_with(
                    &mut out,
                    &DecryptOptions::default().with_threads(threads),
                    &Control::new(),
                )
                .unwrap();
            times[i].1.push(start.elapsed());
            cpu[i].1 += cpu_ticks() - ticks;
        }
    }
    let speed = |d: Duration| len as f64 / (1 << 20) as f64 / d.as_secs_f64();
    println!("{mib} MiB in memory, {rounds} interleaved rounds, median MiB/s");
    let per_cpu = |ticks: u64| {
        (len * rounds) as f64 / (1 << 20) as f64 / (ticks.max(1) as f64 / TICKS_PER_SECOND)
    };
    println!(
        "| chunk | threads | encrypt MiB/s (wall) | decrypt MiB/s (wall) | encrypt MiB/CPU-s | decrypt MiB/CPU-s |"
    );
    println!("|---|---|---|---|---|---|");
    for (i, &(chunk, threads)) in configs.iter().enumerate() {
        let (enc, dec) = &mut times[i];
        enc.sort();
        dec.sort();
        println!(
            "| {} KiB | {threads} | {:.0} | {:.0} | {:.0} | {:.0} |",
            chunk.bytes() >> 10,
            speed(enc[enc.len() / 2]),
            speed(dec[dec.len() / 2]),
            per_cpu(cpu[i].0),
            per_cpu(cpu[i].1)
        );
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
