//! Splits a log stream into lines, one at a time, with a bounded buffer.
//!
//! Handles what real writers produce: CRLF endings, a UTF-8 byte-order mark, a last line with no
//! newline (the run is still writing, or crashed), and lines far longer than any real record,
//! which are skipped without ever being held in memory whole.

use std::io::{self, BufRead};

/// The longest line read; longer lines are skipped with a warning. Real records are a few KB;
/// a header with a big model summary stays well below this.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// One line as read from the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// The bytes of the line without its end (`\n` or `\r\n`), and whether a newline ended it.
    Text { bytes: &'a [u8], terminated: bool },
    /// A line longer than the limit; its length in bytes (it was skipped, not stored).
    TooLong { length: u64 },
}

/// Reads lines from any buffered stream, reusing one buffer.
pub struct LineReader<R> {
    inner: R,
    buffer: Vec<u8>,
    max_line: usize,
    line_number: u64,
    bytes_read: u64,
    /// Offset where the current line started (a BOM is stripped only at offset 0).
    line_start: u64,
    /// Bytes of the line last returned straight from the stream's buffer, consumed on the next
    /// call (the line borrowed them until then).
    pending: usize,
    /// The stream ended once: a log that grows while it is read is read up to that point only,
    /// so the rest of a cut last line is never taken for a line of its own.
    ended: bool,
    /// An error [`LineReader::buffered`] met, for `next_line` to return (a stream may not give
    /// the same error twice: a gzip decoder that failed reads as ended after).
    error: Option<io::Error>,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_LINE_BYTES)
    }

    pub fn with_limit(inner: R, max_line: usize) -> Self {
        LineReader {
            inner,
            buffer: Vec::with_capacity(4096),
            max_line,
            line_number: 0,
            bytes_read: 0,
            line_start: 0,
            pending: 0,
            ended: false,
            error: None,
        }
    }

    /// A reader for a stream that starts after `line_number` lines and `bytes_read` bytes of a
    /// log (the incremental cache seeks there), so numbering and offsets carry on.
    pub fn resume(inner: R, line_number: u64, bytes_read: u64) -> Self {
        let mut reader = Self::new(inner);
        reader.line_number = line_number;
        reader.bytes_read = bytes_read;
        reader.line_start = bytes_read;
        reader
    }

    /// The 1-based number of the line last returned.
    pub fn line_number(&self) -> u64 {
        self.line_number
    }

    /// Bytes consumed so far (after decompression).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The bytes buffered from the start of the next line on, at most one more than the
    /// longest line (reading more from the stream when none are buffered); empty at the end
    /// (after which `next_line` gives `None`) or on an error, which `next_line` then returns. For a caller that finds the
    /// line's end itself and takes it with [`LineReader::take_line`].
    pub fn buffered(&mut self) -> &[u8] {
        if self.ended {
            return &[];
        }
        self.inner.consume(std::mem::take(&mut self.pending));
        let max = self.max_line.saturating_add(1);
        match self.inner.fill_buf() {
            // The end, seen once, is the end, as `next_line` takes it.
            Ok([]) => {
                self.ended = true;
                &[]
            }
            Ok(bytes) => &bytes[..bytes.len().min(max)],
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.error = Some(e);
                }
                &[]
            }
        }
    }

    /// Takes the next line, of `length` bytes and then a `\n`, from the bytes
    /// [`LineReader::buffered`] gave: what [`LineReader::next_line`] would have returned for a
    /// line with no CR and no byte-order mark, counted the same way.
    pub fn take_line(&mut self, length: usize) {
        self.inner.consume(length + 1);
        self.bytes_read += (length + 1) as u64;
        self.line_number += 1;
    }

    /// Returns the next line with its 1-based number, or `None` at the end of the stream.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if self.ended {
            return Ok(None);
        }
        self.inner.consume(std::mem::take(&mut self.pending));
        self.buffer.clear();
        self.line_start = self.bytes_read;
        // Fast path: the whole line is already in the stream's buffer, so it is returned from
        // there without a copy (nearly every line of a log).
        let whole_line = loop {
            match self.inner.fill_buf() {
                Ok(bytes) => break memchr::memchr(b'\n', bytes).filter(|&at| at <= self.max_line),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if let Some(at) = whole_line {
            // A second fill_buf returns the same buffered bytes without reading (the borrow
            // checker cannot yet return a borrow from the loop above).
            let available = self.inner.fill_buf()?;
            self.pending = at + 1;
            self.bytes_read += (at + 1) as u64;
            self.line_number += 1;
            let bytes = trim_line(&available[..at]);
            return Ok(Some((
                self.line_number,
                Line::Text {
                    bytes,
                    terminated: true,
                },
            )));
        }
        let mut length: u64 = 0;
        let mut too_long = false;
        let mut terminated = false;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                self.ended = true;
                break;
            }
            let (chunk, consumed) = match memchr::memchr(b'\n', available) {
                Some(at) => {
                    terminated = true;
                    (&available[..at], at + 1)
                }
                None => (available, available.len()),
            };
            length += chunk.len() as u64;
            if !too_long && self.buffer.len() + chunk.len() > self.max_line {
                too_long = true;
                self.buffer = Vec::with_capacity(4096);
            }
            if !too_long {
                self.buffer.extend_from_slice(chunk);
            }
            self.inner.consume(consumed);
            self.bytes_read += consumed as u64;
            if terminated {
                break;
            }
        }
        if length == 0 && !terminated {
            return Ok(None);
        }
        self.line_number += 1;
        if too_long {
            return Ok(Some((self.line_number, Line::TooLong { length })));
        }
        let bytes = trim_line(&self.buffer);
        Ok(Some((self.line_number, Line::Text { bytes, terminated })))
    }
}

