//! A whole folder of logs, read and built into a site. The input describes the folder: chunks
//! separated by 0xFF 0x00, each a byte choosing the file's path (log, gzip log, config, README,
//! media) and the file's content. Gzip files are compressed from the content half of the time,
//! so the fuzzer reaches both the decompressor's errors and the records inside.
#![no_main]

use std::io::Write;

use ahnb::{BuildOptions, LoadOptions};
use libfuzzer_sys::fuzz_target;

const PATHS: [&str; 16] = [
    "p/a.jsonl",
    "p/b.jsonl",
    "p/c.ndjson",
    "q/d.jsonl.gz",
    "top.jsonl",
    "p/sub/e.jsonl",
    "p/ahnb.toml",
    "ahnb.toml",
    "p/README.md",
    "p/media/x.png",
    "p/media/y.svg",
    "p/media/z.txt",
    "q/e.jsonl",
    "Q/E.jsonl",
    "p/f.jsonl.gz",
    "p/media/w.html",
];

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    for chunk in split(data).take(12) {
        let Some((&selector, content)) = chunk.split_first() else {
            continue;
        };
        let path = logs.join(PATHS[usize::from(selector) % PATHS.len()]);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let bytes = if path.extension().is_some_and(|e| e == "gz") && selector & 0x80 != 0 {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(content).unwrap();
            encoder.finish().unwrap()
        } else {
            content.to_vec()
        };
        std::fs::write(&path, bytes).unwrap();
    }
    let load = LoadOptions {
        chart_points: 16,
        ..LoadOptions::default()
    };
    // A bad config (invalid TOML, or not UTF-8) is the one fatal input; all else must load.
    let config_error = |e: &ahnb::Error| match e {
        ahnb::Error::Config { .. } => true,
        ahnb::Error::Read { path, .. } => path.ends_with("ahnb.toml"),
        _ => false,
    };
    match ahnb::load(&logs, &load) {
        Ok(loaded) => {
            for warning in &loaded.warnings {
                assert!(!warning.message.contains('\n'), "{:?}", warning.message);
            }
        }
        Err(e) => assert!(config_error(&e), "load failed: {e}"),
    }
    let site = dir.path().join("site");
    let options = BuildOptions {
        load,
        copy_raw_logs: true,
        ..BuildOptions::default()
    };
    match ahnb::build(&logs, &site, &options) {
        Ok(_) => {
            for entry in std::fs::read_dir(dir.path()).unwrap() {
                let name = entry.unwrap().file_name();
                assert!(
                    name == "logs"
                        || name == "site"
                        || name.to_string_lossy().starts_with(".site."),
                    "{name:?}"
                );
            }
        }
        Err(e) => assert!(config_error(&e), "build failed: {e}"),
    }
});

fn split(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.windows(2).position(|w| w == [0xFF, 0x00]) {
            Some(at) => {
                let chunk = &rest[..at];
                rest = &rest[at + 2..];
                Some(chunk)
            }
            None => Some(std::mem::take(&mut rest)),
        }
    })
}
