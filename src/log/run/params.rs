//! Hyperparameter values, and flattening nested JSON objects into dotted keys
//! (`{"optimizer": {"lr": 0.1}}` becomes `optimizer.lr = 0.1`).

use std::collections::BTreeMap;

use serde_json::Value;

/// A hyperparameter value, kept typed so that numbers sort and plot as numbers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ParamValue {
    Number(f64),
    Bool(bool),
    Text(String),
    /// A list, kept as its compact JSON text.
    List(String),
    Null,
}

impl ParamValue {
    /// The number, for numeric parameters.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            ParamValue::Number(v) => Some(*v),
            _ => None,
        }
    }

    /// A canonical text form, used for grouping, filtering and display.
    pub fn to_text(&self) -> String {
        match self {
            ParamValue::Number(v) => crate::format::number_full(*v),
            ParamValue::Bool(b) => b.to_string(),
            ParamValue::Text(s) | ParamValue::List(s) => s.clone(),
            ParamValue::Null => "null".to_owned(),
        }
    }
}

/// Deepest nesting flattened; deeper values are kept as JSON text.
const MAX_PARAM_DEPTH: usize = 16;

/// Parameter keys that name a seed rather than a configuration.
pub fn is_seed_key(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
    matches!(
        last.as_str(),
        "seed" | "random_seed" | "random_state" | "rng_seed"
    )
}

/// Flattens a JSON object into dotted keys. Non-object input yields one entry under `prefix`.
pub fn flatten_params(value: &Value) -> BTreeMap<String, ParamValue> {
    flatten_params_checked(value).0
}

/// [`flatten_params`], also returning the dotted keys given twice (`{"a.b": 1, "a": {"b": 2}}`):
/// the first in key order is kept, and the caller warns about the others.
pub fn flatten_params_checked(value: &Value) -> (BTreeMap<String, ParamValue>, Vec<String>) {
    let mut out = BTreeMap::new();
    let mut collided = Vec::new();
    flatten_into(value, String::new(), 0, &mut out, &mut collided);
    (out, collided)
}

fn flatten_into(
    value: &Value,
    prefix: String,
    depth: usize,
    out: &mut BTreeMap<String, ParamValue>,
    collided: &mut Vec<String>,
) {
    match value {
        Value::Object(map) if depth < MAX_PARAM_DEPTH && (prefix.is_empty() || !map.is_empty()) => {
            for (key, inner) in map {
                let key = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten_into(inner, key, depth + 1, out, collided);
            }
        }
        _ if prefix.is_empty() => {}
        other => match out.entry(prefix) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(to_param_value(other));
            }
            std::collections::btree_map::Entry::Occupied(slot) => collided.push(slot.key().clone()),
        },
    }
}

/// Converts a leaf JSON value. The strings "NaN"/"Infinity" come from the loader's markers.
fn to_param_value(value: &Value) -> ParamValue {
    match value {
        Value::Null => ParamValue::Null,
        Value::Bool(b) => ParamValue::Bool(*b),
        Value::Number(n) => n.as_f64().map_or(ParamValue::Null, ParamValue::Number),
        Value::String(s) => match s.as_str() {
            "NaN" => ParamValue::Number(f64::NAN),
            "Infinity" => ParamValue::Number(f64::INFINITY),
            "-Infinity" => ParamValue::Number(f64::NEG_INFINITY),
            _ => ParamValue::Text(s.clone()),
        },
        Value::Array(_) | Value::Object(_) => ParamValue::List(value.to_string()),
    }
}

/// Flattens an environment object into dotted key/value text pairs, in key order.
pub fn flatten_env(value: &Value) -> Vec<(String, String)> {
    flatten_params(value)
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                ParamValue::List(json) => list_text(&json),
                other => other.to_text(),
            };
            (k, text)
        })
        .collect()
}

/// A JSON list of strings shown as "a, b"; anything else stays JSON.
fn list_text(json: &str) -> String {
    match serde_json::from_str::<Vec<String>>(json) {
        Ok(items) => items.join(", "),
        Err(_) => json.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattens_nested_objects_to_dotted_keys() {
        let params = flatten_params(
            &json!({"lr": 0.1, "optimizer": {"name": "adam", "betas": [0.9, 0.99]}, "x": {}}),
        );
        let keys: Vec<_> = params.keys().cloned().collect();
        assert_eq!(keys, ["lr", "optimizer.betas", "optimizer.name", "x"]);
        assert_eq!(params["lr"], ParamValue::Number(0.1));
        assert_eq!(
            params["optimizer.betas"],
            ParamValue::List("[0.9,0.99]".into())
        );
    }

    #[test]
    fn env_lists_of_strings_read_naturally() {
        let env = flatten_env(&json!({"gpus": ["A100", "A100"], "cpu_count": 8}));
        assert_eq!(
            env,
            [
                ("cpu_count".into(), "8".into()),
                ("gpus".into(), "A100, A100".into())
            ]
        );
    }
}
