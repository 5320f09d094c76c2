//! Argon2id: parameters, presets, the decryption cap (FORMAT.md §2.3, §3.2).

use std::fmt;

use zeroize::Zeroizing;

use crate::crypto::passphrase::Passphrase;
use crate::{Error, Result};

/// Argon2id cost parameters, exactly as stored in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KdfParams {
    /// Memory in KiB (Argon2 `m`).
    pub memory_kib: u32,
    /// Number of passes over memory (Argon2 `t`).
    pub passes: u32,
    /// Degree of parallelism (Argon2 `p`).
    pub lanes: u32,
}

/// Largest lane count a file may declare. Argon2 allows 2^24 - 1; we need few.
pub const MAX_LANES: u32 = 64;

impl KdfParams {
    /// RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes.
    /// For weak machines; about a quarter of a second on a 2-core laptop.
    pub const INTERACTIVE: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        passes: 3,
        lanes: 4,
    };
    /// The default: 256 MiB, 3 passes, 4 lanes; about one second on a 2-core laptop.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 256 * 1024,
        passes: 3,
        lanes: 4,
    };
    /// 1 GiB, 4 passes, 4 lanes (Picocrypt's "paranoid" memory); several seconds.
    pub const PARANOID: KdfParams = KdfParams {
        memory_kib: 1024 * 1024,
        passes: 4,
        lanes: 4,
    };

    /// Checks that Argon2id accepts these parameters (memory at least 8 KiB per
    /// lane, at least one pass, 1..=64 lanes).
    pub fn validate(&self) -> Result<()> {
        if self.lanes == 0 || self.lanes > MAX_LANES {
            return Err(Error::InvalidKdfParams(format!(
                "lanes must be between 1 and {MAX_LANES}, not {}",
                self.lanes
            )));
        }
        if self.passes == 0 {
            return Err(Error::InvalidKdfParams("passes must be at least 1".into()));
        }
        if u64::from(self.memory_kib) < 8 * u64::from(self.lanes) {
            return Err(Error::InvalidKdfParams(format!(
                "memory must be at least 8 KiB per lane ({} KiB for {} lanes)",
                8 * self.lanes,
                self.lanes
            )));
        }
        Ok(())
    }

    /// Runs Argon2id (version 0x13) over the NFC passphrase and salt: the
    /// 32-byte master key of FORMAT.md §3.2.
    pub(crate) fn derive(
        &self,
        passphrase: &Passphrase,
        salt: &[u8; 16],
    ) -> Result<Zeroizing<[u8; 32]>> {
        self.validate()?;
        let params = argon2::Params::new(self.memory_kib, self.passes, self.lanes, Some(32))
            .map_err(|e| Error::InvalidKdfParams(e.to_string()))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut master = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.as_bytes(), salt, master.as_mut())
            .map_err(|e| Error::InvalidKdfParams(e.to_string()))?;
        Ok(master)
    }
}

impl fmt::Display for KdfParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Argon2id, {} memory, {} passes, {} lanes",
            format_kib(u64::from(self.memory_kib)),
            self.passes,
            self.lanes
        )
    }
}

/// The named presets offered by the front ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KdfPreset {
    /// [`KdfParams::INTERACTIVE`]
    Interactive,
    /// [`KdfParams::DEFAULT`]
    #[default]
    Default,
    /// [`KdfParams::PARANOID`]
    Paranoid,
}

impl KdfPreset {
    /// The parameters of this preset.
    pub fn params(self) -> KdfParams {
        match self {
            KdfPreset::Interactive => KdfParams::INTERACTIVE,
            KdfPreset::Default => KdfParams::DEFAULT,
            KdfPreset::Paranoid => KdfParams::PARANOID,
        }
    }

    /// All presets, weakest first.
    pub const ALL: [KdfPreset; 3] = [
        KdfPreset::Interactive,
        KdfPreset::Default,
        KdfPreset::Paranoid,
    ];

    /// The preset's name as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            KdfPreset::Interactive => "interactive",
            KdfPreset::Default => "default",
            KdfPreset::Paranoid => "paranoid",
        }
    }
}

