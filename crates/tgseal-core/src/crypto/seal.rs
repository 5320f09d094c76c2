//! Encrypting and decrypting whole streams: header (FORMAT.md §2–4) then payload (§5).

use std::io::{Read, Write};

use crate::control::Control;
use crate::count::{self, Counting};
use crate::crypto::chunked::{ChunkParams, PayloadChunks};
use crate::crypto::cipher::CipherBackend;
use crate::crypto::format::{Header, HeaderInfo, Metadata};
use crate::crypto::keys::{FileKeys, Keyring, MasterKey};
use crate::crypto::stream::{ChunkCipher, ChunkSize, Content, open_payload, seal_payload};
use crate::{Error, Result};

/// Choices for encryption that do not touch the key.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct EncryptOptions {
    /// Payload chunk size.
    pub chunk_size: ChunkSize,
    /// Threads that seal the payload; 0 or 1 seals on the calling thread alone.
    /// Every value writes the same bytes. Default: [`default_threads`].
    pub threads: usize,
    /// The ChaCha20-Poly1305 implementation for the payload; both write the
    /// same bytes. Default: [`CipherBackend::current`], which is also used when
    /// this build lacks the one asked for.
    pub cipher: CipherBackend,
}

impl Default for EncryptOptions {
    fn default() -> Self {
        EncryptOptions {
            chunk_size: ChunkSize::DEFAULT,
            threads: default_threads(),
            cipher: CipherBackend::current(),
        }
    }
}

impl EncryptOptions {
    /// These options with another chunk size.
    pub fn with_chunk_size(mut self, chunk_size: ChunkSize) -> Self {
        self.chunk_size = chunk_size;
        self
    }

    /// These options with another thread count (0 or 1: the calling thread alone).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// These options with another cipher backend (benchmarks, cross-checks).
    pub fn with_cipher(mut self, cipher: CipherBackend) -> Self {
        self.cipher = cipher;
        self
    }
}

/// Choices for decryption.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct DecryptOptions {
    /// Threads that open the payload; 0 or 1 opens on the calling thread alone.
    /// Every value gives the same output and the same errors. Default: [`default_threads`].
    pub threads: usize,
    /// The ChaCha20-Poly1305 implementation for the payload; both give the
    /// same output and the same errors. Default: [`CipherBackend::current`],
    /// which is also used when this build lacks the one asked for.
    pub cipher: CipherBackend,
}

impl Default for DecryptOptions {
    fn default() -> Self {
        DecryptOptions {
            threads: default_threads(),
            cipher: CipherBackend::current(),
        }
    }
}

impl DecryptOptions {
    /// These options with another thread count (0 or 1: the calling thread alone).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// These options with another cipher backend (benchmarks, cross-checks).
    pub fn with_cipher(mut self, cipher: CipherBackend) -> Self {
        self.cipher = cipher;
        self
    }
}

/// The payload thread count used unless told otherwise: the cores this process
/// may use (1 if that cannot be found out, or without the `threads` feature).
pub fn default_threads() -> usize {
    if cfg!(feature = "threads") {
        std::thread::available_parallelism().map_or(1, usize::from)
    } else {
        1
    }
}

/// What a finished job moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Bytes read from the input (content for encryption, sealed bytes for decryption).
    pub bytes_in: u64,
    /// Bytes written to the output.
    pub bytes_out: u64,
}

