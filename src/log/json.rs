//! Parses one line of JSON into a lightly typed [`RawRecord`], accepting what Python writes.
//!
//! Python's `json.dumps` writes the bare tokens `NaN`, `Infinity` and `-Infinity`, which strict JSON
//! (and serde_json) rejects. Lines that contain them are rewritten first: each bare token outside a
//! string becomes a marker string that [`Scalar`] decodes back to the non-finite number. Lines
//! without them (nearly all) are parsed in place, borrowing their keys.
//!
//! Numbers too large for a double (`1e400`) are read as ±Infinity, as Python's `json.loads` reads
//! them; serde_json would reject the whole line. Values that ahnb never looks into (unknown fields,
//! non-numeric metrics) are skipped by serde_json's iterative scanner, so no nesting depth can
//! exhaust the stack; values it does build (header fields) stop at [`MAX_DEPTH`].

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Deepest nesting of a value that ahnb builds (header fields such as `params`). serde_json stops
/// at 128 by itself; this bound is what the docs promise and what the warning says.
pub const MAX_DEPTH: usize = 128;

const NAN_MARK: &str = "\u{0}ahnb:NaN";
const INF_MARK: &str = "\u{0}ahnb:+Inf";
const NEG_INF_MARK: &str = "\u{0}ahnb:-Inf";

/// Rewrites the bare tokens `NaN`, `Infinity` and `-Infinity` that stand outside strings into
/// marker strings; returns the line unchanged (borrowed) when it has none.
pub fn normalize_nonfinite(line: &str) -> Cow<'_, str> {
    if !line.contains("NaN") && !line.contains("Infinity") {
        return Cow::Borrowed(line);
    }
    Cow::Owned(rewrite_outside_strings(line, |rest| {
        let (length, mark) = if rest.starts_with("NaN") {
            (3, NAN_MARK)
        } else if rest.starts_with("Infinity") {
            (8, INF_MARK)
        } else if rest.starts_with("-Infinity") {
            (9, NEG_INF_MARK)
        } else {
            return (1, None);
        };
        // A bare token as a key (`{NaN: 1}`) is not JSON: left as is, it is reported as
        // malformed instead of becoming a metric named after the marker.
        if rest[length..].trim_start().starts_with(':') {
            return (length, None);
        }
        (length, Some(mark))
    }))
}

/// Walks `text`, skipping JSON strings, and asks `token` at each position outside a string how
/// many bytes to pass and which marker string (if any) replaces them. Shared by the two rewrites
/// that must never touch the inside of a string.
fn rewrite_outside_strings(
    text: &str,
    mut token: impl FnMut(&str) -> (usize, Option<&'static str>),
) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 32);
    let mut in_string = false;
    let mut escaped = false;
    let mut copied_up_to = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        let (length, mark) = token(&text[i..]);
        if let Some(mark) = mark {
            out.push_str(&text[copied_up_to..i]);
            out.push('"');
            out.push_str(&mark.replace('\u{0}', "\\u0000"));
            out.push('"');
            copied_up_to = i + length;
        }
        i += length.max(1);
        // Tokens are ASCII; a character outside strings that is not (`{"a":NaN}é`, malformed
        // but possible) is passed whole, never sliced into.
        while !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out.push_str(&text[copied_up_to..]);
    out
}

/// A value that should be a number: what a metric, a step or a time can hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// Any number, including the non-finite ones written as bare tokens.
    Number(f64),
    /// JSON `null`: no value at this step.
    Null,
    /// A string (which may still be a timestamp, for time fields).
    Text(String),
    /// A boolean, array or object: never a metric.
    Other(&'static str),
}

impl Scalar {
    /// Short name of what the value is, for warnings.
    pub fn kind(&self) -> &'static str {
        match self {
            Scalar::Number(_) => "a number",
            Scalar::Null => "null",
            Scalar::Text(_) => "a string",
            Scalar::Other(kind) => kind,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other("a boolean"))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(match v {
            NAN_MARK => Scalar::Number(f64::NAN),
            INF_MARK => Scalar::Number(f64::INFINITY),
            NEG_INF_MARK => Scalar::Number(f64::NEG_INFINITY),
            _ => Scalar::Text(v.to_owned()),
        })
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an object"))
    }
}

