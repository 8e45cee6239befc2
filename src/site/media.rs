//! Copies the images a run page shows into the site, as `<project>/media/<content name>`, once
//! per content. Everything else about media was read and checked by the loader
//! ([`crate::log::media`]); this only copies what it named.

use super::output::SiteWriter;
use crate::diag::quote;
use crate::model::{Media, MediaContent, MediaSource, Run};

/// Copies an image into the project's `media/` folder; `Err` is the warning's message.
pub(super) fn copy_image(
    run: &Run,
    media: &Media,
    content: &MediaContent,
    project_dir: &str,
    writer: &SiteWriter,
) -> std::result::Result<(), String> {
    let MediaContent::Image { name, .. } = content else {
        return Ok(());
    };
    let shown = match &media.source {
        MediaSource::File(path) => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        _ => media.name.clone(),
    };
    let bytes = crate::log::media::read_image(run, content)
        .map_err(|e| format!("media {} cannot be copied: {e}", quote(&shown)))?;
    writer
        .write_once(&format!("{project_dir}/media/{name}"), &bytes)
        .map_err(|e| match media.source {
            MediaSource::Embedded { .. } => {
                format!("image {} cannot be written: {e}", quote(&media.name))
            }
            _ => format!("media {} cannot be copied: {e}", quote(&shown)),
        })
        .map(|_| ())
}