/// Encrypts `input` into a sealed stream on `output`.
///
/// When `metadata.content_len` is known, exactly that many bytes must come from
/// `input` (otherwise [`Error::InputChanged`]); `metadata.padding_len` zero bytes
/// are sealed after them. Progress is reported in content bytes.
pub fn encrypt(
    master: &MasterKey,
    metadata: &Metadata,
    input: &mut impl Read,
    output: &mut impl Write,
    options: &EncryptOptions,
    control: &Control,
) -> Result<Summary> {
    control.check()?;
    let (header, keys) = Header::seal(master, options.chunk_size, metadata)?;
    let header_bytes = header.to_bytes();
    output.write_all(&header_bytes)?;
    let cipher = ChunkCipher::new(&keys.payload, options.cipher);
    let padding = std::io::repeat(0).take(metadata.padding_len);
    let (read, written) = match metadata.content_len {
        Some(expected) => {
            // Read one byte past the announced length to notice a growing file.
            let (mut counted, count) = Counting::new(input.take(expected.saturating_add(1)));
            let mut content = (&mut counted).take(expected).chain(padding);
            let result = seal_payload(
                &cipher,
                options.chunk_size,
                &mut content,
                output,
                metadata.payload_len(),
                control,
                options.threads,
            )?;
            let mut probe = [0u8; 1];
            let extra = counted.read(&mut probe)?;
            let actual = count::read(&count);
            if actual != expected || extra != 0 {
                return Err(Error::InputChanged { expected, actual });
            }
            result
        }
        None => seal_payload(
            &cipher,
            options.chunk_size,
            &mut input.chain(padding),
            output,
            None,
            control,
            options.threads,
        )?,
    };
    Ok(Summary {
        bytes_in: read - metadata.padding_len,
        bytes_out: header_bytes.len() as u64 + written,
    })
}

/// A sealed stream whose header has been read and authenticated: the metadata
/// is known (so the caller can pick the output name), the payload is not yet read.
pub struct Decryptor<R> {
    input: R,
    header: Header,
    keys: FileKeys,
    metadata: Metadata,
}

impl<R: Read> Decryptor<R> {
    /// Reads the header, derives (or reuses) the master key, checks the
    /// passphrase and the header MAC, and opens the metadata.
    pub fn new(mut input: R, keyring: &Keyring) -> Result<Self> {
        let header = Header::read(&mut input)?;
        let master = keyring.master_for(&header)?;
        let (keys, metadata) = header.authenticate(&master)?;
        Ok(Decryptor {
            input,
            header,
            keys,
            metadata,
        })
    }

    /// The authenticated metadata record.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The public header facts.
    pub fn info(&self) -> HeaderInfo {
        self.header.info()
    }

    /// Decrypts the payload to `output` with the default [`DecryptOptions`].
    /// Each chunk is written only after it verified; on an error, what was
    /// written so far must be discarded (the file helpers do this by writing to
    /// a temporary file).
    pub fn decrypt_to(self, output: &mut impl Write, control: &Control) -> Result<Summary> {
        self.decrypt_to_with(output, &DecryptOptions::default(), control)
    }

    /// [`Decryptor::decrypt_to`] with explicit options. Chunk `i` is written
    /// only after chunks `0..=i` verified, whatever the thread count.
    pub fn decrypt_to_with(
        mut self,
        output: &mut impl Write,
        options: &DecryptOptions,
        control: &Control,
    ) -> Result<Summary> {
        let cipher = ChunkCipher::new(&self.keys.payload, options.cipher);
        let mut content = Content::new(self.metadata.content_len);
        let read = open_payload(
            &cipher,
            self.header.chunk_size,
            &mut self.input,
            self.metadata.payload_len(),
            control,
            options.threads,
            |plain| {
                output.write_all(content.keep(plain)?)?;
                Ok(())
            },
        )?;
        output.flush()?;
        let header_len = self.header.info().header_len as u64;
        Ok(Summary {
            bytes_in: header_len
                + crate::crypto::stream::sealed_payload_len(read, self.header.chunk_size),
            bytes_out: content.written(),
        })
    }

    /// The payload for workers the caller runs itself, which share no memory
    /// with it (the web app's Web Workers): the caller hands each chunk to a
    /// worker's [`crate::ChunkOpener`], under the payload key this gives out, and
    /// takes the verified plaintext back in order
    /// ([`PayloadChunks::deliver`]). Same rules and errors as
    /// [`Decryptor::decrypt_to_with`].
    pub fn into_chunks(self) -> PayloadChunks<R> {
        let header_len = self.header.info().header_len as u64;
        let params = ChunkParams {
            chunk_size: self.header.chunk_size,
            payload_len: self.metadata.payload_len(),
        };
        PayloadChunks::new(
            self.input,
            self.keys.payload.clone(),
            params,
            header_len,
            self.metadata.content_len,
        )
    }
}

/// Reads a header and reports its public facts; needs no passphrase.
pub fn inspect(input: &mut impl Read) -> Result<HeaderInfo> {
    Ok(Header::read(input)?.info())
}
