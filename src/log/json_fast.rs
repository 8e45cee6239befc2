//! The fast path for the line nearly every log is made of: a flat JSON object whose values are
//! numbers, short strings, literals and at most one flat `metrics` object, such as
//! `{"type":"metrics","step":3,"time":1.7e9,"metrics":{"loss":0.25,"acc":NaN}}` or a bare
//! `{"step":3,"loss":0.25}`. It scans the line once, borrowing keys, and reads each number
//! straight from its digits, where serde_json goes through its visitor machinery per value.
//! A [`LineParser`] also remembers the text between the values of the line it last took
//! ([`shape`]): the next line with the same keys and layout is read by comparing those pieces
//! whole and reading only the values.
//!
//! It gives exactly the [`RawRecord`] that `json::parse_line` (serde_json) gives, or `None` and
//! the caller parses the line with serde_json, the reference. `None` is the answer to anything
//! out of the ordinary: an escape or control character in a string, a nested value outside
//! `metrics` (or an array or object inside it), a second `metrics`, a number whose syntax is not
//! JSON's or that overflows a double, Python's `NaN`/`Infinity` anywhere but as a metric value,
//! trailing characters. `tests` and the fuzz target `json_fast` check the two agree
//! ([`same_as_serde`], [`same_as_serde_lines`]).

mod check;
mod number;
mod shape;

use std::borrow::Cow;

pub use check::{Agreement, same_as_serde, same_as_serde_lines, same_reading_from_the_buffer};

use super::json::{self, RawJson, RawRecord, Scalar, Scratch};
use super::record::RunBuilder;
use shape::{Shape, Slot};

/// Parses one line as `json::parse_line` does, with the same result: on the fast path when it
/// has the common shape, else by serde_json. For one line on its own; a reader of many lines
/// uses a [`LineParser`].
pub fn parse_line<'a>(
    line: &'a str,
    scratch: &'a mut Scratch,
) -> Result<RawRecord<'a>, serde_json::Error> {
    match parse_fast(line) {
        Some(record) => Ok(record),
        None => json::parse_line(line, scratch),
    }
}

/// Why a line was not read: it is not UTF-8, or serde_json refused it.
#[derive(Debug)]
pub enum LineError {
    Utf8(std::str::Utf8Error),
    Json(serde_json::Error),
}

/// Parses `line` when it has the common shape; `None` otherwise (see the module comment).
pub fn parse_fast(line: &str) -> Option<RawRecord<'_>> {
    parse_general(line, None)
}

/// Reads the lines of one log in order, each with the answer of `json::parse_line`: the line
/// laid out like the previous one taken is read along that line's [`shape`], any other line
/// of the common shape by [`parse_fast`] (which then records its shape), the rest by serde_json.
#[derive(Default)]
pub struct LineParser {
    shape: Shape,
    scratch: Scratch,
    /// Lines read along the previous line's shape (for the tests).
    lines_by_shape: u64,
    /// Lines [`LineParser::read_into`] gave the run without a record (for the tests).
    lines_without_record: u64,
    /// The values of the line [`LineParser::read_into`] reads along the shape.
    values: Vec<f64>,
}

impl LineParser {
    /// Reads one line, as it came from the file, into `run`: what `run.add(number, record)`
    /// does with serde_json's record of it, or serde_json's error, or [`LineError::Utf8`] when
    /// the line is not text. A native metrics line of numbers laid out like the previous line
    /// goes to the run straight from its bytes, without a record (and without a UTF-8 check of
    /// its own: it matched text byte for byte outside its values, which are ASCII).
    pub fn read_into(
        &mut self,
        line: &[u8],
        number: u64,
        run: &mut RunBuilder,
    ) -> Result<(), LineError> {
        if self.shape.read_numbers(line, &mut self.values).is_some() {
            self.lines_by_shape += 1;
            self.lines_without_record += 1;
            let fields = self.shape.fields_of(&self.values);
            let metrics = self.shape.metrics_of(&self.values);
            run.add_metrics_parts(number, fields, metrics, Some(self.shape.layout()));
            return Ok(());
        }
        let text = std::str::from_utf8(line).map_err(LineError::Utf8)?;
        let record = self.parse(text).map_err(LineError::Json)?;
        run.add(number, record);
        Ok(())
    }