/// The most KDF work a decryption will do for a file it has not been told to trust.
///
/// A hostile file could otherwise ask for terabytes of memory or millions of
/// passes. The default cap admits every preset with room to spare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfCap {
    /// Largest memory, in KiB.
    pub max_memory_kib: u32,
    /// Largest number of passes.
    pub max_passes: u32,
}

impl KdfCap {
    /// 2 GiB of memory and 16 passes (FORMAT.md §2.3).
    pub const DEFAULT: KdfCap = KdfCap {
        max_memory_kib: 2 * 1024 * 1024,
        max_passes: 16,
    };
    /// No cap at all: only for files the user explicitly trusts.
    pub const UNLIMITED: KdfCap = KdfCap {
        max_memory_kib: u32::MAX,
        max_passes: u32::MAX,
    };

    /// [`KdfCap::UNLIMITED`] when the user lifted the limit for files they
    /// trust, else [`KdfCap::DEFAULT`].
    pub const fn lifted_if(lifted: bool) -> KdfCap {
        if lifted {
            KdfCap::UNLIMITED
        } else {
            KdfCap::DEFAULT
        }
    }

    /// Refuses parameters above the cap.
    pub fn check(&self, params: &KdfParams) -> Result<()> {
        if params.memory_kib > self.max_memory_kib || params.passes > self.max_passes {
            return Err(Error::KdfOverCap {
                requested: format!(
                    "{} memory, {} passes",
                    format_kib(u64::from(params.memory_kib)),
                    params.passes
                ),
                cap: format!(
                    "{} memory, {} passes",
                    format_kib(u64::from(self.max_memory_kib)),
                    self.max_passes
                ),
            });
        }
        Ok(())
    }
}

impl Default for KdfCap {
    fn default() -> Self {
        KdfCap::DEFAULT
    }
}

fn format_kib(kib: u64) -> String {
    if kib >= 1024 * 1024 && kib.is_multiple_of(1024 * 1024) {
        format!("{} GiB", kib / (1024 * 1024))
    } else if kib >= 1024 && kib.is_multiple_of(1024) {
        format!("{} MiB", kib / 1024)
    } else {
        format!("{kib} KiB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_under_the_cap() {
        for preset in KdfPreset::ALL {
            let params = preset.params();
            params.validate().unwrap();
            KdfCap::DEFAULT.check(&params).unwrap();
        }
    }

    #[test]
    fn presets_at_least_rfc9106_second_recommendation() {
        for preset in KdfPreset::ALL {
            let p = preset.params();
            assert!(
                p.memory_kib >= 64 * 1024 && p.passes >= 3 && p.lanes >= 4,
                "{p}"
            );
        }
    }

    #[test]
    fn cap_refuses_memory_and_passes() {
        let cap = KdfCap::DEFAULT;
        let big_memory = KdfParams {
            memory_kib: cap.max_memory_kib + 1,
            passes: 1,
            lanes: 1,
        };
        let many_passes = KdfParams {
            memory_kib: 64,
            passes: cap.max_passes + 1,
            lanes: 1,
        };
        assert!(matches!(
            cap.check(&big_memory),
            Err(Error::KdfOverCap { .. })
        ));
        assert!(matches!(
            cap.check(&many_passes),
            Err(Error::KdfOverCap { .. })
        ));
        KdfCap::UNLIMITED.check(&big_memory).unwrap();
    }

    #[test]
    fn invalid_params_are_refused() {
        for bad in [
            KdfParams {
                memory_kib: 64,
                passes: 0,
                lanes: 1,
            },
            KdfParams {
                memory_kib: 64,
                passes: 1,
                lanes: 0,
            },
            KdfParams {
                memory_kib: 7,
                passes: 1,
                lanes: 1,
            },
            KdfParams {
                memory_kib: 1024,
                passes: 1,
                lanes: MAX_LANES + 1,
            },
        ] {
            assert!(
                matches!(bad.validate(), Err(Error::InvalidKdfParams(_))),
                "{bad:?}"
            );
        }
    }
}