/// One line split into the fields every record kind shares and the rest, kept as raw JSON so
/// that only the rare records that need them (headers, media) pay for a full parse.
#[derive(Debug, Default)]
pub struct RawRecord<'a> {
    /// The `type` field; `None` for bare metric lines.
    pub kind: Option<Cow<'a, str>>,
    /// A `metrics` object, in the order written; `None` when the line has none.
    pub metrics: Option<Vec<(Cow<'a, str>, Scalar)>>,
    /// A `metrics` field that was not an object (read as a metric of a bare line).
    pub metrics_value: Option<Scalar>,
    /// Every other field, in the order written.
    pub fields: Vec<(Cow<'a, str>, RawJson<'a>)>,
}

/// A field's value as JSON text, one value with no whitespace around it (what serde_json's
/// `RawValue` holds), and its number when the fast path already read one, so that steps and
/// times are not read twice.
#[derive(Debug, Clone, Copy)]
pub struct RawJson<'a> {
    text: &'a str,
    number: Option<f64>,
}

impl<'a> RawJson<'a> {
    /// The value's JSON text.
    pub fn get(&self) -> &'a str {
        self.text
    }

    /// A value serde_json delimited.
    pub fn from_raw(value: &'a RawValue) -> Self {
        RawJson {
            text: value.get(),
            number: None,
        }
    }

    /// A value the fast path checked against JSON's grammar itself: a literal, a string without
    /// escapes, or a number with the value it read (exactly what `raw_scalar` reads from the
    /// text, which `json_fast::same_as_serde` checks).
    pub(super) fn checked(text: &'a str, number: Option<f64>) -> Self {
        RawJson { text, number }
    }
}

/// Parses one normalized line. The error text is serde_json's, with its column.
pub fn parse_record(line: &str) -> Result<RawRecord<'_>, serde_json::Error> {
    serde_json::from_str(line)
}

/// Room for the rewritten copies of a line that [`parse_line`] sometimes needs.
#[derive(Default)]
pub struct Scratch {
    normalized: String,
    saturated: String,
}

/// Parses one line as Python writes it: bare `NaN`/`Infinity` tokens become the non-finite
/// numbers (see [`normalize_nonfinite`]), and numbers too large for a double (`1e400`) become
/// ±Infinity, as Python's `json.loads` reads them, where serde_json refuses the line.
///
/// Strict JSON, nearly every line, is parsed once in place. Only a line that fails is looked at
/// again: rewritten into `scratch` when it holds such tokens or numbers, then parsed from there.
/// Scanning every line for the tokens up front cost more than these rare second parses.
///
/// This is serde_json's reading, the reference: readers call `json_fast::parse_line`, which
/// takes the common line on a fast path giving the same record and comes here for the rest.
pub fn parse_line<'a>(
    line: &'a str,
    scratch: &'a mut Scratch,
) -> Result<RawRecord<'a>, serde_json::Error> {
    let error = match parse_record(line) {
        Ok(record) => return Ok(record),
        Err(e) => e,
    };
    let Scratch {
        normalized,
        saturated,
    } = scratch;
    let (text, error) = match normalize_nonfinite(line) {
        Cow::Borrowed(_) => (line, error),
        Cow::Owned(rewritten) => {
            *normalized = rewritten;
            match parse_record(normalized) {
                Ok(record) => return Ok(record),
                Err(e) => (normalized.as_str(), e),
            }
        }
    };
    if !error.to_string().starts_with("number out of range") {
        return Err(error);
    }
    *saturated = saturate_overflow(text);
    parse_record(saturated)
}

impl<'de: 'a, 'a> Deserialize<'de> for RawRecord<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RecordVisitor(std::marker::PhantomData))
    }
}

struct RecordVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for RecordVisitor<'a> {
    type Value = RawRecord<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRecord<'a>, A::Error> {
        let mut record = RawRecord::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.0;
            match key.as_ref() {
                "type" => match map.next_value::<TypeField<'de>>()? {
                    TypeField::Text(text) => record.kind = Some(text),
                    TypeField::Other(kind) => {
                        return Err(de::Error::custom(format!(
                            "field 'type' is {kind}, not a string"
                        )));
                    }
                },
                "metrics" if record.metrics.is_none() => {
                    match map.next_value::<MetricsField<'de>>()? {
                        MetricsField::Map(entries) => record.metrics = Some(entries),
                        // Not an object: a bare line with a metric that happens to be called "metrics".
                        MetricsField::Value(value) => record.metrics_value = Some(value),
                    }
                }
                _ => {
                    let value: &'de RawValue = map.next_value()?;
                    record.fields.push((key, RawJson::from_raw(value)));
                }
            }
        }
        Ok(record)
    }
}

