//! Media checks of the load stage: each media item a log names is opened through the read
//! boundary (inside the log's folder, a regular file, under the size limit), read, and turned
//! into a [`MediaContent`]: SVG and text kept for the page, an image named by its content and
//! kept as the path to copy it from (so that no image is held in memory). Images must carry an
//! image extension, and images embedded in a log (TensorBoard's) must be a PNG, JPEG, GIF, WebP
//! or BMP by their bytes, under the extension of what they are. What fails is a warning; later
//! stages never open a media file except to copy an image this stage checked.

use std::path::Path;

use super::load::ProjectInput;
use super::run::{Media, MediaContent, MediaKind, MediaSource, Run};
use crate::diag::{Warning, quote};
use crate::log::boundary::{Boundary, Input, Kind, Refusal};

/// Where a run's log is, for reading what it names through the read boundary: its path on disk
/// and its path relative to LOGS.
#[derive(Debug, Clone, Copy)]
pub struct LogRef<'a> {
    pub path_on_disk: &'a Path,
    pub source: &'a str,
}

impl<'a> LogRef<'a> {
    pub fn of(run: &'a Run) -> Self {
        LogRef {
            path_on_disk: &run.path_on_disk,
            source: &run.source,
        }
    }
}

/// Checks the media of every run of every project (in parallel) and keeps what each item is in
/// `Run::media_content`; returns the warnings about what was skipped, in run order.
pub fn check_projects_media(projects: &mut [ProjectInput]) -> Vec<Warning> {
    use rayon::prelude::*;
    let per_run: Vec<Vec<Warning>> = projects
        .par_iter_mut()
        .flat_map(|p| p.runs.par_iter_mut())
        .map(|run| {
            let (content, warnings) = check_run_media(run);
            run.media_content = content;
            warnings
        })
        .collect();
    per_run.into_iter().flatten().collect()
}

/// Checks every media item of a run, in order; a skipped item is `None`, with a warning.
pub fn check_run_media(run: &Run) -> (Vec<Option<MediaContent>>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let content = run
        .media
        .iter()
        .map(|media| match check_media(run, media) {
            Ok(content) => Some(content),
            Err(message) => {
                warnings.push(Warning::at_file(&run.source, message));
                None
            }
        })
        .collect();
    (content, warnings)
}

/// What a media item is, read and checked.
fn check_media(run: &Run, media: &Media) -> Result<MediaContent, String> {
    let run = LogRef::of(run);
    let read = |path: &Path, kind: Kind| -> Result<Vec<u8>, String> {
        let input = open_media(run, path, kind)?;
        let (bytes, _) = input.read_to_end().map_err(|e| {
            format!(
                "media {} cannot be read: {e}",
                quote(&as_written(run, path))
            )
        })?;
        Ok(bytes)
    };
    match (&media.source, media.kind) {
        (MediaSource::File(path), MediaKind::Svg) => {
            Ok(MediaContent::Svg(read(path, Kind::InlineMedia)?))
        }
        (MediaSource::File(path), MediaKind::Image | MediaKind::Gif) => {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let extension = image_extension(&file_name)?;
            let bytes = read(path, Kind::Media)?;
            Ok(MediaContent::Image {
                name: content_name(&bytes, extension),
                from: path.clone(),
                offset: 0,
                length: None,
            })
        }
        (MediaSource::File(path), MediaKind::Html | MediaKind::Text) => {
            let bytes = read(path, Kind::InlineMedia)?;
            let text = String::from_utf8(bytes).map_err(|e| {
                format!(
                    "media {} is not valid UTF-8 (at byte {}); skipped",
                    quote(&as_written(run, path)),
                    e.utf8_error().valid_up_to()
                )
            })?;
            Ok(MediaContent::Text(text))
        }
        (
            MediaSource::Embedded {
                path,
                offset,
                length,
            },
            MediaKind::Image | MediaKind::Gif,
        ) => {
            let bytes = read_embedded(run, &media.source)
                .map_err(|e| format!("image {} cannot be read: {e}", quote(&media.name)))?;
            let Some(extension) = raster_image_extension(&bytes) else {
                return Err(format!(
                    "image {} is not a PNG, JPEG, GIF, WebP or BMP image; skipped",
                    quote(&media.name)
                ));
            };
            Ok(MediaContent::Image {
                name: content_name(&bytes, extension),
                from: path.clone(),
                offset: *offset,
                length: Some(*length),
            })
        }
        (MediaSource::Embedded { .. }, _) => Err(format!(
            "media {} embedded in a log is not an image; skipped",
            quote(&media.name)
        )),
        (MediaSource::Inline(text), MediaKind::Svg) => {
            Ok(MediaContent::Svg(text.clone().into_bytes()))
        }
        (MediaSource::Inline(text), _) => Ok(MediaContent::Text(text.clone())),
    }
}

