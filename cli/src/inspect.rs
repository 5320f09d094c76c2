//! `tgseal inspect`: the public facts of a sealed file's header.

use std::io::Read;

use anyhow::{Context, Result};

use crate::cli::InspectArgs;

pub fn run(args: InspectArgs) -> Result<u8> {
    let input: Box<dyn Read> = if args.input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&args.input)
                .with_context(|| format!("cannot open {}", args.input.display()))?,
        )
    };
    let mut input = std::io::BufReader::new(input);
    if tgseal_age::is_age(&mut input)?.is_some() {
        return crate::age::inspect(input, &args.input);
    }
    let info =
        tgseal_core::inspect(&mut input).with_context(|| args.input.display().to_string())?;
    println!("format:      tgseal version {}", info.version);
    println!("kdf:         {}", info.kdf);
    println!("chunk size:  {} KiB", info.chunk_size / 1024);
    println!(
        "header:      {} bytes (metadata record {} bytes, encrypted)",
        info.header_len, info.sealed_metadata_len
    );
    println!("cipher:      ChaCha20-Poly1305 STREAM, header authenticated with HMAC-SHA256");
    Ok(0)
}
