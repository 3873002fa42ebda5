//! List columns in the query: the scores of all classes in one list column
//! (`probs`, `logits` as Parquet writes a fixed-size list), and the list of
//! positive class ids of a multi-label row. Each engine spells an element,
//! a length and a membership test its own way; every form here gives NULL,
//! never an error, for an index past the end, so that a short list is
//! counted as a bad shape as flcli counts it.

use super::dialect::Dialect;

/// Element `i` (0-based) of the list `col` (an expression), NULL past the end.
pub(crate) fn element(d: Dialect, col: &str, i: usize) -> String {
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
pub(crate) fn length(d: Dialect, col: &str) -> String {
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

/// Whether the list `col` holds the class id `j` (an integer expression):
/// true or false for a list without NULL elements, the only lists read.
pub(crate) fn member(d: Dialect, col: &str, j: &str) -> String {
    match d {
        Dialect::Duckdb => format!("list_contains({col}, {j})"),
        Dialect::Spark => format!("array_contains({col}, {j})"),
        Dialect::Trino => format!("contains({col}, {j})"),
        Dialect::Bigquery => format!("{j} IN UNNEST({col})"),
        Dialect::Postgres => format!("{j} = ANY({col})"),
        Dialect::Datafusion => format!("array_has({col}, {j})"),
    }
}

/// The code of the first invalid class id in the list `col` of a multi-label
/// row, 0 if every id is valid: `null` for a NULL id, `unknown` for one that
/// is not an integer in 0..k-1, as the readers decide a row by its first
/// invalid id. Each form keeps the list's order.
pub(crate) fn first_bad(d: Dialect, col: &str, k: usize, null: i64, unknown: i64) -> String {
    let x = "flcli_x";
    let valid = format!("{x} >= 0 AND {x} <= {} AND {x} = FLOOR({x})", k - 1);
    let bad = format!("{x} IS NULL OR NOT ({valid})");
    let why = format!("CASE WHEN {x} IS NULL THEN {null} ELSE {unknown} END");
    let each = format!("CASE WHEN {x} IS NULL THEN {null} WHEN {valid} THEN 0 ELSE {unknown} END");
    match d {
        // A list comprehension (DuckDB 0.8 and later; its lambda syntax changed in 1.3).
        Dialect::Duckdb => format!("COALESCE([{why} FOR {x} IN {col} IF {bad}][1], 0)"),
        Dialect::Spark => format!(
            "COALESCE(try_element_at(filter(transform({col}, {x} -> {each}), flcli_c -> flcli_c <> 0), 1), 0)"
        ),
        Dialect::Trino => format!(
            "COALESCE(element_at(filter(transform({col}, {x} -> {each}), flcli_c -> flcli_c <> 0), 1), 0)"
        ),
        Dialect::Bigquery => format!(
            "COALESCE((SELECT {why} FROM UNNEST({col}) AS {x} WITH OFFSET AS flcli_o WHERE {bad} ORDER BY flcli_o LIMIT 1), 0)"
        ),
        Dialect::Postgres => format!(
            "COALESCE((SELECT {why} FROM unnest({col}) WITH ORDINALITY AS flcli_u({x}, flcli_o) WHERE {bad} ORDER BY flcli_o LIMIT 1), 0)"
        ),
        // No lambdas: the ids that are none of 0..k-1 (NULL among them), in the
        // list's order, are what array_except leaves of the list.
        Dialect::Datafusion => {
            let ids: Vec<String> = (0..k).map(|i| i.to_string()).collect();
            let rest = format!("array_except({col}, make_array({}))", ids.join(", "));
            format!(
                "CASE WHEN cardinality({rest}) > 0 THEN CASE WHEN {rest}[1] IS NULL THEN {null} ELSE {unknown} END ELSE 0 END"
            )
        }
    }
}
