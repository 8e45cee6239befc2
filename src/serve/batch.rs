//! Checks the body of an ingest request before any of it is stored: UTF-8 JSON lines, each one
//! object that ahnb's reader accepts (Python's `NaN`/`Infinity` included). A batch is stored whole
//! or not at all. A header's `project` and `run` may differ from the URL's, as a header may name
//! a run differently from its file (the file is a slug of the name): the reader takes the header's.

use crate::log::json::{Scratch, parse_line};

/// A body that passed the checks, ready to append: its bytes end with a newline.
#[derive(Debug, PartialEq, Eq)]
pub struct Batch {
    pub bytes: Vec<u8>,
    pub lines: usize,
}

/// Why a body was refused; `line` is 1-based within the body.
#[derive(Debug, PartialEq, Eq)]
pub struct BatchError {
    pub line: Option<usize>,
    pub message: String,
}

/// Checks `body`, sent for `project`/`run`, and returns it with a final newline added when it
/// had none (so that the next batch starts on a line of its own).
pub fn check_batch(body: &[u8]) -> Result<Batch, BatchError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        let line = body[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        BatchError {
            line: Some(line),
            message: format!("line {line} is not valid UTF-8"),
        }
    })?;
    let mut lines = 0;
    let mut scratch = Scratch::default();
    let content = text.strip_suffix('\n').unwrap_or(text);
    if !content.is_empty() {
        for (index, line) in content.split('\n').enumerate() {
            let number = index + 1;
            let fail = |message: String| BatchError {
                line: Some(number),
                message: format!("line {number} {message}"),
            };
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                return Err(fail("is empty; send one JSON object per line".into()));
            }
            if !line.trim_start().starts_with('{') {
                return Err(fail("is not a JSON object".into()));
            }
            parse_line(line, &mut scratch).map_err(|e| fail(format!("is not valid JSON: {e}")))?;
            lines += 1;
        }
    }
    let mut bytes = body.to_vec();
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    Ok(Batch { bytes, lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_batch_gets_a_final_newline_and_counts_its_lines() {
        let body =
            b"{\"type\":\"header\",\"project\":\"p\",\"run\":\"r\"}\n{\"step\":1,\"loss\":NaN}";
        let batch = check_batch(body).unwrap();
        assert_eq!(batch.lines, 2);
        assert_eq!(batch.bytes.last(), Some(&b'\n'));
        assert_eq!(&batch.bytes[..body.len()], body);
        let empty = check_batch(b"").unwrap();
        assert_eq!(
            empty,
            Batch {
                bytes: vec![],
                lines: 0
            }
        );
    }

    #[test]
    fn the_first_bad_line_is_named() {
        let cases: [(&[u8], usize, &str); 4] = [
            (
                b"{\"step\":1}\n{\"step\":2,\n",
                2,
                "line 2 is not valid JSON: EOF while parsing",
            ),
            (b"{\"step\":1}\n\n{\"step\":2}\n", 2, "line 2 is empty"),
            (b"[1,2]\n", 1, "line 1 is not a JSON object"),
            (
                b"{\"step\":1}\n{\"a\":\"\xff\"}\n",
                2,
                "line 2 is not valid UTF-8",
            ),
        ];
        for (body, line, message) in cases {
            let error = check_batch(body).unwrap_err();
            assert_eq!(error.line, Some(line), "{}", String::from_utf8_lossy(body));
            assert!(error.message.starts_with(message), "{}", error.message);
        }
    }
}
