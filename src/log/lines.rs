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

    /// Returns the next line with its 1-based number, or `None` at the end of the stream.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        self.buffer.clear();
        self.line_start = self.bytes_read;
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
                break;
            }
            let (chunk, consumed) = match memchr(b'\n', available) {
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
        let mut bytes = &self.buffer[..];
        if self.line_start == 0 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        // Strip every trailing CR: some Windows tools write "\r\r\n".
        while let [rest @ .., b'\r'] = bytes {
            bytes = rest;
        }
        Ok(Some((self.line_number, Line::Text { bytes, terminated })))
    }
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
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

    #[test]
    fn keeps_empty_lines_for_numbering() {
        assert_eq!(collect(b"\n\nx\n", 100), vec!["", "", "x"]);
    }
}
