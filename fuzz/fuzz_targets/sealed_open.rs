//! Header parsing and opening (FORMAT.md §2–5): any bytes given to the
//! decryptor, with a keyring that derives keys only for cheap parameters.
//! Must never panic, hang or allocate without bound; what it releases must be
//! no more than the input carries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tgseal_core::{Control, DecryptOptions, Decryptor};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(decryptor) = Decryptor::new(data, common::fresh_keyring()) else {
        return;
    };
    let _ = tgseal_core::untrusted::restored_name(&decryptor.metadata().name);
    // On the calling thread: one execution, one thread (the threaded path is
    // compared with it in sealed_forged).
    let options = DecryptOptions::default().with_threads(1);
    let mut released = Vec::new();
    let _ = decryptor.decrypt_to_with(&mut released, &options, &Control::new());
    // Every released byte came out of a verified chunk of the input.
    assert!(released.len() <= data.len());
});