/// Strips a UTF-8 byte-order mark and every trailing CR (some Windows tools write "\r\r\n").
/// A mark is stripped at the start of any line, not only of the stream: logs concatenated with
/// `cat` carry one mid-file, and the line after it must not be lost.
fn trim_line(mut bytes: &[u8]) -> &[u8] {
    bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    while let [rest @ .., b'\r'] = bytes {
        bytes = rest;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], limit: usize) -> Vec<String> {
        let mut reader = LineReader::with_limit(input, limit);
        let mut out = Vec::new();
        while let Some((_, line)) = reader.next_line().unwrap() {
            out.push(match line {
                Line::Text { bytes, terminated } => {
                    format!(
                        "{}{}",
                        String::from_utf8_lossy(bytes),
                        if terminated { "" } else { "<cut>" }
                    )
                }
                Line::TooLong { length } => format!("<long {length}>"),
            });
        }
        out
    }

    #[test]
    fn strips_bom_and_crlf() {
        assert_eq!(collect(b"\xEF\xBB\xBFa\r\nb\r\r\n", 100), vec!["a", "b"]);
    }

    #[test]
    fn marks_a_last_line_without_newline() {
        assert_eq!(collect(b"a\nb", 100), vec!["a", "b<cut>"]);
    }

    #[test]
    fn skips_lines_over_the_limit_and_keeps_the_rest() {
        assert_eq!(
            collect(b"short\n0123456789\nok\n", 5),
            vec!["short", "<long 10>", "ok"]
        );
    }

    /// A stream that ends mid-line, then grows (a log appended to while it is read).
    struct Growing {
        parts: Vec<&'static [u8]>,
    }

    impl io::Read for Growing {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.parts.is_empty() {
                return Ok(0);
            }
            let part = self.parts.remove(0);
            out[..part.len()].copy_from_slice(part);
            Ok(part.len())
        }
    }

    #[test]
    fn stops_at_the_first_end_even_if_the_stream_grows() {
        // "" is the end the reader sees; the rest of the record arrives after it.
        let stream = Growing {
            parts: vec![b"a\n{\"step\":", b"", b"2}\nb\n"],
        };
        let mut reader = LineReader::with_limit(io::BufReader::new(stream), 100);
        let mut seen = Vec::new();
        while let Some((_, line)) = reader.next_line().unwrap() {
            seen.push(format!("{line:?}"));
        }
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen[1].contains("terminated: false"), "{seen:?}");
    }

    /// A stream that fails once, then reads as ended (as a gzip decoder does after a bad
    /// header), after `before` bytes.
    struct FailsOnce {
        before: Option<&'static [u8]>,
        failed: bool,
    }

    impl io::Read for FailsOnce {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if let Some(part) = self.before.take() {
                out[..part.len()].copy_from_slice(part);
                return Ok(part.len());
            }
            if self.failed {
                return Ok(0);
            }
            self.failed = true;
            Err(io::Error::other("bad header"))
        }
    }

    /// `buffered` meets the error first; `next_line` must still give it, not the end after it.
    #[test]
    fn an_error_met_by_buffered_is_returned_by_next_line() {
        for before in [None, Some(&b"a\n"[..])] {
            let stream = FailsOnce {
                before,
                failed: false,
            };
            let mut reader = LineReader::new(io::BufReader::new(stream));
            let mut lines = 0;
            let error = loop {
                assert!(reader.buffered().is_empty() || before.is_some());
                match reader.next_line() {
                    Ok(Some(_)) => lines += 1,
                    Ok(None) => break None,
                    Err(e) => break Some(e.to_string()),
                }
            };
            assert_eq!(error.as_deref(), Some("bad header"), "{before:?}");
            assert_eq!(lines, usize::from(before.is_some()));
        }
    }

    #[test]
    fn keeps_empty_lines_for_numbering() {
        assert_eq!(collect(b"\n\nx\n", 100), vec!["", "", "x"]);
    }
}
