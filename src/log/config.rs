//! Reads `ahnb.toml` files (in LOGS and in project folders) through the read boundary into a
//! [`ProjectConfig`]; what the settings mean lives in [`super::project_config`].

use std::path::Path;

use super::boundary::{Boundary, Kind, Refusal};
use super::project_config::{CONFIG_FILE, ProjectConfig};
use crate::diag::Warning;
use crate::error::{Error, Result};

/// Reads `ahnb.toml` from `folder` (the folder `relative` to LOGS, `""` for LOGS itself)
/// through the read boundary, or returns the default when there is none. A file that may
/// not be read (a link out of LOGS, a FIFO) is ignored with a warning; one that is too large
/// or invalid is an error, since a config that is only partly applied would mislead.
pub fn read_config(
    boundary: &Boundary,
    folder: &Path,
    relative: &str,
) -> Result<(ProjectConfig, Option<Warning>)> {
    let path = folder.join(CONFIG_FILE);
    let shown = if relative.is_empty() {
        CONFIG_FILE.to_owned()
    } else {
        format!("{relative}/{CONFIG_FILE}")
    };
    let input = match boundary.open(&path, Kind::Config) {
        Ok(input) => input,
        Err(Refusal::Unreadable(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            if path.symlink_metadata().is_ok() {
                let warning = Warning::at_file(&shown, format!("cannot be read: {e}; ignored"));
                return Ok((ProjectConfig::default(), Some(warning)));
            }
            return Ok((ProjectConfig::default(), None));
        }
        Err(Refusal::TooLarge { len, limit }) => {
            return Err(Error::Config {
                path,
                message: format!("it is {len} bytes, over the limit of {limit} for a config"),
            });
        }
        Err(Refusal::Unreadable(e)) => return Err(Error::read(path, e)),
        Err(refusal) => {
            let warning = Warning::at_file(&shown, format!("{refusal}; ignored"));
            return Ok((ProjectConfig::default(), Some(warning)));
        }
    };
    let (bytes, _) = input.read_to_end().map_err(|e| Error::read(&path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Config {
        path: path.clone(),
        message: format!(
            "it is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let config = toml::from_str(&text).map_err(|e| Error::Config {
        path,
        message: e.message().to_owned(),
    })?;
    Ok((config, None))
}
