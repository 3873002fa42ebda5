//! The pages of one Parquet column chunk read and decompressed on a thread of
//! their own, a few pages ahead of the column reader that decodes them: with
//! one huge column chunk, reading and decompressing run beside the decoding
//! of levels and values instead of before it. The column reader gets the same
//! pages in the same order.

use parquet::column::page::{Page, PageMetadata, PageReader};
use parquet::errors::Result;
use std::sync::mpsc::{sync_channel, Receiver};

/// Pages read ahead: a few MiB with pyarrow's 1 MiB pages.
const AHEAD: usize = 4;

/// A [`PageReader`] fed by a thread running another one.
pub(super) struct Prefetch {
    rx: Receiver<Result<Page>>,
    /// The next page, once peeked at.
    next: Option<Page>,
}

impl Prefetch {
    /// Starts reading `pages` on a thread of its own. The thread ends after
    /// the last page, after an error, or when this reader is dropped.
    pub(super) fn new(pages: impl PageReader + 'static) -> Prefetch {
        let (tx, rx) = sync_channel(AHEAD);
        std::thread::spawn(move || {
            for page in pages {
                let failed = page.is_err();
                if tx.send(page).is_err() || failed {
                    return;
                }
            }
        });
        Prefetch { rx, next: None }
    }

    /// Makes `next` the next page, unless the pages have ended.
    fn fill(&mut self) -> Result<()> {
        if self.next.is_none() {
            if let Ok(page) = self.rx.recv() {
                self.next = Some(page?);
            }
        }
        Ok(())
    }
}

/// What the column reader asks of a page before reading it.
fn metadata(page: &Page) -> PageMetadata {
    match page {
        Page::DataPage { num_values, .. } => PageMetadata {
            num_rows: None,
            num_levels: Some(*num_values as usize),
            is_dict: false,
        },
        Page::DataPageV2 {
            num_values,
            num_rows,
            ..
        } => PageMetadata {
            num_rows: Some(*num_rows as usize),
            num_levels: Some(*num_values as usize),
            is_dict: false,
        },
        Page::DictionaryPage { .. } => PageMetadata {
            num_rows: None,
            num_levels: None,
            is_dict: true,
        },
    }
}

impl Iterator for Prefetch {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Result<Page>> {
        self.get_next_page().transpose()
    }
}

impl PageReader for Prefetch {
    fn get_next_page(&mut self) -> Result<Option<Page>> {
        self.fill()?;
        Ok(self.next.take())
    }

    fn peek_next_page(&mut self) -> Result<Option<PageMetadata>> {
        self.fill()?;
        Ok(self.next.as_ref().map(metadata))
    }

    fn skip_next_page(&mut self) -> Result<()> {
        self.fill()?;
        self.next = None;
        Ok(())
    }
}
