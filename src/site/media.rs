//! Media from logs: images and GIFs copied into the site (only from inside the log's folder,
//! only under image extensions, once per content), SVG shown through a `data:` URL, HTML
//! sanitized, text escaped; content embedded more than once in a page is shown once. Images
//! embedded in a log (TensorBoard's) are written only when their bytes are a PNG, JPEG, GIF, WebP
//! or BMP image, under the extension of what they are.

use std::path::Path;

use super::output::UnitWriter;
use crate::diag::quote;
use crate::log::boundary::{Boundary, Input, Kind, Refusal};
use crate::model::{MediaKind, MediaSource};
use crate::render::markdown::sanitize_html;
use crate::render::views::*;

/// Copies a media file into the site (or sanitizes inline content) and describes it.
pub(super) fn media_item(
    run: &crate::model::Run,
    media: &crate::model::Media,
    project_dir: &str,
    writer: &UnitWriter,
) -> std::result::Result<MediaItem, String> {
    let mut item = MediaItem {
        step: media.step.map(|s| s.to_string()),
        kind: match media.kind {
            MediaKind::Image => "image",
            MediaKind::Gif => "gif",
            MediaKind::Svg => "svg",
            MediaKind::Html => "html",
            MediaKind::Text => "text",
        },
        title: media.title.clone().unwrap_or_else(|| media.name.clone()),
        description: media.description.clone(),
        description_html: media
            .description
            .as_deref()
            .map(crate::render::markdown::inline_markdown_to_html),
        src: None,
        html: None,
        text: None,
    };
    match (&media.source, media.kind) {
        (MediaSource::File(path), MediaKind::Svg) => {
            let input = open_media(run, path, Kind::InlineMedia)?;
            let (svg, _) = input.read_to_end().map_err(|e| {
                format!(
                    "media {} cannot be read: {e}",
                    quote(&as_written(run, path))
                )
            })?;
            item.src = Some(svg_data_url(&svg));
        }
        (MediaSource::File(path), MediaKind::Image | MediaKind::Gif) => {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let extension = image_extension(&file_name)?;
            let input = open_media(run, path, Kind::Media)?;
            let (bytes, _) = input.read_to_end().map_err(|e| {
                format!(
                    "media {} cannot be read: {e}",
                    quote(&as_written(run, path))
                )
            })?;
            // Named by content: media referenced by many records or runs is copied once, and the
            // name (hex digits and an image extension fixed here) cannot be cut or slugged into
            // `.html`.
            let name = format!("{:032x}.{extension}", xxhash_rust::xxh3::xxh3_128(&bytes));
            writer
                .write_once(&format!("{project_dir}/media/{name}"), &bytes)
                .map_err(|e| format!("media {} cannot be copied: {e}", quote(&file_name)))?;
            item.src = Some(format!("../media/{name}"));
        }
        (MediaSource::File(path), MediaKind::Html | MediaKind::Text) => {
            let input = open_media(run, path, Kind::InlineMedia)?;
            let (bytes, _) = input.read_to_end().map_err(|e| {
                format!(
                    "media {} cannot be read: {e}",
                    quote(&as_written(run, path))
                )
            })?;
            let text = String::from_utf8(bytes).map_err(|e| {
                format!(
                    "media {} is not valid UTF-8 (at byte {}); skipped",
                    quote(&as_written(run, path)),
                    e.utf8_error().valid_up_to()
                )
            })?;
            fill_inline(&mut item, media.kind, text);
        }
        (MediaSource::Embedded { .. }, MediaKind::Image | MediaKind::Gif) => {
            let bytes = read_embedded(run, &media.source)
                .map_err(|e| format!("image {} cannot be read: {e}", quote(&media.name)))?;
            let Some(extension) = raster_image_extension(&bytes) else {
                return Err(format!(
                    "image {} is not a PNG, JPEG, GIF, WebP or BMP image; skipped",
                    quote(&media.name)
                ));
            };
            let name = format!("{:032x}.{extension}", xxhash_rust::xxh3::xxh3_128(&bytes));
            writer
                .write_once(&format!("{project_dir}/media/{name}"), &bytes)
                .map_err(|e| format!("image {} cannot be written: {e}", quote(&media.name)))?;
            item.src = Some(format!("../media/{name}"));
        }
        (MediaSource::Embedded { .. }, _) => {
            return Err(format!(
                "media {} embedded in a log is not an image; skipped",
                quote(&media.name)
            ));
        }
        (MediaSource::Inline(text), kind) => {
            fill_inline(&mut item, kind, text.clone());
        }
    }
    Ok(item)
}

