//! The fast path for common JSON lines against serde_json: for any line it takes, both must
//! give the same record, and the same series and warnings once read into a run (floats bit for
//! bit); and the input's lines read in order by a `LineParser` (each along the previous line's
//! shape when it matches) must give what serde_json gives line by line; and the input read as a
//! log with lines taken straight from the stream's buffer must give the reading of the same
//! log found line by line first (`same_reading_from_the_buffer`). Seeds worth starting
//! from: a few metrics lines from examples/gen_workload, with NaN, escapes, duplicate keys and
//! huge numbers put in.
#![no_main]

use ahnb::log::json_fast::{same_as_serde, same_as_serde_lines, same_reading_from_the_buffer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(difference) = same_as_serde(text) {
            panic!("{text:?}: {difference}");
        }
    }
    // Lines as they come from a file, UTF-8 or not.
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if let Err(difference) = same_as_serde_lines(&lines) {
        panic!("{lines:?}: {difference}");
    }
    if let Err(difference) = same_reading_from_the_buffer(data) {
        panic!("{:?}: {difference}", String::from_utf8_lossy(data));
    }
});
