//! What differs between SQL engines: identifier and string quoting, float
//! literals, the NaN test, integer types and a list of class indices.

use clap::ValueEnum;

/// The SQL engines `flcli sql` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Dialect {
    /// DuckDB.
    Duckdb,
    /// Spark SQL (Databricks).
    Spark,
    /// Trino / Presto (Athena).
    Trino,
    /// Google BigQuery (GoogleSQL).
    Bigquery,
    /// PostgreSQL.
    Postgres,
    /// Apache DataFusion.
    Datafusion,
}

impl Dialect {
    /// The name used in the spec and the docs.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Spark => "spark",
            Dialect::Trino => "trino",
            Dialect::Bigquery => "bigquery",
            Dialect::Postgres => "postgres",
            Dialect::Datafusion => "datafusion",
        }
    }

    /// A quoted identifier.
    pub(crate) fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark | Dialect::Bigquery => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal.
    pub(crate) fn string(self, s: &str) -> String {
        match self {
            // Backslash escapes: a quote and a backslash need one.
            Dialect::Spark | Dialect::Bigquery => {
                let mut out = String::with_capacity(s.len() + 2);
                out.push('\'');
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
            _ => format!("'{}'", s.replace('\'', "''")),
        }
    }

    /// A double literal that parses to exactly `v`: Rust's shortest round-trip
    /// digits in scientific notation, which every engine reads as a double
    /// (PostgreSQL reads it as numeric, hence the cast).
    pub(crate) fn float(self, v: f64) -> String {
        let s = format!("{v:e}");
        let s = if v < 0.0 { format!("({s})") } else { s };
        match self {
            Dialect::Postgres => format!("CAST({s} AS DOUBLE PRECISION)"),
            _ => s,
        }
    }

    /// The 64-bit integer type.
    pub(crate) fn int_type(self) -> &'static str {
        match self {
            Dialect::Bigquery => "INT64",
            _ => "BIGINT",
        }
    }

    /// The double type.
    pub(crate) fn double_type(self) -> &'static str {
        match self {
            Dialect::Bigquery => "FLOAT64",
            Dialect::Postgres => "DOUBLE PRECISION",
            _ => "DOUBLE",
        }
    }

    /// The string type.
    pub(crate) fn string_type(self) -> &'static str {
        match self {
            Dialect::Bigquery => "STRING",
            Dialect::Spark => "STRING",
            _ => "VARCHAR",
        }
    }

    /// Whether `x` is NaN (`x <> x` does not work: several engines treat NaN as
    /// equal to itself).
    pub(crate) fn is_nan(self, x: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Datafusion | Dialect::Spark => format!("isnan({x})"),
            Dialect::Trino => format!("is_nan({x})"),
            Dialect::Bigquery => format!("IS_NAN({x})"),
            Dialect::Postgres => format!("({x} = CAST('NaN' AS DOUBLE PRECISION))"),
        }
    }

    /// A FROM item that yields one row per class index 0..k, in column `col`.
    pub(crate) fn indices(self, k: usize, col: &str) -> String {
        let list: Vec<String> = (0..k).map(|i| i.to_string()).collect();
        match self {
            Dialect::Bigquery => format!("UNNEST([{}]) AS {col}", list.join(", ")),
            Dialect::Spark => format!(
                "(SELECT explode(array({})) AS {col}) AS flcli_k",
                list.join(", ")
            ),
            _ => {
                let rows: Vec<String> = list.iter().map(|i| format!("({i})")).collect();
                format!("(VALUES {}) AS flcli_k({col})", rows.join(", "))
            }
        }
    }

    /// What ends each step's SELECT so the planner keeps the steps apart.
    /// PostgreSQL inlines a CTE used once and flattens the subqueries into one
    /// projection, which copies every column's expression into each use of it:
    /// the expression tree grows exponentially with the steps (6,000 rows ran
    /// for half an hour in 5 GB). `OFFSET 0` stops the pull-up and still
    /// streams the rows, where `MATERIALIZED` would store each step.
    pub(crate) fn step_fence(self) -> &'static str {
        match self {
            Dialect::Postgres => "\n  OFFSET 0",
            _ => "",
        }
    }

    /// An integer-valued expression as the 64-bit integer type.
    pub(crate) fn as_int(self, x: &str) -> String {
        format!("CAST({x} AS {})", self.int_type())
    }
}