    /// Reads the line at the start of `buffered` (a log's bytes from the start of a line on)
    /// into `run` when it is a metrics line of numbers laid out like the previous line and a
    /// `\n` follows it: exactly what [`LineParser::read_into`] does with that line. Returns its
    /// length; `None` when it is not such a line, and nothing was read. The line is found by
    /// reading it, so the reader does not look for its end first (two scans of every line, for
    /// a `\n` and for a lone `\r`, were 3 % of a build).
    pub fn read_buffered_line(
        &mut self,
        buffered: &[u8],
        number: u64,
        run: &mut RunBuilder,
    ) -> Option<usize> {
        let length = self.shape.read_numbers_from(buffered, &mut self.values)?;
        if buffered.get(length) != Some(&b'\n') {
            return None;
        }
        self.lines_by_shape += 1;
        self.lines_without_record += 1;
        let fields = self.shape.fields_of(&self.values);
        let metrics = self.shape.metrics_of(&self.values);
        run.add_metrics_parts(number, fields, metrics, Some(self.shape.layout()));
        Some(length)
    }

    pub fn parse<'a>(&'a mut self, line: &'a str) -> Result<RawRecord<'a>, serde_json::Error> {
        if let Some(record) = self.shape.parse(line) {
            self.lines_by_shape += 1;
            return Ok(record);
        }
        match parse_general(line, Some(&mut self.shape)) {
            Some(record) => Ok(record),
            None => json::parse_line(line, &mut self.scratch),
        }
    }
}

