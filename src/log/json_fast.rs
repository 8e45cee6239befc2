//! The fast path for the line nearly every log is made of: a flat JSON object whose values are
//! numbers, short strings, literals and at most one flat `metrics` object, such as
//! `{"type":"metrics","step":3,"time":1.7e9,"metrics":{"loss":0.25,"acc":NaN}}` or a bare
//! `{"step":3,"loss":0.25}`. It scans the line once, borrowing keys, and reads each number
//! straight from its digits, where serde_json goes through its visitor machinery per value.
//!
//! It gives exactly the [`RawRecord`] that `json::parse_line` (serde_json) gives, or `None` and
//! the caller parses the line with serde_json, the reference. `None` is the answer to anything
//! out of the ordinary: an escape or control character in a string, a nested value outside
//! `metrics` (or an array or object inside it), a second `metrics`, a number whose syntax is not
//! JSON's or that overflows a double, Python's `NaN`/`Infinity` anywhere but as a metric value,
//! trailing characters. `tests` and the fuzz target `json_fast` check the two agree.

use std::borrow::Cow;
use std::path::Path;

use serde_json::value::RawValue;

use super::json::{self, RawRecord, Scalar, Scratch};
use super::record::RunBuilder;

/// Parses one line as `json::parse_line` does, with the same result: on the fast path when it
/// has the common shape, else by serde_json. What every reader of JSON lines calls.
pub fn parse_line<'a>(
    line: &'a str,
    scratch: &'a mut Scratch,
) -> Result<RawRecord<'a>, serde_json::Error> {
    match parse_fast(line) {
        Some(record) => Ok(record),
        None => json::parse_line(line, scratch),
    }
}

/// Parses `line` when it has the common shape; `None` otherwise (see the module comment).
pub fn parse_fast(line: &str) -> Option<RawRecord<'_>> {
    let mut p = Parser {
        text: line,
        bytes: line.as_bytes(),
        at: 0,
    };
    let mut record = RawRecord::default();
    p.skip_space();
    p.expect(b'{')?;
    p.skip_space();
    if p.peek()? == b'}' {
        p.at += 1;
    } else {
        loop {
            let key = p.string()?;
            p.skip_space();
            p.expect(b':')?;
            p.skip_space();
            match key {
                "type" => {
                    // serde_json keeps the last `type`; a `type` that is not a string is an
                    // error it words itself.
                    if p.peek()? != b'"' {
                        return None;
                    }
                    record.kind = Some(Cow::Borrowed(p.string()?));
                }
                "metrics" => {
                    if record.metrics.is_some() || record.metrics_value.is_some() {
                        return None;
                    }
                    if p.peek()? == b'{' {
                        record.metrics = Some(p.metrics()?);
                    } else {
                        record.metrics_value = Some(p.scalar()?);
                    }
                }
                _ => {
                    let raw = p.raw_value()?;
                    record.fields.push((Cow::Borrowed(key), raw));
                }
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
    (p.at == p.bytes.len()).then_some(record)
}

/// Powers of ten that a double holds exactly.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// JSON's whitespace, the same four bytes serde_json skips.
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// A string without escapes or control characters, borrowed from the line.
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

    /// A JSON number as serde_json reads it: correctly rounded (serde_json's `float_roundtrip`
    /// and the standard library both are, and an integer's `as f64` rounds the same way), or
    /// `None` when its syntax is not JSON's (`01`, `1.`, `.5`, `+1`, which `str::parse` is
    /// looser about) or it overflows a double (serde_json refuses those, the caller saturates).
    ///
    /// Digits and exponent are gathered while the syntax is checked. When the digits fit in
    /// 2^53 and the exponent in ±22, one IEEE multiplication or division of two exact doubles
    /// is the correctly rounded value (Clinger's fast path, the first thing `str::parse` tries
    /// too); anything longer is read by `str::parse` from the text.
    fn number(&mut self) -> Option<f64> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let mut mantissa: u64 = 0;
        // Digits that went into `mantissa`; past 19 it may have overflowed.
        let mut digits = 0u32;
        let mut exponent: i64 = 0;
        match self.next()? {
            b'0' => {}
            b @ b'1'..=b'9' => {
                mantissa = u64::from(b - b'0');
                digits = 1;
                while let Some(b @ b'0'..=b'9') = self.peek() {
                    self.at += 1;
                    mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                    digits += 1;
                }
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            let first = self.at;
            while let Some(b @ b'0'..=b'9') = self.peek() {
                self.at += 1;
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                // Leading zeros of a fraction (0.0001) do not count against the precision.
                if digits > 0 || b != b'0' {
                    digits += 1;
                }
                exponent -= 1;
            }
            if self.at == first {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            let negative_exponent = match self.peek() {
                Some(b'-') => {
                    self.at += 1;
                    true
                }
                Some(b'+') => {
                    self.at += 1;
                    false
                }
                _ => false,
            };
            let first = self.at;
            let mut written: i64 = 0;
            while let Some(b @ b'0'..=b'9') = self.peek() {
                self.at += 1;
                written = (written * 10 + i64::from(b - b'0')).min(1 << 40);
            }
            if self.at == first {
                return None;
            }
            exponent += if negative_exponent { -written } else { written };
        }
        let fast = (digits <= 15 && mantissa < 1 << 53)
            .then(|| POWERS_OF_TEN.get(exponent.unsigned_abs() as usize))
            .flatten()
            .map(|&power| {
                let magnitude = if exponent < 0 {
                    mantissa as f64 / power
                } else {
                    mantissa as f64 * power
                };
                if negative { -magnitude } else { magnitude }
            });
        let value = match fast {
            Some(value) => value,
            None => self.text.get(start..self.at)?.parse().ok()?,
        };
        value.is_finite().then_some(value)
    }

    /// The end of a bare word (`null`, `NaN`): the next byte must not continue it.
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

    /// A flat object of metric values, in the order written.
    fn metrics(&mut self) -> Option<Vec<(Cow<'a, str>, Scalar)>> {
        self.expect(b'{')?;
        let mut entries = Vec::with_capacity(8);
        self.skip_space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(entries);
        }
        loop {
            let key = self.string()?;
            self.skip_space();
            self.expect(b':')?;
            self.skip_space();
            entries.push((Cow::Borrowed(key), self.scalar()?));
            self.skip_space();
            match self.next()? {
                b',' => self.skip_space(),
                b'}' => return Some(entries),
                _ => return None,
            }
        }
    }

    /// A field's value kept as raw JSON: a number, a string without escapes or a literal (what
    /// serde_json's `RawValue` would hold: the value's text, no whitespace around it).
    fn raw_value(&mut self) -> Option<&'a RawValue> {
        let start = self.at;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'n' => self.word("null")?,
            b't' => self.word("true")?,
            b'f' => self.word("false")?,
            _ => {
                self.number()?;
            }
        }
        let text = self.text.get(start..self.at)?;
        // serde_json's only way to a borrowed `RawValue`: it checks the few bytes once more.
        serde_json::from_str::<&RawValue>(text).ok()
    }
}

