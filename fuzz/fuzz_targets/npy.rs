//! NumPy `.npy` files: the input is one `.npy` file's bytes (its header, then
//! its data), read as the scores beside a fixed labels file of four labels,
//! or, for inputs of odd length, as the labels beside fixed scores. The
//! length also picks how the scores are named (one or several per label,
//! probabilities or logits, the mode, `--skip-invalid`), so the seeds stay
//! plain `.npy` files.
#![no_main]

mod common;

/// `np.save` of `np.array([0, 1, 1, 0])` (int64): the fixed labels.
const LABELS: &[u8] = include_bytes!("../corpus/npy/labels_i64.npy");
/// `np.save` of four float64 probabilities: the fixed scores.
const SCORES: &[u8] = include_bytes!("../corpus/npy/binary_f64.npy");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (scores, labels) = if data.len() % 2 == 0 {
        (data, LABELS)
    } else {
        (SCORES, data)
    };
    let scores = common::write_input("scores.npy", scores);
    let labels = common::write_input("labels.npy", labels);
    let mut args = vec!["--labels-npy", labels.to_str().expect("a UTF-8 temporary path")];
    // The scores array is named after its file: "scores".
    args.extend(match (data.len() / 2) % 8 {
        0 => &["--prob", "scores"][..],
        1 => &["--logit", "scores"],
        2 => &["--probs", "scores"],
        3 => &["--logits", "scores"],
        4 => &["--mode", "sigmoid", "--logits", "scores"],
        5 => &["--mode", "sigmoid", "--probs", "scores"],
        6 => &["--prob", "scores", "--skip-invalid"],
        _ => &["--probs", "scores", "--skip-invalid"],
    });
    common::run("stats", &args, &scores);
});
