//! The fast path for common JSON lines against serde_json: for any line it takes, both must
//! give the same record, and the same series and warnings once read into a run (floats bit for
//! bit). Seeds worth starting from: a metrics line from examples/gen_workload, with NaN,
//! escapes, duplicate keys and huge numbers put in.
#![no_main]

use ahnb::log::json_fast::same_as_serde;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(line) = std::str::from_utf8(data) {
        if let Err(difference) = same_as_serde(line) {
            panic!("{line:?}: {difference}");
        }
    }
});
