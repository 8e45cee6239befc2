//! The JSON summary: every run of every selected project, unrounded, in the versioned schema
//! `ahnb.summary/1` documented in docs/summary-json.md. Non-finite values are the strings
//! `"NaN"`, `"Infinity"` and `"-Infinity"`; missing values are `null`.

use super::Summary;

/// Pretty-printed JSON with a final newline (keys in a fixed order, so output is stable).
pub fn render_json(summary: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(summary)
        .expect("a summary holds only strings, numbers and maps with string keys");
    text.push('\n');
    text
}
