//! Digests of exactly the inputs that determine a unit of output (a run page with its media, a
//! project page with its figures and data, the index), taken from model values and never from
//! drawn charts: comparing them with the previous build's tells which units to render again
//! without drawing the ones that did not change (drawing is most of a build's cost).
//!
//! What every page shares (ahnb's version, the theme's files, the settings) is not in these
//! digests: it is the manifest's context, and a change of it renders everything.

use std::fmt::Debug;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use crate::model::project::Project;
use crate::paths::ProjectPaths;

/// A unit's digest.
pub type Digest = u128;

/// Feeds values to a 128-bit xxh3. Serialized values are length-prefixed (postcard), so two
/// different sequences of values never feed the same bytes. Bytes are gathered in a buffer
/// first: serde writes a point as two 8-byte pieces, and hashing each piece alone cost more than
/// hashing them in bulk.
struct Feed {
    hasher: Xxh3,
    buffer: Vec<u8>,
}

const FEED_BUFFER: usize = 64 * 1024;

impl std::io::Write for Feed {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.take(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Write for Feed {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.take(text.as_bytes());
        Ok(())
    }
}

impl Feed {
    fn take(&mut self, bytes: &[u8]) {
        if self.buffer.len() + bytes.len() > FEED_BUFFER {
            self.hasher.update(&self.buffer);
            self.buffer.clear();
        }
        if bytes.len() > FEED_BUFFER {
            self.hasher.update(bytes);
        } else {
            self.buffer.extend_from_slice(bytes);
        }
    }

    fn new(kind: &str) -> Self {
        let mut feed = Feed {
            hasher: Xxh3::new(),
            buffer: Vec::with_capacity(FEED_BUFFER),
        };
        feed.value(kind);
        feed
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Writing into a hasher cannot fail; a value serde cannot encode (none in the model)
        // would only make the digest weaker, never a page wrong, as its Debug form follows.
        if postcard::to_io(value, &mut *self).is_err() {
            self.debug(&"unserializable");
        }
    }

    /// For the model's small derived values that are not serializable (summaries, directions).
    fn debug<T: Debug + ?Sized>(&mut self, value: &T) {
        let _ = std::fmt::write(self, format_args!("{value:?}"));
        self.take(&[0xff]);
    }