/// The `metrics` field: normally an object of metric names to values, in the order written.
enum MetricsField<'a> {
    Map(Vec<(Cow<'a, str>, Scalar)>),
    Value(Scalar),
}

impl<'de: 'a, 'a> Deserialize<'de> for MetricsField<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for FieldVisitor<'a> {
            type Value = MetricsField<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of metric values")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<MetricsField<'a>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    // Parsed in one pass; a number out of range (`1e400`) fails the line, which
                    // `parse_line` then reads again with such numbers saturated to ±Infinity.
                    entries.push((key.0, map.next_value::<Scalar>()?));
                }
                Ok(MetricsField::Map(entries))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<MetricsField<'a>, E> {
                ScalarVisitor.visit_bool(v).map(MetricsField::Value)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MetricsField<'a>, E> {
                ScalarVisitor.visit_i64(v).map(MetricsField::Value)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MetricsField<'a>, E> {
                ScalarVisitor.visit_u64(v).map(MetricsField::Value)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<MetricsField<'a>, E> {
                ScalarVisitor.visit_f64(v).map(MetricsField::Value)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MetricsField<'a>, E> {
                ScalarVisitor.visit_str(v).map(MetricsField::Value)
            }
            fn visit_unit<E: de::Error>(self) -> Result<MetricsField<'a>, E> {
                Ok(MetricsField::Value(Scalar::Null))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<MetricsField<'a>, A::Error> {
                ScalarVisitor.visit_seq(seq).map(MetricsField::Value)
            }
        }
        deserializer.deserialize_any(FieldVisitor(std::marker::PhantomData))
    }
}

/// The `type` field: a string borrowed from the line (no allocation on the hot path), or the kind
/// of whatever else it was, for the error.
enum TypeField<'a> {
    Text(Cow<'a, str>),
    Other(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for TypeField<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for TypeVisitor<'a> {
            type Value = TypeField<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record type")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<TypeField<'a>, E> {
                Ok(TypeField::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<TypeField<'a>, E> {
                Ok(TypeField::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<TypeField<'a>, E> {
                Ok(TypeField::Other("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<TypeField<'a>, E> {
                Ok(TypeField::Other("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<TypeField<'a>, E> {
                Ok(TypeField::Other("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<TypeField<'a>, E> {
                Ok(TypeField::Other("a number"))
            }
            fn visit_unit<E>(self) -> Result<TypeField<'a>, E> {
                Ok(TypeField::Other("null"))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<TypeField<'a>, A::Error> {
                ScalarVisitor
                    .visit_seq(seq)
                    .map(|s| TypeField::Other(s.kind()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TypeField<'a>, A::Error> {
                ScalarVisitor
                    .visit_map(map)
                    .map(|s| TypeField::Other(s.kind()))
            }
        }
        deserializer.deserialize_any(TypeVisitor(std::marker::PhantomData))
    }
}

/// An object key, borrowed from the line when it has no escapes (serde's own `Cow` always copies).
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for KeyVisitor<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor(std::marker::PhantomData))
    }
}

/// Reads a raw field as a [`Scalar`] (numbers, marker strings, null, strings).
pub fn raw_scalar(value: &RawJson<'_>) -> Scalar {
    if let Some(number) = value.number {
        return Scalar::Number(number);
    }
    let text = value.get();
    // Fast path for the common case: a plain number.
    if let Some(first) = text.bytes().next() {
        if first == b'-' || first.is_ascii_digit() {
            if let Ok(number) = text.parse::<f64>() {
                return Scalar::Number(number);
            }
        }
    }
    serde_json::from_str::<Scalar>(text).unwrap_or(Scalar::Other("unreadable"))
}

/// Reads a raw field as a full JSON value, turning marker strings back into readable text; `null`
/// when it nests deeper than [`MAX_DEPTH`] (see [`raw_json_checked`]).
pub fn raw_json(value: &RawJson<'_>) -> serde_json::Value {
    raw_json_checked(value).unwrap_or_default()
}

/// Why a raw value was not built: it nests deeper than [`MAX_DEPTH`], or serde_json refused
/// what its scanner let through (a lone surrogate such as `"\ud800"`, which is not text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TooDeep {
    Deep,
    Invalid(String),
}

impl fmt::Display for TooDeep {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            TooDeep::Deep => write!(f, "is nested deeper than {MAX_DEPTH} levels"),
            TooDeep::Invalid(reason) => write!(f, "is not valid JSON ({reason})"),
        }
    }
}

/// A serde_json error as a [`TooDeep`]: its message without the position (the line is ours).
fn unbuilt(error: &serde_json::Error) -> TooDeep {
    let text = error.to_string();
    if text.starts_with("recursion limit exceeded") {
        return TooDeep::Deep;
    }
    let reason = text.split(" at line ").next().unwrap_or(&text);
    if reason.contains("hex escape") || reason.contains("surrogate") {
        // serde_json's words for "\ud800" without its pair ("unexpected end of hex escape").
        return TooDeep::Invalid("a lone UTF-16 surrogate escape, which is not text".to_owned());
    }
    TooDeep::Invalid(reason.to_owned())
}

/// Reads a raw field as a full JSON value, like [`raw_json`], telling a value nested too deeply
/// apart from `null`. Numbers beyond the range of a double become the strings `"Infinity"` and
/// `"-Infinity"`, as written non-finite numbers do.
pub fn raw_json_checked(value: &RawJson<'_>) -> Result<serde_json::Value, TooDeep> {
    let text = value.get();
    let parsed = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(parsed) => parsed,
        // A raw value passed serde_json's scanner when the line was split, so the failures are
        // the depth limit, numbers out of range and what the scanner does not check (surrogates).
        Err(e) if e.to_string().starts_with("number out of range") => {
            serde_json::from_str(&saturate_overflow(text)).map_err(|e| unbuilt(&e))?
        }
        Err(e) => return Err(unbuilt(&e)),
    };
    Ok(restore_markers(parsed))
}

