//! The optional `ahnb.toml`, in LOGS or in a project's folder: the primary metric and metric
//! directions. Unknown keys are an error, so a typo never silently does nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::Direction;
use crate::diag::Warning;
use crate::error::{Error, Result};
use crate::log::boundary::{Boundary, Kind, Refusal};

/// File name looked for in LOGS and in each project folder.
pub const CONFIG_FILE: &str = "ahnb.toml";

/// Settings for a project; a project folder's file overrides the LOGS-level one key by key.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    /// The metric that ranks runs, e.g. "val_accuracy".
    pub primary_metric: Option<String>,
    /// Per-metric direction: "up"/"max"/"higher" or "down"/"min"/"lower".
    #[serde(default)]
    pub directions: BTreeMap<String, Direction>,
}

impl ProjectConfig {
    /// Reads `ahnb.toml` from `folder` (the folder `relative` to LOGS, `""` for LOGS itself)
    /// through the read boundary, or returns the default when there is none. A file that may
    /// not be read (a link out of LOGS, a FIFO) is ignored with a warning; one that is too large
    /// or invalid is an error, since a config that is only partly applied would mislead.
    pub fn read_from(
        boundary: &Boundary,
        folder: &Path,
        relative: &str,
    ) -> Result<(Self, Option<Warning>)> {
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
                    return Ok((Self::default(), Some(warning)));
                }
                return Ok((Self::default(), None));
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
                return Ok((Self::default(), Some(warning)));
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

    /// This config with `other`'s settings taking precedence.
    pub fn overridden_by(&self, other: &ProjectConfig) -> ProjectConfig {
        let mut directions = self.directions.clone();
        directions.extend(other.directions.iter().map(|(k, v)| (k.clone(), *v)));
        ProjectConfig {
            primary_metric: other
                .primary_metric
                .clone()
                .or_else(|| self.primary_metric.clone()),
            directions,
        }
    }

    /// The direction of a metric: configured, else inferred from its name.
    pub fn direction_of(&self, metric: &str) -> Option<Direction> {
        self.directions
            .get(metric)
            .copied()
            .or_else(|| super::direction::infer_direction(metric))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let c: ProjectConfig = toml::from_str(
            "primary_metric = \"bleu\"\n[directions]\nbleu = \"max\"\nlr = \"down\"",
        )
        .unwrap();
        assert_eq!(c.primary_metric.as_deref(), Some("bleu"));
        assert_eq!(c.direction_of("bleu"), Some(Direction::Up));
        assert_eq!(c.direction_of("lr"), Some(Direction::Down));
        assert!(toml::from_str::<ProjectConfig>("primary = 1").is_err());
    }
}
