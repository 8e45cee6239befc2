//! Validates the project and run names of an ingest request before they become a path
//! (`LOGS/{project}/{run}.jsonl`): one plain path component each, or a message saying why not.

/// Longest name accepted, in bytes: well under every file system's 255-byte component limit
/// once `.jsonl` is added.
pub const MAX_NAME_BYTES: usize = 128;

/// Checks that `name` (the `what` of a request: "project" or "run") is a single, visible path
/// component; the error is the message a client sees with its `400`.
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("the {what} name is empty"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "the {what} name is {} bytes long; at most {MAX_NAME_BYTES} are allowed",
            name.len()
        ));
    }
    if let Some(c) = name.chars().find(|c| matches!(c, '/' | '\\')) {
        return Err(format!(
            "the {what} name {name:?} contains the path separator {c:?}"
        ));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the {what} name {name:?} contains the control character U+{:04X}",
            c as u32
        ));
    }
    if name == "." || name == ".." {
        return Err(format!("the {what} name '{name}' is not allowed"));
    }
    // A leading dot would hide the folder or file from the walk of LOGS, so the logs sent
    // would never be shown.
    if name.starts_with('.') {
        return Err(format!(
            "the {what} name {:?} starts with '.', which hides it from ahnb",
            name
        ));
    }
    if name != name.trim() {
        return Err(format!(
            "the {what} name {name:?} starts or ends with white space"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass() {
        for name in ["mnist", "lr-0.01", "run_1 seed=2", "ünïcode", "a.b"] {
            assert_eq!(check_name("run", name), Ok(()), "{name}");
        }
    }

    #[test]
    fn hostile_names_are_refused_with_the_reason() {
        let cases = [
            ("", "the run name is empty"),
            ("..", "the run name '..' is not allowed"),
            (".", "the run name '.' is not allowed"),
            (".hidden", "starts with '.'"),
            ("a/b", "contains the path separator '/'"),
            ("a\\b", "contains the path separator '\\\\'"),
            ("a\u{0}b", "control character U+0000"),
            ("a\nb", "control character U+000A"),
            ("a\u{1b}[31m", "control character U+001B"),
            (" a", "white space"),
        ];
        for (name, expected) in cases {
            let message = check_name("run", name).unwrap_err();
            assert!(message.contains(expected), "{name:?}: {message}");
        }
        let long = "x".repeat(MAX_NAME_BYTES + 1);
        assert_eq!(
            check_name("project", &long).unwrap_err(),
            "the project name is 129 bytes long; at most 128 are allowed"
        );
        assert_eq!(check_name("project", &"x".repeat(MAX_NAME_BYTES)), Ok(()));
    }
}