/// Rewrites every number outside strings that overflows a double into the marker string of
/// ±Infinity. Only called after serde_json refused a value, so the common path never pays for it.
pub fn saturate_overflow(text: &str) -> String {
    rewrite_outside_strings(text, |rest| {
        if !rest.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            return (1, None);
        }
        let length = rest
            .find(|c: char| !matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E'))
            .unwrap_or(rest.len());
        let mark = match rest[..length].parse::<f64>() {
            Ok(number) if number.is_infinite() => {
                Some(if number > 0.0 { INF_MARK } else { NEG_INF_MARK })
            }
            _ => None,
        };
        (length, mark)
    })
}

/// Turns the marker strings of [`normalize_nonfinite`] back into "NaN", "Infinity", "-Infinity".
pub fn restore_markers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => match s.as_str() {
            NAN_MARK => Value::String("NaN".into()),
            INF_MARK => Value::String("Infinity".into()),
            NEG_INF_MARK => Value::String("-Infinity".into()),
            _ => Value::String(s),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(restore_markers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, restore_markers(v)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics_of(line: &str) -> Vec<(String, Scalar)> {
        let mut scratch = Scratch::default();
        let record = parse_line(line, &mut scratch).unwrap();
        record
            .metrics
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect()
    }

    #[test]
    fn accepts_python_nonfinite_tokens() {
        let m = metrics_of(
            r#"{"type":"metrics","metrics":{"a":NaN,"b":Infinity,"c":-Infinity,"d":1.5}}"#,
        );
        assert!(matches!(m[0].1, Scalar::Number(v) if v.is_nan()));
        assert_eq!(m[1].1, Scalar::Number(f64::INFINITY));
        assert_eq!(m[2].1, Scalar::Number(f64::NEG_INFINITY));
        assert_eq!(m[3].1, Scalar::Number(1.5));
    }

    #[test]
    fn leaves_tokens_inside_strings_alone() {
        let line = r#"{"note":"NaN and \"Infinity\" here","x":NaN}"#;
        let normalized = normalize_nonfinite(line);
        let record = parse_record(&normalized).unwrap();
        let note = raw_json(&record.fields[0].1);
        assert_eq!(note, serde_json::json!("NaN and \"Infinity\" here"));
        assert!(matches!(raw_scalar(&record.fields[1].1), Scalar::Number(v) if v.is_nan()));
    }

    /// Regression: a line holding `NaN` and a non-ASCII character outside strings panicked
    /// (the rewrite sliced the character in two) and stopped the whole build.
    #[test]
    fn non_ascii_outside_strings_is_malformed_not_a_crash() {
        let mut scratch = Scratch::default();
        let line = "{\"type\":\"metrics\",\"metrics\":{\"a\":NaN}}\u{e9}";
        assert!(parse_line(line, &mut scratch).is_err());
        assert!(parse_line("{NaN\u{a1}:-0}", &mut scratch).is_err());
        assert!(parse_line("{\"a\":1e400\u{e9}}", &mut scratch).is_err());
        let m = metrics_of("{\"metrics\":{\"\u{e9}\":NaN,\"b\":1}}");
        assert!(matches!(m[0].1, Scalar::Number(v) if v.is_nan()));
    }

    #[test]
    fn keeps_field_order_and_kind() {
        let record = parse_record(r#"{"type":"note","step":3,"text":"hi"}"#).unwrap();
        assert_eq!(record.kind.as_deref(), Some("note"));
        let keys: Vec<_> = record.fields.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["step", "text"]);
    }

    #[test]
    fn strings_arrays_and_objects_are_not_numbers() {
        let m = metrics_of(r#"{"metrics":{"a":"x","b":[1],"c":{"d":1},"e":null,"f":true}}"#);
        let kinds: Vec<_> = m.iter().map(|(_, v)| v.kind()).collect();
        assert_eq!(
            kinds,
            ["a string", "an array", "an object", "null", "a boolean"]
        );
    }

    #[test]
    fn rejects_non_objects_and_bad_json() {
        assert!(parse_record("[1,2]").is_err());
        assert!(parse_record(r#"{"a":1,}"#).is_err());
        assert!(parse_record(r#"{"type":5}"#).is_err());
    }

    #[test]
    fn numbers_beyond_a_double_are_infinite_like_python_reads_them() {
        let m = metrics_of(
            r#"{"metrics":{"a":1e400,"b":-1e400,"c":1E+999,"d":1e-400,"e":-0,"f":18446744073709551616}}"#,
        );
        assert_eq!(m[0].1, Scalar::Number(f64::INFINITY));
        assert_eq!(m[1].1, Scalar::Number(f64::NEG_INFINITY));
        assert_eq!(m[2].1, Scalar::Number(f64::INFINITY));
        assert_eq!(m[3].1, Scalar::Number(0.0));
        assert!(matches!(m[4].1, Scalar::Number(v) if v == 0.0 && v.is_sign_negative()));
        assert_eq!(m[5].1, Scalar::Number(18446744073709551616.0));
        let record = parse_record(r#"{"params":{"lr":1e400,"s":"1e400","n":[-2e308]}}"#).unwrap();
        assert_eq!(
            raw_json(&record.fields[0].1),
            serde_json::json!({"lr": "Infinity", "s": "1e400", "n": ["-Infinity"]})
        );
    }

    #[test]
    fn deep_values_are_skipped_or_refused_never_recursed_into() {
        let deep = 100_000;
        let line = format!(
            r#"{{"junk":{}{},"metrics":{{"x":{}{},"y":1}}}}"#,
            "[".repeat(deep),
            "]".repeat(deep),
            "[".repeat(deep),
            "]".repeat(deep)
        );
        let record = parse_record(&line).unwrap();
        let metrics = record.metrics.unwrap();
        assert_eq!(metrics[0].1, Scalar::Other("an array"));
        assert_eq!(metrics[1].1, Scalar::Number(1.0));
        assert_eq!(raw_json_checked(&record.fields[0].1), Err(TooDeep::Deep));
        let shallow = format!("{{\"a\":{}1{}}}", "[".repeat(100), "]".repeat(100));
        let record = parse_record(&shallow).unwrap();
        assert!(raw_json_checked(&record.fields[0].1).is_ok());
    }

    #[test]
    fn huge_integers_become_floats() {
        let record = parse_record(r#"{"step":18446744073709551616}"#).unwrap();
        assert_eq!(
            raw_scalar(&record.fields[0].1),
            Scalar::Number(18446744073709551616.0)
        );
    }
}
