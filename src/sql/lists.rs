//! List columns in the query: the scores of all classes in one list column
//! (`probs`, `logits` as Parquet writes a fixed-size list), and the list of
//! positive class ids of a multi-label row. Each engine spells an element,
//! a length and a membership test its own way; every form here gives NULL,
//! never an error, for an index past the end, so that a short list is
//! counted as a bad shape as flcli counts it.

use super::dialect::Dialect;

/// Element `i` (0-based) of the list `col` (an expression), NULL past the end.
pub fn element(d: Dialect, col: &str, i: usize) -> String {
    match d {
        // 1-based subscripts that give NULL out of range.
        Dialect::Duckdb | Dialect::Postgres | Dialect::Datafusion => format!("{col}[{}]", i + 1),
        // A subscript past the end is an error in Trino and in Spark under ANSI mode.
        Dialect::Trino => format!("element_at({col}, {})", i + 1),
        Dialect::Spark => format!("try_element_at({col}, {})", i + 1),
        Dialect::Bigquery => format!("{col}[SAFE_OFFSET({i})]"),
    }
}

/// The number of elements of the list `col`, NULL for a NULL list.
pub fn length(d: Dialect, col: &str) -> String {
    let n = match d {
        Dialect::Duckdb => format!("len({col})"),
        Dialect::Postgres | Dialect::Trino => format!("cardinality({col})"),
        Dialect::Datafusion => format!("array_length({col})"),
        Dialect::Spark => format!("size({col})"),
        Dialect::Bigquery => format!("ARRAY_LENGTH({col})"),
    };
    // Spark's size(NULL) is -1 outside ANSI mode: the NULL test comes first.
    format!("CASE WHEN {col} IS NOT NULL THEN {n} END")
}
