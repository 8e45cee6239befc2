//! The code that fills the site: views rendered through the theme, media copied, everything
//! handed to the [`output::SiteWriter`]. Page paths come from [`crate::paths`].

mod carry;
pub mod digest;
pub mod incremental;
pub mod manifest;
mod media;
pub mod output;
pub mod pages;
mod run_page;
pub mod stamp;

use std::path::PathBuf;

use crate::error::Result;
use crate::render::views::Figure;
use output::UnitWriter;

/// Options that shape the pages.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    pub base_url: Option<String>,
    pub theme: Option<PathBuf>,
    /// Copy each raw log into the site and link it from the run page.
    pub copy_raw_logs: bool,
    /// Warnings of the whole build, shown on the index page as a count.
    pub warnings: usize,
}

/// Writes a figure's standalone SVG (the step version) into `folder`.
pub(crate) fn write_figure(writer: &UnitWriter, folder: &str, figure: &Figure) -> Result<()> {
    let mut file = String::with_capacity(figure.svg.len() + 64);
    file.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    file.push_str(&figure.svg);
    file.push('\n');
    writer.write(&format!("{folder}/{}", figure.file), file.as_bytes())
}
