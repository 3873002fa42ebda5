//! NumPy `.npz` archives: the input is the archive's bytes (its zip
//! directory, local headers and `.npy` members, stored or deflated), read as
//! a prediction dump. The length picks the mode, `--skip-invalid` and
//! `--by split`, so the seeds stay plain `.npz` files.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file = common::write_input("input.npz", data);
    common::run("stats", &common::flags((data.len() % 16) as u8), &file);
});
