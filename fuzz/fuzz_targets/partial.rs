//! Partial-result files (`.flp`): the input is a file's contents between its
//! magic bytes and version (written here) and its CRC-32 (computed here), so
//! that mutations reach the header and sums decoders instead of stopping at
//! the checksum. The first byte picks the command (`stats` or `compare`) and
//! the version: 1, or 4, whose `--by` keys may be null and which takes any
//! settings the header states.
#![no_main]

mod common;

/// The partial-file magic bytes.
const MAGIC: &[u8] = b"\x89FLP\r\n\x1a\n";

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let [selector, body @ ..] = data else {
        return;
    };
    let mut file = MAGIC.to_vec();
    let version: u32 = if selector & 2 == 0 { 1 } else { 4 };
    file.extend_from_slice(&version.to_le_bytes());
    file.extend_from_slice(body);
    let crc = crc32fast::hash(&file);
    file.extend_from_slice(&crc.to_le_bytes());
    let path = common::write_input("fuzz.flp", &file);
    if selector & 1 == 0 {
        common::run("stats", &[], &path);
    } else {
        common::run("compare", &["--gamma", "0,2"], &path);
    }
});
