//! Pieces every format's reader shares: opening inputs through the read boundary, typing back
//! parameters that a tool stored as text, finding a run's seed among its parameters, reading a
//! small document whole, and reading YAML into the JSON values the rest of the loader knows.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::log::LogFile;
use crate::log::boundary::{Boundary, Input, Kind};
use crate::log::run::ParamValue;
use crate::log::run::params::is_seed_key;

/// Largest document (YAML, JSON, a param's text) read whole; larger ones are refused with a
/// warning rather than read into memory.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// A parameter that a tool stored as text (MLflow, CSV, DVCLive's YAML strings), typed back as
/// the user logged it: `0.001` a number, `true`/`True` a boolean, `None`/`null` nothing, anything
/// else text. Only JSON's number syntax counts as a number, so `inf`, `1_000` or `0x10` stay text.
pub fn typed_param(text: &str) -> ParamValue {
    let trimmed = text.trim();
    match trimmed {
        "true" | "True" => return ParamValue::Bool(true),
        "false" | "False" => return ParamValue::Bool(false),
        "None" | "null" => return ParamValue::Null,
        _ => {}
    }
    if trimmed.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        if let Ok(n) = serde_json::from_str::<serde_json::Number>(trimmed) {
            if let Some(v) = n.as_f64() {
                return ParamValue::Number(v);
            }
        }
    }
    ParamValue::Text(text.to_owned())
}

/// The seed among a run's parameters (`seed`, `random_state`, ... holding an integer), which puts
/// runs that differ only in it into one seed group, as a native header's `seed` does.
pub fn seed_from_params(params: &BTreeMap<String, ParamValue>) -> Option<i64> {
    params.iter().find_map(|(key, value)| match value {
        ParamValue::Number(v)
            if is_seed_key(key) && v.fract() == 0.0 && v.abs() < 9.0e15 && !key.contains('.') =>
        {
            Some(*v as i64)
        }
        _ => None,
    })
}

/// Opens an input through the read boundary (a regular file inside LOGS, never waiting on a
/// FIFO), or says why not, for a warning naming the file.
pub fn open(file: &LogFile, kind: Kind) -> Result<Input, String> {
    Boundary::of_file(&file.path, &file.relative)
        .open(&file.path, kind)
        .map_err(|refusal| refusal.to_string())
}

/// The first bytes of a file (up to the sniff limit), to recognize its format; `None` when it
/// cannot be opened.
pub fn sniff(file: &LogFile) -> Option<Vec<u8>> {
    let input = open(file, Kind::Sniff).ok()?;
    input.read_to_end().ok().map(|(bytes, _)| bytes)
}

/// Reads a small document whole (through the read boundary), or says why not.
pub fn read_document(file: &LogFile) -> Result<String, String> {
    let input = Boundary::of_file(&file.path, &file.relative)
        .open_limited(&file.path, Kind::Log, MAX_DOCUMENT_BYTES)
        .map_err(|refusal| refusal.to_string())?;
    if input.over_limit() {
        return Err(format!(
            "is {} bytes, more than the {MAX_DOCUMENT_BYTES} read whole; skipped",
            input.len
        ));
    }
    let (bytes, _) = input
        .read_to_end()
        .map_err(|e| format!("cannot be read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "is not valid UTF-8 (at byte {}); skipped",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Parses YAML into a JSON value (maps with non-text keys get their keys as text; YAML's `.nan`
/// and `.inf` become the loader's "NaN"/"Infinity" markers).
pub fn parse_yaml(text: &str) -> Result<Value, String> {
    let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    Ok(yaml_to_json(yaml, 0))
}

fn yaml_to_json(value: serde_norway::Value, depth: usize) -> Value {
    use serde_norway::Value as Y;
    if depth > 64 {
        return Value::Null;
    }
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map_or_else(
                    || {
                        Value::String(
                            if f.is_nan() {
                                "NaN"
                            } else if f > 0.0 {
                                "Infinity"
                            } else {
                                "-Infinity"
                            }
                            .to_owned(),
                        )
                    },
                    Value::Number,
                )
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|v| yaml_to_json(v, depth + 1))
                .collect(),
        ),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (yaml_key(k), yaml_to_json(v, depth + 1)))
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value, depth + 1),
    }
}

fn yaml_key(key: serde_norway::Value) -> String {
    match key {
        serde_norway::Value::String(s) => s,
        serde_norway::Value::Number(n) => n.to_string(),
        serde_norway::Value::Bool(b) => b.to_string(),
        serde_norway::Value::Null => "null".to_owned(),
        other => serde_norway::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// Parses a JSON document as Python's `json.dumps` writes it: bare `NaN`, `Infinity` and
/// `-Infinity` are read (as the strings "NaN", "Infinity", "-Infinity", see [`number_of`]).
pub fn parse_json(text: &str) -> Result<Value, String> {
    let normalized = crate::log::json::normalize_nonfinite(text.trim_start_matches('\u{feff}'));
    let value: Value = serde_json::from_str(&normalized).map_err(|e| e.to_string())?;
    Ok(crate::log::json::restore_markers(value))
}

/// A metric value: a JSON number, or the non-finite markers and Python's spellings as strings.
pub fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" | "nan" => Some(f64::NAN),
            "Infinity" | "inf" => Some(f64::INFINITY),
            "-Infinity" | "-inf" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// Text of a JSON value for the environment table: strings as they are, others as JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_stored_as_text_are_typed_back() {
        assert_eq!(typed_param("0.001"), ParamValue::Number(0.001));
        assert_eq!(typed_param("1e-05"), ParamValue::Number(1e-5));
        assert_eq!(typed_param("-3"), ParamValue::Number(-3.0));
        assert_eq!(typed_param("True"), ParamValue::Bool(true));
        assert_eq!(typed_param("false"), ParamValue::Bool(false));
        assert_eq!(typed_param("None"), ParamValue::Null);
        assert_eq!(typed_param("inf"), ParamValue::Text("inf".into()));
        assert_eq!(typed_param("adam"), ParamValue::Text("adam".into()));
        assert_eq!(typed_param("[1, 2]"), ParamValue::Text("[1, 2]".into()));
        assert_eq!(typed_param("007x"), ParamValue::Text("007x".into()));
    }

    #[test]
    fn yaml_becomes_json_with_nonfinite_markers() {
        let value = parse_yaml("a: 1\nb: .nan\nc: [x, 2.5]\n1: y\n").unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": "NaN", "c": ["x", 2.5], "1": "y"})
        );
    }
}
