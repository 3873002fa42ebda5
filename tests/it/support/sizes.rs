//! The sizes of the parallel units flcli cuts its input into, for tests that
//! need an input of several units (src/input/arrow.rs checks them against
//! the code's).

/// Bytes of CSV per unit: a cut ends after the first newline this far past its start.
pub const CHUNK_BYTES: u64 = 8 << 20;
/// Rows per unit of Parquet (row groups joined up to at least this), IPC and in-memory data.
pub const UNIT_ROWS: u64 = 512 * 1024;
