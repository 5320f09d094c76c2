//! The armor reader and the piece joiner (FORMAT.md §11): the streaming
//! reader a file goes through and the whole-text reader pasted text goes
//! through must never panic, and must agree whenever both succeed.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use tgseal_core::armor::{Armored, dearmor};

fuzz_target!(|data: &[u8]| {
    let _ = tgseal_core::recognise::recognise(data, "x.tgseal.txt");
    let joined = dearmor(data);
    let mut streamed = Vec::new();
    let streamed_ok = Armored::open(|| Ok(data))
        .and_then(|mut armored| {
            armored
                .read_to_end(&mut streamed)
                .map_err(|e| tgseal_core::lift(e.into()))
        })
        .is_ok();
    if let (Ok(joined), true) = (&joined, streamed_ok) {
        assert_eq!(joined, &streamed, "the two armor readers disagree");
    }
});
