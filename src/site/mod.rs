//! Writes the site: renders the plan's pages through the theme ([`crate::plan`] says what every
//! file holds) and hands them, its bytes and its copies to the [`output::SiteWriter`], the only
//! code that writes, atomically. A rebuild renders only the units whose digest changed
//! ([`incremental`], [`digest`]) and carries the others over from the previous site.

mod carry;
pub mod digest;
pub mod figure_store;
mod folder_handles;
pub mod incremental;
pub mod manifest;
mod media;
pub mod output;
pub mod pages;
mod spare;
mod staging;
pub mod stamp;

/// Options that shape the pages.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    pub base_url: Option<String>,
    /// Copy each raw log into the site and link it from the run page.
    pub copy_raw_logs: bool,
    /// Warnings of the whole build, shown on the index page as a count.
    pub warnings: usize,
}
