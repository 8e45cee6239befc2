//! Non-fatal warnings about the input: a malformed line, an unknown field, a repeated step.
//!
//! Deep code never prints. It returns [`Warning`]s, which the caller collects into the build report;
//! the CLI sorts, prints and counts them, and `--strict` turns them into a failing exit code.

use std::collections::BTreeMap;
use std::fmt;

use crate::invisible::visible_form;

/// One problem found in the input, located by the log's path relative to LOGS and, where it
/// applies, a 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Warning {
    /// Path relative to the LOGS folder, with `/` separators (stable across machines).
    pub path: String,
    /// 1-based line number, or `None` for a problem with the whole file.
    pub line: Option<u64>,
    /// Lowercase description that quotes the offending value.
    pub message: String,
}

impl Warning {
    /// A warning about one line of a file.
    pub fn at_line(path: &str, line: u64, message: impl Into<String>) -> Self {
        Warning {
            path: path.to_owned(),
            line: Some(line),
            message: message.into(),
        }
    }

    /// A warning about a whole file or folder.
    pub fn at_file(path: &str, message: impl Into<String>) -> Self {
        Warning {
            path: path.to_owned(),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Quotes a value from a log for a warning message, cut to a readable length so that a 50 MB
/// line never ends up in the report.
pub fn quote(value: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::with_capacity(value.len().min(MAX) + 8);
    out.push('\'');
    for (count, ch) in value.chars().enumerate() {
        if count == MAX {
            out.push('…');
            break;
        }
        push_printable(&mut out, ch);
    }
    out.push('\'');
    out
}

/// A path or name from the logs made safe to print on one terminal line: control characters
/// (line breaks, escape sequences, NUL), bidirectional controls and invisible characters are shown escaped, so that a
/// file name can neither forge a line of CI output nor reorder what a reader sees.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        push_printable(&mut out, ch);
    }
    out
}

fn push_printable(out: &mut String, ch: char) {
    // Invisible characters too: a warning about two names that differ only by a zero-width
    // space must show where they differ.
    if ch.is_control() || crate::invisible::is_invisible(ch) {
        out.extend(ch.escape_default());
    } else {
        out.push(ch);
    }
}

/// Warnings for names of one kind (`run` within a project, `project` within the site) that a
/// reader cannot tell apart: the same visible form, different characters. `names` pairs each
/// name with the path it was read from; each lookalike is named with the first name of its
/// visible form (in sorted order), and both are quoted with the invisible characters escaped.
pub fn lookalike_warnings<'a>(
    kind: &str,
    names: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Warning> {
    let mut by_form: BTreeMap<String, BTreeMap<&str, &str>> = BTreeMap::new();
    for (name, path) in names {
        let paths = by_form.entry(visible_form(name)).or_default();
        let first = paths.entry(name).or_insert(path);
        if *first > path {
            *first = path;
        }
    }
    let mut warnings = Vec::new();
    for twins in by_form.values().filter(|t| t.len() > 1) {
        let mut twins = twins.iter();
        let (first, first_path) = twins.next().expect("two names");
        for (name, path) in twins {
            warnings.push(Warning::at_file(
                path,
                format!(
                    "{kind} name {} looks the same as {kind} {} ({}): they differ only by invisible or bidirectional characters",
                    quote(name),
                    quote(first),
                    printable(first_path)
                ),
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_path_line_and_message() {
        let w = Warning::at_line("p/run.jsonl", 4, "malformed json");
        assert_eq!(w.to_string(), "p/run.jsonl:4: malformed json");
        let w = Warning::at_file("p/run.jsonl", "empty file");
        assert_eq!(w.to_string(), "p/run.jsonl: empty file");
    }

    #[test]
    fn quote_cuts_long_values_and_escapes_control_characters() {
        assert_eq!(quote("a\nb"), "'a\\nb'");
        assert_eq!(quote("\u{202e}x\u{1b}[2J"), "'\\u{202e}x\\u{1b}[2J'");
        assert_eq!(
            printable("p/new\n::error::x.jsonl"),
            "p/new\\n::error::x.jsonl"
        );
        let long = "x".repeat(100);
        assert_eq!(quote(&long).chars().count(), 60 + 3);
    }

    #[test]
    fn each_lookalike_is_named_with_the_first_of_its_form() {
        let names = [
            ("twin", "p/b.jsonl"),
            ("tw\u{200b}in", "p/c.jsonl"),
            ("twin", "p/a.jsonl"),
            ("other", "p/d.jsonl"),
        ];
        let warnings = lookalike_warnings("run", names);
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].to_string(),
            "p/c.jsonl: run name 'tw\\u{200b}in' looks the same as run 'twin' (p/a.jsonl): they differ only by invisible or bidirectional characters"
        );
    }
}