    fn finish(mut self) -> Digest {
        self.hasher.update(&self.buffer);
        self.hasher.digest128()
    }
}

/// The context every page shares: when it changes, no previous page can be kept.
pub fn context_digest(theme_files: &[(&str, String)], settings: &str) -> Digest {
    let mut feed = Feed::new("context");
    feed.value(env!("CARGO_PKG_VERSION"));
    feed.value(settings);
    for (path, content) in theme_files {
        feed.value(path);
        feed.value(content.as_str());
    }
    feed.finish()
}

/// A run page and the files it writes (media, the raw log): the whole run, and what of its
/// project the page shows (name, primary metric, directions, status, neighbours' links).
pub fn run_digest(
    project: &Project,
    index: usize,
    paths: &ProjectPaths,
    copy_raw_logs: bool,
) -> Digest {
    let run = &project.runs[index];
    let mut feed = Feed::new("run");
    feed.value(run);
    feed.debug(&project.summaries[index]);
    feed.value(&project.name);
    feed.debug(&project.primary_metric);
    feed.debug(&project.primary_direction);
    for metric in &run.metric_order {
        feed.debug(&project.direction_of(metric));
    }
    feed.value(&paths.dir);
    feed.value(&paths.runs[index]);
    feed.value(&paths.run_slugs[index]);
    let neighbours = [index.checked_sub(1), Some(index + 1)];
    for neighbour in neighbours {
        let link = neighbour
            .filter(|&i| i < project.runs.len())
            .map(|i| (&project.runs[i].name, &paths.runs[i]));
        feed.debug(&link);
    }
    // The media the page shows are in the run (`media_content`, read and checked by the
    // loader; images by their content's name), already digested: no media file is read here.
    if copy_raw_logs {
        feed.debug(&file_fingerprint(&run.path_on_disk, 0, u64::MAX));
    }
    feed.finish()
}

/// A project's compare curves ([`crate::plan::compare_file`]): which runs they draw, each run's
/// points (by [`crate::model::Run::points_digest`]) and series names, and the metrics the page
/// charts. A rebuild after a run outside the best ones grew leaves them as they were.
pub fn compare_digest(project: &Project, chosen: &[usize], metrics: &[String]) -> Digest {
    let mut feed = Feed::new("compare");
    feed.value(metrics);
    for &i in chosen {
        let run = &project.runs[i];
        feed.value(&i);
        feed.value(&run.points_digest);
        feed.value(&run.series.len());
        for name in run.series.keys() {
            feed.value(name);
        }
    }
    feed.finish()
}

/// A project page's charts of runs' points ([`crate::plan::project_figures`]): the runs they
/// draw (by index and by their run page's digest, which covers every field and point of a run),
/// the seed groups, the charted metrics with their directions, the primary metric and how many
/// runs the project has (the charts' notes say "best 40 of 1,000"). Over-inclusive on purpose:
/// a missed input would show a stale chart, an extra one only costs a redraw.
pub fn project_figures_digest(
    project: &Project,
    featured: &[usize],
    run_digests: &[Digest],
    metrics: &[String],
) -> Digest {
    let mut feed = Feed::new("project-figures");
    feed.value(&project.name);
    feed.value(&project.runs.len());
    feed.value(metrics);
    feed.debug(&project.primary_metric);
    feed.debug(&project.primary_direction);
    for metric in metrics {
        feed.debug(&project.direction_of(metric));
    }
    feed.debug(&project.groups);
    for &i in featured {
        feed.value(&i);
        feed.value(&run_digests[i]);
    }
    feed.finish()
}

/// A project page, its figures and runs.csv: every run (by its digest) and everything the model
/// derived for the project. The destructuring is exhaustive so that a field added to [`Project`]
/// does not compile until it is digested here. The project's summary, which the page presents, is
/// not hashed apart: `model::summary::project_summaries` derives it from these fields alone, and
/// serializing its 1,000 run reports was a tenth of a rebuild's serial stretch before rendering.
pub fn project_digest(project: &Project, run_digests: &[Digest], paths: &ProjectPaths) -> Digest {
    let Project {
        name,
        folder,
        config,
        readme,
        runs: _, // by their digests, which cover every field of a run
        summaries,
        metrics,
        primary_metric,
        primary_direction,
        ranking,
        params,
        varied_params,
        groups,
    } = project;
    let mut feed = Feed::new("project");
    feed.value(name);
    feed.debug(folder);
    feed.debug(config);
    feed.debug(readme);
    feed.value(run_digests);
    feed.debug(summaries);
    feed.value(metrics);
    feed.debug(primary_metric);
    feed.debug(primary_direction);
    feed.value(ranking);
    feed.value(params);
    feed.value(varied_params);
    feed.debug(groups);
    feed.debug(paths);
    feed.finish()
}

/// The index: every project (by its digest), where it is, and the build's warning count.
pub fn index_digest(project_digests: &[Digest], dirs: &[&str], warnings: usize) -> Digest {
    let mut feed = Feed::new("index");
    feed.value(project_digests);
    feed.value(dirs);
    feed.value(&warnings);
    feed.finish()
}

/// Length and hash of up to `length` bytes of a regular file from `offset`. Only regular files:
/// the pages skip anything else, and reading a FIFO would block the build.
fn file_fingerprint(path: &Path, offset: u64, length: u64) -> Option<(u64, u128)> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut hasher = Xxh3::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut reader = file.take(length);
    let mut len = 0u64;
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buffer[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some((len, hasher.digest128()))
}