/// Checks the fast path against serde_json on one line (for the tests and the fuzz target):
/// `Ok(false)` when the fast path leaves the line to serde_json, `Ok(true)` when it takes it and
/// both give the same record, and the same series and warnings once the record is read into a
/// run (floats compared bit for bit); `Err` says how they differ.
pub fn same_as_serde(line: &str) -> Result<bool, String> {
    let Some(fast) = parse_fast(line) else {
        return Ok(false);
    };
    let mut scratch = Scratch::default();
    let exact = json::parse_line(line, &mut scratch)
        .map_err(|e| format!("taken, but serde_json refuses it: {e}"))?;
    let same_scalar = |a: &Scalar, b: &Scalar| match (a, b) {
        (Scalar::Number(a), Scalar::Number(b)) => a.to_bits() == b.to_bits(),
        (a, b) => a == b,
    };
    if fast.kind.as_deref() != exact.kind.as_deref() {
        return Err(format!("type {:?} vs {:?}", fast.kind, exact.kind));
    }
    let same_metrics = match (&fast.metrics, &exact.metrics) {
        (Some(a), Some(b)) => {
            a.len() == b.len()
                && (a.iter().zip(b)).all(|((ka, va), (kb, vb))| ka == kb && same_scalar(va, vb))
        }
        (a, b) => a.is_none() && b.is_none(),
    };
    if !same_metrics {
        return Err(format!("metrics {:?} vs {:?}", fast.metrics, exact.metrics));
    }
    let same_value = match (&fast.metrics_value, &exact.metrics_value) {
        (Some(a), Some(b)) => same_scalar(a, b),
        (a, b) => a.is_none() && b.is_none(),
    };
    if !same_value {
        return Err(format!(
            "metrics value {:?} vs {:?}",
            fast.metrics_value, exact.metrics_value
        ));
    }
    let fields = |r: &RawRecord<'_>| -> Vec<(String, String)> {
        (r.fields.iter())
            .map(|(k, v)| (k.to_string(), v.get().to_owned()))
            .collect()
    };
    if fields(&fast) != fields(&exact) {
        return Err(format!(
            "fields {:?} vs {:?}",
            fields(&fast),
            fields(&exact)
        ));
    }
    // What a run makes of them: every series, step and warning, byte for byte.
    let read = |record: RawRecord<'_>| {
        let mut builder = RunBuilder::new("p/run.jsonl", Path::new("p"), 16);
        builder.add(1, record);
        let warnings = format!("{:?}", builder.take_warnings(0));
        (postcard::to_allocvec(&builder).ok(), warnings)
    };
    let (fast_run, exact_run) = (read(fast), read(exact));
    if fast_run != exact_run {
        return Err(format!(
            "runs differ: {:?} vs {:?}",
            fast_run.1, exact_run.1
        ));
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
