//! The optional `ahnb.toml`, in LOGS or in a project's folder: the primary metric and metric
//! directions. Unknown keys are an error, so a typo never silently does nothing. The file is read
//! by [`super::config`]; this module only says what it means.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::run::Direction;

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
        assert_eq!(c.directions["bleu"], Direction::Up);
        assert_eq!(c.directions["lr"], Direction::Down);
        assert!(toml::from_str::<ProjectConfig>("primary = 1").is_err());
    }
}