/// An image's name in the site, by its content: media referenced by many records or runs is
/// copied once, and the name (hex digits and an image extension fixed here) cannot be cut or
/// slugged into `.html`.
pub fn content_name(bytes: &[u8], extension: &str) -> String {
    format!("{:032x}.{extension}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// The bytes of an image to copy, read again through the read boundary: the whole file, or the
/// embedded range of a log. `Err` when it cannot be read or no longer has the content (and so
/// the name) the loader gave it.
pub fn read_image(run: LogRef<'_>, content: &MediaContent) -> Result<Vec<u8>, String> {
    let MediaContent::Image {
        name,
        from,
        offset,
        length,
    } = content
    else {
        return Err("not an image".to_owned());
    };
    let bytes = match length {
        Some(length) => read_embedded(
            run,
            &MediaSource::Embedded {
                path: from.clone(),
                offset: *offset,
                length: *length,
            },
        )?,
        None => {
            let input = open_media(run, from, Kind::Media)?;
            input.read_to_end().map_err(|e| e.to_string())?.0
        }
    };
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    if content_name(&bytes, extension) != *name {
        return Err("it changed while the site was built".to_owned());
    }
    Ok(bytes)
}

/// The bytes of an image embedded in a log, read from the log through the read boundary.
fn read_embedded(run: LogRef<'_>, source: &MediaSource) -> Result<Vec<u8>, String> {
    use std::io::{Read, Seek, SeekFrom};
    let MediaSource::Embedded {
        path,
        offset,
        length,
    } = source
    else {
        return Ok(Vec::new());
    };
    let limit = Kind::Media.limit();
    if *length > limit {
        return Err(format!("it is {length} bytes, over the limit of {limit}"));
    }
    let boundary = Boundary::of_file(run.path_on_disk, run.source);
    let input = boundary.open(path, Kind::Log).map_err(|r| r.to_string())?;
    let mut file = input.file;
    file.seek(SeekFrom::Start(*offset))
        .map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(*length)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 != *length {
        return Err("the log is shorter than when it was read".to_owned());
    }
    Ok(bytes)
}

/// The extension of a raster image, by its first bytes; `None` for anything else (SVG, HTML,
/// text), which must never be written into the site as an image a browser could open as a page.
pub fn raster_image_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else if bytes.starts_with(b"BM") && bytes.len() >= 26 {
        Some("bmp")
    } else {
        None
    }
}

/// Image media is copied into the site under an image extension, which decides how a browser
/// opens the copy: only image extensions may pass, so that a "png" named `x.html` cannot become a
/// page of the site. Returns the extension the copy gets (lowercase).
fn image_extension(file_name: &str) -> std::result::Result<&'static str, String> {
    const IMAGE_EXTENSIONS: [&str; 7] = ["png", "jpg", "jpeg", "gif", "webp", "avif", "bmp"];
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    IMAGE_EXTENSIONS
        .into_iter()
        .find(|allowed| *allowed == extension)
        .ok_or_else(|| {
            format!(
                "media file {} is not a PNG, JPEG, GIF, WebP, AVIF or BMP file by its name; skipped",
                quote(file_name)
            )
        })
}

/// A media path as the log wrote it (relative to the log's folder), for warnings: the absolute
/// path would depend on where the logs sit, and be cut short.
fn as_written(run: LogRef<'_>, path: &Path) -> String {
    let folder = run.path_on_disk.parent().unwrap_or(Path::new("."));
    crate::log::walk::relative_path(folder, path)
}

/// Opens a media file through the read boundary, once it is known to stay inside the log's folder.
fn open_media(run: LogRef<'_>, path: &Path, kind: Kind) -> std::result::Result<Input, String> {
    check_inside_log_folder(run, path)?;
    let boundary = Boundary::of_file(run.path_on_disk, run.source);
    let shown = quote(&as_written(run, path));
    boundary.open(path, kind).map_err(|refusal| match refusal {
        Refusal::NotRegular => format!("media file {shown} is not a regular file; skipped"),
        Refusal::Outside => format!("media file {shown} leads outside the log's folder; skipped"),
        Refusal::Unreadable(e) => format!("media {shown} cannot be read: {e}"),
        Refusal::Pseudo => format!("media file {shown} is a file of /proc or /sys; skipped"),
        Refusal::TooLarge { len, limit } => {
            format!("media file {shown} is {len} bytes, over the limit of {limit}; skipped")
        }
    })
}

/// Refuses media reached through a symbolic link that leads outside the log's folder, and media
/// that is not a regular file.
fn check_inside_log_folder(run: LogRef<'_>, path: &Path) -> std::result::Result<(), String> {
    let folder = run.path_on_disk.parent().unwrap_or(Path::new("."));
    let (Ok(folder), Ok(target)) = (folder.canonicalize(), path.canonicalize()) else {
        return Err(format!(
            "media file {} not found",
            quote(&as_written(run, path))
        ));
    };
    if !target.starts_with(&folder) {
        return Err(format!(
            "media file {} leads outside the log's folder; skipped",
            quote(&as_written(run, path))
        ));
    }
    // Opening a FIFO (or a device) would block the build forever, and a folder cannot be copied.
    if std::fs::metadata(&target).is_ok_and(|m| m.is_file()) {
        Ok(())
    } else {
        Err(format!(
            "media file {} is not a regular file; skipped",
            quote(&as_written(run, path))
        ))
    }
}
