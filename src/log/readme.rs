//! A project folder's `README.md`, read through the read boundary: what the project page shows
//! above its runs. Returns the Markdown (cut at the size limit) and the warnings about it.

use std::path::Path;

use super::boundary::{Boundary, Kind, Refusal};
use crate::diag::Warning;

/// The file name looked for in each project folder.
pub const README_FILE: &str = "README.md";

/// Reads `README.md` in `folder` (the folder `relative` to LOGS). A missing README is no
/// warning; one that may not be read, is cut by the limit or is not UTF-8 is.
pub fn read_readme(
    boundary: &Boundary,
    folder: &Path,
    relative: &str,
) -> (Option<String>, Vec<Warning>) {
    read_readme_limited(boundary, folder, relative, Kind::Readme.limit())
}

fn read_readme_limited(
    boundary: &Boundary,
    folder: &Path,
    relative: &str,
    limit: u64,
) -> (Option<String>, Vec<Warning>) {
    let path = folder.join(README_FILE);
    let shown = format!("{relative}/{README_FILE}");
    let input = match boundary.open_limited(&path, Kind::Readme, limit) {
        Ok(input) => input,
        // Nothing there (and no dangling link): most projects have no README.
        Err(Refusal::Unreadable(e))
            if e.kind() == std::io::ErrorKind::NotFound && path.symlink_metadata().is_err() =>
        {
            return (None, Vec::new());
        }
        Err(refusal) => {
            let warning = Warning::at_file(&shown, format!("{refusal}; the page shows no README"));
            return (None, vec![warning]);
        }
    };
    let len = input.len;
    let (mut bytes, cut) = match input.read_to_end() {
        Ok(read) => read,
        Err(e) => {
            let message = format!("cannot be read: {e}; the page shows no README");
            return (None, vec![Warning::at_file(&shown, message)]);
        }
    };
    let mut warnings = Vec::new();
    if cut {
        // Cut where a character ends, so that the cut never adds a replacement character.
        let keep = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => bytes.len(),
        };
        bytes.truncate(keep);
        warnings.push(Warning::at_file(
            &shown,
            format!(
                "README is {len} bytes, over the limit of {limit}; the page shows the first {keep}"
            ),
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            warnings.push(Warning::at_file(
                &shown,
                format!(
                    "README is not valid UTF-8 (at byte {at}); shown with replacement characters"
                ),
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    (Some(text), warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(content: &[u8], limit: u64) -> (Option<String>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("p")).unwrap();
        std::fs::write(dir.path().join("p").join(README_FILE), content).unwrap();
        let boundary = Boundary::new(dir.path());
        let (text, warnings) = read_readme_limited(&boundary, &dir.path().join("p"), "p", limit);
        (text, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_readme_within_the_limit_is_read_whole() {
        assert_eq!(read(b"# Sweep\n", 100), (Some("# Sweep\n".into()), vec![]));
    }

    #[test]
    fn a_long_readme_is_cut_where_a_character_ends() {
        // "é" is two bytes; a limit of 4 falls inside the second one.
        let (text, warnings) = read("aéé".as_bytes(), 4);
        assert_eq!(text.as_deref(), Some("aé"));
        assert_eq!(
            warnings,
            ["p/README.md: README is 5 bytes, over the limit of 4; the page shows the first 3"]
        );
    }

    #[test]
    fn a_readme_that_is_not_utf8_is_a_warning() {
        let (text, warnings) = read(b"ok \xff\n", 100);
        assert_eq!(text.as_deref(), Some("ok \u{fffd}\n"));
        assert_eq!(
            warnings,
            [
                "p/README.md: README is not valid UTF-8 (at byte 3); shown with replacement characters"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_readme_that_is_a_fifo_or_a_link_out_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(logs.join("fifo")).unwrap();
        std::fs::create_dir_all(logs.join("out")).unwrap();
        std::fs::write(dir.path().join("secret"), "secret").unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("secret"),
            logs.join("out").join(README_FILE),
        )
        .unwrap();
        let fifo = logs.join("fifo").join(README_FILE);
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let boundary = Boundary::new(&logs);
        let (text, warnings) = read_readme(&boundary, &logs.join("fifo"), "fifo");
        assert_eq!(text, None);
        assert_eq!(
            warnings[0].to_string(),
            "fifo/README.md: not a regular file (a folder, FIFO, socket or device); not read; the page shows no README"
        );
        let (text, warnings) = read_readme(&boundary, &logs.join("out"), "out");
        assert_eq!(text, None);
        assert_eq!(
            warnings[0].to_string(),
            "out/README.md: leads outside the log folder; not read; the page shows no README"
        );
    }
}
