//! Finds TensorBoard runs among the walk's files: a file named `events.out.tfevents*` whose first
//! bytes are a valid TFRecord frame is an event file; event files are grouped into runs by
//! `layout::run_folder_of`. A file with the name and not the content (a Git LFS pointer
//! committed in its place, an empty file) is reported as skipped.

use std::collections::BTreeMap;
use std::io::Read;

use rayon::prelude::*;

use super::layout;
use super::tfrecord::masked_crc32c;
use crate::log::LogFile;
use crate::log::boundary::{Boundary, Kind};
use crate::log::formats::detector::Detector;
use crate::log::formats::{Format, SkipReason};

/// Claims the event files and adds one TensorBoard source per run folder.
pub fn detect(d: &mut Detector<'_>) {
    let named = d.unclaimed_named(layout::is_event_file_name);
    // Each file's first 12 bytes on all threads: opening a file is most of the walk's time for
    // a sweep of event files, and nothing else is running yet. Decided in walk order after.
    let framed: Vec<bool> = (named.par_iter())
        .map(|&i| starts_with_a_frame(d.file(i)))
        .collect();
    let mut runs: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, framed) in named.into_iter().zip(framed) {
        let file = d.file(i);
        if !framed {
            d.skip(i, SkipReason::TensorBoardNotEventFile);
            continue;
        }
        let (folder, _) = layout::run_folder_of(&file.relative);
        runs.entry(folder.to_owned()).or_default().push(i);
    }
    for (folder, files) in runs {
        // Event files directly in LOGS are the run TensorBoard calls ".".
        let relative = if folder.is_empty() { "." } else { &folder };
        d.add_source(Format::TensorBoard, relative, &files);
    }
}

/// True when the file starts with a TFRecord length whose masked CRC-32C matches: 12 bytes that
/// no text file (an LFS pointer starts `version https://`) passes by chance. Opened through the
/// read boundary, so that a FIFO or a link out of LOGS with the name is never read.
fn starts_with_a_frame(file: &LogFile) -> bool {
    let boundary = Boundary::of_file(&file.path, &file.relative);
    let Ok(input) = boundary.open(&file.path, Kind::Sniff) else {
        return false;
    };
    let mut head = [0u8; 12];
    input.file.take(12).read_exact(&mut head).is_ok()
        && masked_crc32c(&head[..8]).to_le_bytes() == head[8..]
}
