//! Structure-aware Parquet fuzzing: the input is a list of byte patches
//! applied to one of the committed fixture files, aimed at its footer (the
//! thrift metadata: schema, row groups, column chunk offsets and sizes) and
//! its first pages (page headers, dictionary pages), where random whole-file
//! bytes rarely reach a parser deep enough to matter.
#![no_main]

mod common;

const SEEDS: [&[u8]; 3] = [
    include_bytes!("../../fixtures/animals.parquet"),
    include_bytes!("../../fixtures/detection.parquet"),
    include_bytes!("../../fixtures/sigmoid.parquet"),
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let [which, selector, patches @ ..] = data else {
        return;
    };
    let mut file = SEEDS[*which as usize % SEEDS.len()].to_vec();
    let len = file.len();
    // Each patch is 3 bytes: a 15-bit position counted from the end (footer)
    // or, with the top bit set, from the start (page headers), and the new byte.
    for p in patches.chunks_exact(3) {
        let pos = u16::from_le_bytes([p[0], p[1]]);
        let off = (pos & 0x7fff) as usize % len;
        let at = if pos & 0x8000 != 0 {
            off
        } else {
            len - 1 - off
        };
        file[at] = p[2];
    }
    let path = common::write_input("patched.parquet", &file);
    common::run("stats", &common::flags(*selector), &path);
});
