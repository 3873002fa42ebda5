//! Arrow IPC input: the IPC file format (`.arrow`, `.feather`, Feather v2),
//! whose record batches are read in parallel as units, and the IPC stream
//! format (`.arrows`, and the `datasets` cache's `.arrow` files), read front
//! to back. Both go batch by batch into the shared Arrow decoder, projected
//! to the needed columns; the sizes the file states are checked first
//! ([`super::ipc_scan`]).

use super::arrow::{self as arrow_in, BatchDecoder, UNIT_ROWS};
use super::decode::Decoder;
use super::detect::Column;
use super::handle::{At, Handle};
use super::ipc_scan;
use super::reader::{Kind, Reader, Span};
use super::{InputOptions, Source};
use crate::engine::UnitAcc;
use anyhow::{anyhow, Result};
use arrow_array::RecordBatch;
use arrow_ipc::reader::{FileReaderBuilder, StreamReader};
use arrow_schema::{ArrowError, SchemaRef};
use std::io::{BufReader, Seek, SeekFrom};

/// The Arrow IPC format, file or stream (told apart by their first bytes).
pub(crate) struct Ipc;

impl Kind for Ipc {
    fn name(&self) -> &'static str {
        "arrow"
    }
    fn about(&self) -> &'static str {
        "Arrow IPC file or stream (Feather v2, the HuggingFace datasets cache)"
    }
    fn title(&self) -> &'static str {
        "Arrow IPC"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &[".arrow", ".arrows", ".feather", ".ipc"]
    }
    fn magic(&self) -> Option<&'static str> {
        Some("the Arrow IPC magic bytes ARROW1 (a file) or 0xFFFFFFFF (a stream)")
    }
    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"ARROW1") || head.starts_with(&[0xff; 4])
    }
    fn needs_file(&self) -> bool {
        true
    }
    fn open(&self, shown: &str, handle: &Handle, head: &[u8]) -> Result<Box<dyn Reader>> {
        let size = handle.size();
        let mut file = handle.at(0, size);
        let stream = !head.starts_with(b"ARROW1");
        let damaged = |what: String| {
            let kind = if stream { "stream" } else { "file" };
            anyhow!("{shown}: not a readable Arrow IPC {kind} ({what}); it may be truncated or still being written. Wait for the writer to finish, or re-export the file")
        };
        let rows = if stream {
            ipc_scan::scan_stream(&mut file, size)
        } else {
            ipc_scan::scan_file(&mut file, size)
        }
        .map_err(damaged)?;
        let mut ipc = IpcFile {
            stream,
            rows,
            schema: SchemaRef::new(arrow_schema::Schema::empty()),
        };
        ipc.schema = crate::guard::catch(shown, || {
            file.seek(SeekFrom::Start(0))
                .map_err(|e| anyhow!("{shown}: cannot read: {e}"))?;
            let (schema, _) = ipc
                .batches_from(file, None, 0)
                .map_err(|e| damaged(e.to_string()))?;
            Ok(schema)
        })?;
        Ok(Box::new(ipc))
    }
}

/// Record batches of a file from a given batch on, and the schema.
type Batches = (
    SchemaRef,
    Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>>>,
);

/// One Arrow IPC file or stream.
#[derive(Debug)]
pub(crate) struct IpcFile {
    /// The stream format (read front to back), else the file format.
    stream: bool,
    /// Rows of each record batch.
    rows: Vec<u64>,
    /// The file's schema.
    schema: SchemaRef,
}

impl IpcFile {
    /// The record batches from batch `start` on, projected to `projection`.
    fn batches_from(
        &self,
        file: At,
        projection: Option<Vec<usize>>,
        start: usize,
    ) -> Result<Batches, ArrowError> {
        if self.stream {
            let r = StreamReader::try_new(BufReader::with_capacity(1 << 20, file), projection)?;
            Ok((r.schema(), Box::new(r)))
        } else {
            let mut b = FileReaderBuilder::new();
            if let Some(p) = projection {
                b = b.with_projection(p);
            }
            let mut r = b.build(file)?;
            if start < self.rows.len() {
                r.set_index(start)?;
            }
            Ok((r.schema(), Box::new(r)))
        }
    }

    /// The whole file, through its one handle.
    fn open(&self, src: &Source) -> Result<At> {
        let h = src.handle()?;
        Ok(h.at(0, h.size()))
    }

    fn cannot_decode(&self, src: &Source, row: u64, e: ArrowError) -> anyhow::Error {
        src.cannot_decode(row, &e)
    }
}

impl Reader for IpcFile {
    fn columns(&self, _src: &Source, _opts: &InputOptions) -> Result<Vec<Column>> {
        Ok(arrow_in::columns(&self.schema))
    }

    fn list_width(&self, src: &Source, col: &str) -> Result<usize> {
        let idx = self.schema.index_of(col)?;
        let (_, batches) = self
            .batches_from(self.open(src)?, Some(vec![idx]), 0)
            .map_err(|e| self.cannot_decode(src, 0, e))?;
        arrow_in::list_width(batches.map(|r| r.map_err(Into::into)), col)?
            .ok_or_else(|| arrow_in::no_list_width(src, col))
    }

    /// A stream is one unit; a file's batches are joined into units of about [`UNIT_ROWS`] rows.
    fn units(&self, _src: &Source, _opts: &InputOptions, _whole: bool) -> Result<Vec<Span>> {
        if self.stream {
            return Ok(vec![Span::Whole]);
        }
        let mut out = Vec::new();
        let (mut start, mut rows, mut first) = (0, 0u64, 0u64);
        for (i, r) in self.rows.iter().enumerate() {
            rows += r;
            if rows >= UNIT_ROWS || i + 1 == self.rows.len() {
                let end = i as u64 + 1;
                out.push(Span::Part { start, end, first });
                (start, first, rows) = (end, first + rows, 0);
            }
        }
        Ok(out)
    }

    fn read(
        &self,
        src: &Source,
        span: &Span,
        dec: &Decoder,
        acc: &mut UnitAcc,
    ) -> Result<Option<u64>> {
        let (start, end, first) = match *span {
            Span::Part { start, end, first } => (start as usize, end as usize, first),
            Span::Whole => (0, self.rows.len(), 0),
        };
        let idx = arrow_in::projection(&self.schema, src, dec)?;
        let (_, batches) = self
            .batches_from(self.open(src)?, Some(idx), start)
            .map_err(|e| self.cannot_decode(src, first, e))?;
        let mut row = first;
        let mut decoder = BatchDecoder::new(dec);
        for rb in batches.take(end - start) {
            let rb = rb.map_err(|e| self.cannot_decode(src, row, e))?;
            decoder.accumulate(&rb, row, src, acc)?;
            row += rb.num_rows() as u64;
        }
        Ok(None)
    }
}
