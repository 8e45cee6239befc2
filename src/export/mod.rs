//! The paper kit: every chart of a build as a standalone SVG and a vector PDF ([`figures`],
//! [`pdf`]), and the whole static site as one zip for supplementary material ([`archive`]).
//! Both are byte-identical across builds: the PDFs carry no dates and embed a font shipped inside
//! the binary, and the zip's entries are sorted with fixed timestamps and permissions.

pub mod archive;
pub mod figures;
pub mod pdf;

use std::path::Path;

use crate::error::{Error, Result};
use crate::site::output::absolute;

pub use archive::write_archive;
pub use figures::{FigureWriter, FiguresReport, write_figures};

/// Refuses to write exports into the logs (or a folder holding them).
pub(crate) fn check_export_path(path: &Path, logs: &Path) -> Result<()> {
    let path_abs = absolute(path);
    let logs_abs = absolute(logs);
    let refuse = |reason: &str| {
        Err(Error::UnsafeExport {
            path: path.to_path_buf(),
            reason: reason.to_owned(),
        })
    };
    if path_abs == logs_abs || path_abs.starts_with(&logs_abs) {
        return refuse("it is inside the log folder");
    }
    if logs_abs.starts_with(&path_abs) {
        return refuse("it contains the log folder");
    }
    Ok(())
}
