//! `--fail-if` expressions: arbitrary text as a gate on a small fixture's
//! report (compare, so variant paths are reachable too).
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else {
        return;
    };
    if expr.starts_with('-') {
        return; // would be read as a flag, not as the gate's value
    }
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/animals.csv");
    common::run(
        "compare",
        &["--gamma", "0,2", "--fail-if", expr],
        std::path::Path::new(fixture),
    );
});
