//! The native format's note and end records: notes at steps, and the end record with its status,
//! final metrics, error and model summary.

use super::*;

impl RunBuilder {
    pub(super) fn add_note_record(&mut self, line: u64, record: RawRecord<'_>) {
        let mut step = None;
        let mut text = None;
        for (key, raw) in &record.fields {
            match key.as_ref() {
                "step" => step = Some(raw_scalar(raw)),
                "text" => text = raw_json(raw).as_str().map(str::to_owned),
                other => self.note_unknown_field("note", other),
            }
        }
        let step = step.map(|s| self.take_step(line, Some(s)));
        match text {
            Some(text) => self.notes.push(Note { step, text }),
            None => self.warn(
                "bad-note",
                line,
                "note record has no 'text' string; skipped",
            ),
        }
    }

    pub(super) fn add_end(&mut self, line: u64, record: RawRecord<'_>) {
        if self.end.is_some() {
            self.warn(
                "second-end",
                line,
                "a second end record; the last one is kept",
            );
        }
        let mut end = EndRecord::default();
        for (key, raw) in &record.fields {
            match key.as_ref() {
                "status" => {
                    let value = raw_json(raw);
                    let status = value.as_str().map(str::to_owned);
                    if status.is_none() && !value.is_null() {
                        let message = "end status is not a string; the run counts as finished";
                        self.warn("bad-status", line, message);
                    }
                    if let Some(s) = &status {
                        if !matches!(s.as_str(), "finished" | "failed" | "killed") {
                            let message = format!(
                                "end status {} is not finished, failed or killed",
                                quote(s)
                            );
                            self.warn("bad-status", line, message);
                        }
                    }
                    end.status = status;
                }
                "time" => end.time = timestamp_of(&raw_json(raw)),
                "error" => end.error = raw_json(raw).as_str().map(str::to_owned),
                "step" => {}
                other => self.note_unknown_field("end", other),
            }
        }
        if let Some(metrics) = record.metrics {
            for (name, value) in metrics {
                match value {
                    Scalar::Number(v) => end.metrics.push((name.into_owned(), v)),
                    Scalar::Null => {}
                    other => {
                        let message = format!(
                            "final metric {} is {}, not a number; skipped",
                            quote(&name),
                            other.kind()
                        );
                        self.warn("non-numeric", line, message);
                    }
                }
            }
        }
        self.end = Some(end);
    }
}

pub(super) fn model_of(value: &Value) -> Option<ModelSummary> {
    let object = value.as_object()?;
    let count = |k: &str| object.get(k).and_then(Value::as_u64);
    let layers = object
        .get("layers")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(layer_of).collect())
        .unwrap_or_default();
    Some(ModelSummary {
        name: object.get("name").and_then(nonempty_text),
        layers,
        total_params: count("total_params"),
        trainable_params: count("trainable_params"),
        non_trainable_params: count("non_trainable_params"),
        text: None,
    })
}

fn layer_of(value: &Value) -> Option<Layer> {
    let object = value.as_object()?;
    let text = |k: &str| object.get(k).and_then(nonempty_text).unwrap_or_default();
    let output_shape = match object.get("output_shape") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string().replace(',', ", "),
    };
    Some(Layer {
        name: text("name"),
        kind: text("type"),
        output_shape,
        params: object.get("params").and_then(Value::as_u64),
        trainable: object.get("trainable").and_then(Value::as_bool),
    })
}
