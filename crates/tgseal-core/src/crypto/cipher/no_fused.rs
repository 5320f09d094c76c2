//! Stands in for the fused backend where this build has none (the `fused`
//! feature is off, or ring has no fused assembly for the target): it can never
//! be made, so the portable backend runs.

use std::convert::Infallible;

/// This build has no fused backend.
pub(super) const AVAILABLE: bool = false;

pub(super) struct Fused(Infallible);

impl Fused {
    pub(super) fn new(_key: &[u8; 32]) -> Option<Self> {
        None
    }

    pub(super) fn seal(&self, _nonce: [u8; 12], _buf: &mut Vec<u8>) {
        match self.0 {}
    }

    pub(super) fn open(&self, _nonce: [u8; 12], _buf: &mut Vec<u8>) -> bool {
        match self.0 {}
    }
}
