//! The CSV reader: arbitrary bytes as a prediction dump, with the mode,
//! `--skip-invalid` and `--by` chosen by the input's length.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Flags from the length, so the seeds stay plain files.
    let (selector, body) = ((data.len() % 16) as u8, data);
    let file = common::write_input("input.csv", body);
    common::run("stats", &common::flags(selector), &file);
});
