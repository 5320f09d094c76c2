//! age input recognition and opening (docs/AGE.md): any bytes as a file, sniffed, recognised by the
//! workflow's front door (tgseal, age or plain), its header inspected, and
//! decrypted with the age test kit's X25519 identity or, for a passphrase
//! file, its passphrase under a low scrypt cap. Must never panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tgseal_age::{DecryptWith, Identities};
use tgseal_core::{Control, Passphrase};
use tgseal_workflow::Input;
use tgseal_workflow::age::input::AgeInput;

/// The identity of most vectors of the age test kit (tests/age-testkit/).
const IDENTITY: &str = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";

fn keys() -> &'static (Identities, Passphrase) {
    static KEYS: OnceLock<(Identities, Passphrase)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            Identities::from_text(IDENTITY.as_bytes()).expect("the test kit's identity"),
            Passphrase::new("password").expect("a passphrase"),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = tgseal_age::sniff(data);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("x.age");
    std::fs::write(&path, data).expect("the input written");
    let _ = Input::recognise(&path);
    let Ok(Some(input)) = AgeInput::recognise(&path) else {
        return;
    };
    let (identities, passphrase) = keys();
    let with = match input.unlock() {
        Ok(Some(tgseal_workflow::age::input::Unlock::Passphrase)) => DecryptWith::Passphrase {
            passphrase,
            // The test kit's scrypt files ask for 2^10; no more is worth a fuzz run.
            max_work_factor: 12,
        },
        _ => DecryptWith::Identities(identities),
    };
    let mut released = Vec::new();
    let _ = input.decrypt_to(&mut released, with, &Control::new());
    assert!(released.len() <= data.len());
});