/// The bytes of an image embedded in a log, read from the log through the read boundary.
fn read_embedded(run: &crate::model::Run, source: &MediaSource) -> Result<Vec<u8>, String> {
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
    let boundary = Boundary::of_file(&run.path_on_disk, &run.source);
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

fn fill_inline(item: &mut MediaItem, kind: MediaKind, text: String) {
    match kind {
        MediaKind::Html => item.html = Some(sanitize_html(&text)),
        MediaKind::Svg => item.src = Some(svg_data_url(text.as_bytes())),
        _ => item.text = Some(text),
    }
}

/// SVG from a log, as a `data:` URL for an `<img>`. An image never runs the SVG's scripts, and,
/// unlike a `.svg` file in the site, a `data:` URL cannot be opened as a page of the site's
/// origin (browsers refuse to navigate to it), so a link in a note cannot make it run either.
fn svg_data_url(svg: &[u8]) -> String {
    let mut url = String::with_capacity(svg.len() + svg.len() / 4 + 24);
    url.push_str("data:image/svg+xml,");
    for &byte in svg {
        if byte.is_ascii_alphanumeric() || b"-._~!$()*+,;=:@/?".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
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

/// The key under which an embedded item's content is shown once per page: its kind and what it
/// embeds (`None` for copied files, which are linked, not embedded).
pub(super) fn embedded_key(item: &MediaItem) -> Option<u128> {
    let embedded = match (&item.src, &item.html, &item.text) {
        (Some(src), _, _) if src.starts_with("data:") => src.as_str(),
        (None, Some(html), _) => html.as_str(),
        (None, None, Some(text)) => text.as_str(),
        _ => return None,
    };
    let mut key = Vec::with_capacity(embedded.len() + 8);
    key.extend_from_slice(item.kind.as_bytes());
    key.push(0);
    key.extend_from_slice(embedded.as_bytes());
    Some(xxhash_rust::xxh3::xxh3_128(&key))
}

/// Replaces an embedded item's content by a pointer to where the page shows it already.
pub(super) fn refer_to(item: &mut MediaItem, first: &MediaItem) {
    item.src = None;
    item.html = None;
    let at = first
        .step
        .as_ref()
        .map(|s| format!(" at step {s}"))
        .unwrap_or_default();
    item.text = Some(format!(
        "the same content as '{}'{at}, shown above",
        first.title
    ));
}

/// A media path as the log wrote it (relative to the log's folder), for warnings: the absolute
/// path would depend on where the logs sit, and be cut short.
fn as_written(run: &crate::model::Run, path: &Path) -> String {
    let folder = run.path_on_disk.parent().unwrap_or(Path::new("."));
    crate::log::walk::relative_path(folder, path)
}

/// Opens a media file through the read boundary, once it is known to stay inside the log's folder.
fn open_media(
    run: &crate::model::Run,
    path: &Path,
    kind: Kind,
) -> std::result::Result<Input, String> {
    check_inside_log_folder(run, path)?;
    let boundary = Boundary::of_file(&run.path_on_disk, &run.source);
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
fn check_inside_log_folder(
    run: &crate::model::Run,
    path: &Path,
) -> std::result::Result<(), String> {
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
