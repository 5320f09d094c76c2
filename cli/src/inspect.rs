//! `tgseal inspect`: the public facts of a sealed file's header, in whatever
//! shape it arrived (binary, armored text, any one part or the folder of a
//! split file), or of an age file's header. The input is recognised by the
//! workflow layer, as `decrypt` recognises it.

use std::io::{BufRead, Read};

use anyhow::{Context, Result};
use tgseal_core::armor::ArmorReader;
use tgseal_core::untrusted::escape_path;
use tgseal_core::{HeaderInfo, lift};
use tgseal_workflow::Input;
use tgseal_workflow::sealed::SealedInput;

use crate::cli::InspectArgs;

pub fn run(args: InspectArgs) -> Result<u8> {
    let path = &args.input;
    let shown = escape_path(path);
    if path.as_os_str() == "-" {
        return inspect_stream(std::io::BufReader::new(std::io::stdin().lock()), &shown);
    }
    let input = Input::to_open(path).with_context(|| shown.clone())?;
    match input {
        Input::Age(age) => {
            let (reader, _) = age.reader().with_context(|| shown.clone())?;
            crate::age::inspect(reader, path)
        }
        Input::Sealed(sealed) => {
            let shape = match &sealed {
                SealedInput::Binary(_) => "binary sealed file".to_owned(),
                SealedInput::Armored(_) => "ASCII armor (FORMAT.md §11)".to_owned(),
                SealedInput::Parts(set) => format!(
                    "split into {} parts (FORMAT.md §10), {} sealed bytes",
                    set.paths().count(),
                    set.sealed_len()
                ),
            };
            let mut reader = sealed.reader().with_context(|| shown.clone())?;
            let info = tgseal_core::inspect(&mut reader)
                .map_err(lift)
                .with_context(|| shown.clone())?;
            print_header(&info, &shape);
            Ok(0)
        }
        // A pipe is read once, here: recognised from its first bytes.
        Input::Pipe(path) => {
            let file = std::fs::File::open(&path).with_context(|| shown.clone())?;
            inspect_stream(std::io::BufReader::new(file), &shown)
        }
        // `to_open` gives plain content no other meaning than "not sealed".
        Input::Plain(_) => Err(anyhow::Error::new(tgseal_core::Error::NotSealed).context(shown)),
    }
}

/// Standard input: a binary sealed file, one armored block or an age file.
fn inspect_stream(mut input: impl BufRead, shown: &str) -> Result<u8> {
    if tgseal_age::is_age(&mut input)?.is_some() {
        return crate::age::inspect(input, std::path::Path::new("-"));
    }
    let head = input.fill_buf()?;
    let armored = !head.starts_with(tgseal_core::MAGIC) && tgseal_core::armor::looks_armored(head);
    let (mut reader, shape): (Box<dyn Read>, &str) = if armored {
        let reader = ArmorReader::new(input).with_context(|| shown.to_owned())?;
        (Box::new(reader), "ASCII armor (FORMAT.md §11)")
    } else {
        (Box::new(input), "binary sealed file")
    };
    let info = tgseal_core::inspect(&mut reader)
        .map_err(lift)
        .with_context(|| shown.to_owned())?;
    print_header(&info, shape);
    Ok(0)
}

fn print_header(info: &HeaderInfo, shape: &str) {
    println!("format:      tgseal version {}", info.version);
    println!("shape:       {shape}");
    println!("kdf:         {}", info.kdf);
    println!("chunk size:  {} KiB", info.chunk_size / 1024);
    println!(
        "header:      {} bytes (metadata record {} bytes, encrypted)",
        info.header_len, info.sealed_metadata_len
    );
    println!("cipher:      ChaCha20-Poly1305 STREAM, header authenticated with HMAC-SHA256");
}