/// The one-pass parser; with a `shape`, it records the line's layout there for the lines after
/// (and clears it when the line is not taken).
fn parse_general<'a>(line: &'a str, mut shape: Option<&mut Shape>) -> Option<RawRecord<'a>> {
    if let Some(shape) = shape.as_deref_mut() {
        shape.start(line);
    }
    let mut p = Parser::new(line);
    let mut record = RawRecord::default();
    p.skip_space();
    p.expect(b'{')?;
    p.skip_space();
    if p.peek()? == b'}' {
        p.at += 1;
    } else {
        loop {
            let key_start = p.at + 1;
            let key = p.string()?;
            p.skip_space();
            p.expect(b':')?;
            p.skip_space();
            let value_start = p.at;
            let slot = match key {
                "type" => {
                    // serde_json keeps the last `type`; a `type` that is not a string is an
                    // error it words itself.
                    if p.peek()? != b'"' {
                        return None;
                    }
                    record.kind = Some(Cow::Borrowed(p.string()?));
                    Some(Slot::Type)
                }
                "metrics" => {
                    if record.metrics.is_some() || record.metrics_value.is_some() {
                        return None;
                    }
                    if p.peek()? == b'{' {
                        record.metrics = Some(p.metrics(shape.as_deref_mut())?);
                        None
                    } else {
                        record.metrics_value = Some(p.scalar()?);
                        Some(Slot::MetricsValue)
                    }
                }
                _ => {
                    let raw = p.raw_value()?;
                    record.fields.push((Cow::Borrowed(key), raw));
                    Some(Slot::Field)
                }
            };
            if let (Some(shape), Some(slot)) = (shape.as_deref_mut(), slot) {
                shape.value(p.bytes, slot, key, key_start, value_start, p.at);
            }
            p.skip_space();
            match p.next()? {
                b',' => p.skip_space(),
                b'}' => break,
                _ => return None,
            }
        }
    }
    p.skip_space();
    if p.at != p.bytes.len() {
        return None;
    }
    if let Some(shape) = shape {
        shape.finish(p.bytes, record.metrics.is_some());
    }
    Some(record)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    #[inline]
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// JSON's whitespace, the same four bytes serde_json skips.
    #[inline]
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// A string without escapes or control characters, borrowed from the line.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let length = self.bytes[start..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        self.at = start + length;
        self.expect(b'"')?;
        // Slicing at ASCII quotes keeps UTF-8 boundaries.
        self.text.get(start..start + length)
    }

    /// A JSON number as serde_json reads it (see [`number::read`]).
    #[inline]
    fn number(&mut self) -> Option<f64> {
        let (value, end) = number::read(self.bytes, self.at)?;
        self.at = end;
        Some(value)
    }

    /// The end of a bare word (`null`, `NaN`): the next byte must not continue it.
    #[inline(always)]
    fn word(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        if self.bytes.get(self.at..end)? != word.as_bytes() {
            return None;
        }
        self.at = end;
        match self.peek() {
            None | Some(b' ' | b'\n' | b'\t' | b'\r' | b',' | b'}') => Some(()),
            _ => None,
        }
    }

    /// A metric's value as `json::Scalar` reads it: numbers (Python's bare `NaN`, `Infinity`
    /// and `-Infinity` included, as the rewrite of `json::normalize_nonfinite` reads them),
    /// null, strings, booleans. Arrays and objects are left to serde_json.
    // Inlined into the loops that push its value: returned through memory, the value was
    // stored in halves and read back whole, which stalls the load (perf: the hottest
    // instruction of the shape loop).
    #[inline(always)]
    fn scalar(&mut self) -> Option<Scalar> {
        Some(match self.peek()? {
            b'"' => Scalar::Text(self.string()?.to_owned()),
            b'n' => {
                self.word("null")?;
                Scalar::Null
            }
            b't' => {
                self.word("true")?;
                Scalar::Other("a boolean")
            }
            b'f' => {
                self.word("false")?;
                Scalar::Other("a boolean")
            }
            b'N' => {
                self.word("NaN")?;
                Scalar::Number(f64::NAN)
            }
            b'I' => {
                self.word("Infinity")?;
                Scalar::Number(f64::INFINITY)
            }
            b'-' if self.bytes.get(self.at + 1) == Some(&b'I') => {
                self.word("-Infinity")?;
                Scalar::Number(f64::NEG_INFINITY)
            }
            _ => Scalar::Number(self.number()?),
        })
    }

    /// A flat object of metric values, in the order written; each value's place goes into
    /// `shape` when there is one.
    fn metrics(&mut self, mut shape: Option<&mut Shape>) -> Option<Vec<(Cow<'a, str>, Scalar)>> {
        self.expect(b'{')?;
        let mut entries = Vec::with_capacity(8);
        self.skip_space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(entries);
        }
        loop {
            let key_start = self.at + 1;
            let key = self.string()?;
            self.skip_space();
            self.expect(b':')?;
            self.skip_space();
            let value_start = self.at;
            entries.push((Cow::Borrowed(key), self.scalar()?));
            if let Some(shape) = shape.as_deref_mut() {
                let bytes = self.bytes;
                shape.value(bytes, Slot::Metric, key, key_start, value_start, self.at);
            }
            self.skip_space();
            match self.next()? {
                b',' => self.skip_space(),
                b'}' => return Some(entries),
                _ => return None,
            }
        }
    }

    /// A field's value kept as raw JSON: a number, a string without escapes or a literal (what
    /// serde_json's `RawValue` would hold: the value's text, no whitespace around it), checked
    /// here against JSON's grammar, with the number read.
    #[inline(always)]
    fn raw_value(&mut self) -> Option<RawJson<'a>> {
        let start = self.at;
        let number = match self.peek()? {
            b'"' => {
                self.string()?;
                None
            }
            b'n' => {
                self.word("null")?;
                None
            }
            b't' => {
                self.word("true")?;
                None
            }
            b'f' => {
                self.word("false")?;
                None
            }
            _ => Some(self.number()?),
        };
        Some(RawJson::checked(self.text.get(start..self.at)?, number))
    }
}

#[cfg(test)]
mod tests;
