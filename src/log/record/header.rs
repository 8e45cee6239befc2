//! The native format's header record: run name, project, hyperparameters, environment, planned
//! length, seed and tags, each checked and warned about on its own.

use super::end::model_of;
use super::*;

impl RunBuilder {
    pub(super) fn add_header(&mut self, line: u64, record: RawRecord<'_>) {
        if self.header.is_some() {
            self.warn(
                "second-header",
                line,
                "a second header record; the first one is kept",
            );
            return;
        }
        let mut header = RunHeader::default();
        for (key, raw) in &record.fields {
            let value = match raw_json_checked(raw) {
                Ok(value) => value,
                Err(too_deep) => {
                    let message = format!("header field {} {too_deep}; ignored", quote(key));
                    self.warn("too-deep", line, message);
                    continue;
                }
            };
            let ok = match key.as_ref() {
                "format_version" => set(&mut header.format_version, value.as_u64()),
                "project" => set(&mut header.project, nonempty_text(&value)),
                "run" => set(&mut header.run, nonempty_text(&value)),
                "start" => set(&mut header.start, timestamp_of(&value)),
                "params" => match &value {
                    Value::Object(_) => {
                        let (params, collided) = flatten_params_checked(&value);
                        header.params = params;
                        for key in collided {
                            let message = format!(
                                "param {} is given twice (a dotted key and a nested one); the first in key order is kept",
                                quote(&key)
                            );
                            self.warn("param-twice", line, message);
                        }
                        true
                    }
                    _ => value.is_null(),
                },
                "model" => set(&mut header.model, model_of(&value)),
                "env" => match &value {
                    Value::Object(_) => {
                        header.env = flatten_env(&value);
                        true
                    }
                    _ => value.is_null(),
                },
                "tags" => match &value {
                    Value::Array(items) => {
                        header.tags = items.iter().filter_map(nonempty_text).collect();
                        true
                    }
                    _ => value.is_null(),
                },
                "seed" => set(&mut header.seed, value.as_i64()),
                "group" => set(&mut header.group, nonempty_text(&value)),
                "notes" => set(&mut header.notes, value.as_str().map(str::to_owned)),
                "primary_metric" => set(&mut header.primary_metric, nonempty_text(&value)),
                "planned" => match &value {
                    Value::Object(plan) => {
                        let count =
                            |key: &str| plan.get(key).and_then(Value::as_u64).filter(|&n| n > 0);
                        header.planned_epochs = count("epochs");
                        header.planned_steps = count("steps");
                        plan.iter().all(|(k, v)| {
                            v.is_null()
                                || matches!(k.as_str(), "epochs" | "steps") && count(k).is_some()
                        })
                    }
                    _ => value.is_null(),
                },
                other => {
                    self.note_unknown_field("header", other);
                    true
                }
            };
            if !ok && !value.is_null() {
                let message = format!(
                    "header field {} has an unexpected value; ignored",
                    quote(key)
                );
                self.warn("bad-header-field", line, message);
            }
        }
        if header.format_version.is_some_and(|v| v > 1) {
            let message = "header declares a newer format_version; reading it as version 1";
            self.warn("format-version", line, message);
        }
        self.header = Some(header);
    }
}
