//! Unit tests of the binary and sigmoid row helpers.

use super::*;
use crate::engine::kernel::argmax;

#[test]
fn is_top_agrees_with_argmax_including_ties() {
    let rows: Vec<Vec<f64>> = vec![
        vec![0.1, 0.5, 0.5, 0.2],
        vec![-3.0; 17],
        vec![0.0, -0.0, 0.0],
        (0..80).map(|k| ((k * 37) % 11) as f64).collect(),
        (0..80).map(|k| -(k as f64)).collect(),
        (0..9).map(|k| (k % 3) as f64).collect(),
        vec![f64::NEG_INFINITY, 1.0],
        vec![2.0],
    ];
    for row in &rows {
        for y in 0..row.len() {
            assert_eq!(is_top(row, y), argmax(row) == y, "{row:?} y={y}");
        }
    }
}
