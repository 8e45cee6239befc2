//! The theme: Tera templates and static files, built into the binary, overridable file by file
//! with `--theme DIR` (DIR/templates/*.html, DIR/static/*).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file of the theme, by its path inside the theme folder.
pub struct ThemeFile {
    pub path: &'static str,
    pub content: &'static str,
}

macro_rules! theme_files {
    ($($path:literal),* $(,)?) => {
        &[$(ThemeFile { path: $path, content: include_str!(concat!("../../themes/default/", $path)) }),*]
    };
}

/// The built-in default theme.
pub const DEFAULT_THEME: &[ThemeFile] = theme_files!(
    "templates/base.html",
    "templates/components.html",
    "templates/index.html",
    "templates/project.html",
    "templates/run.html",
    "templates/404.html",
    "static/style.css",
    "static/format.js",
    "static/ahnb.js",
    "static/charts.js",
    "static/chart-tools.js",
    "static/media.js",
    "static/filter.js",
    "static/results.js",
    "static/compare.js",
    "static/parallel.js",
    "static/scatter.js",
    "static/colour.js",
    "static/deferred.js",
);

/// A theme: the default, with files from a user folder taking precedence.
pub struct Theme {
    overrides: Option<PathBuf>,
}

impl Theme {
    pub fn new(overrides: Option<&Path>) -> Result<Self> {
        if let Some(dir) = overrides {
            if !dir.is_dir() {
                return Err(Error::ThemeNotFound(dir.to_path_buf()));
            }
        }
        Ok(Theme {
            overrides: overrides.map(Path::to_path_buf),
        })
    }

    /// Every file of the theme with its effective content.
    pub fn files(&self) -> Result<Vec<(&'static str, String)>> {
        DEFAULT_THEME
            .iter()
            .map(|file| {
                let content = match &self.overrides {
                    Some(dir) if dir.join(file.path).is_file() => {
                        let path = dir.join(file.path);
                        std::fs::read_to_string(&path).map_err(|e| Error::read(path, e))?
                    }
                    _ => file.content.to_owned(),
                };
                Ok((file.path, content))
            })
            .collect()
    }
}

/// Writes the default theme into `dir` (for `ahnb theme export`), refusing to overwrite files.
pub fn export_default_theme(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for file in DEFAULT_THEME {
        let path = dir.join(file.path);
        if path.exists() {
            return Err(Error::write(
                &path,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "file exists; not overwritten",
                ),
            ));
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        }
        std::fs::write(&path, file.content).map_err(|e| Error::write(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
