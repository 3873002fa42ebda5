//! Helpers shared by the test modules.

pub mod common;
pub mod robust;
pub mod synth;
