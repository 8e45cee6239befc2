//! Decodes one event record into what ahnb keeps: scalars, text, images, hyperparameters, the
//! end status, and the step and wall time they belong to.
//!
//! Values come in three shapes, from three generations of writers: TensorFlow 1, tensorboardX,
//! PyTorch's `SummaryWriter` and Lightning write `simple_value` floats and `Summary.Image`;
//! TensorFlow 2 (Keras) writes every value as a tensor tagged with a plugin name (`scalars`,
//! `text`, `images`), and names the plugin only with the first value of each tag in a file, so a
//! [`EventDecoder`] remembers it per tag. Histograms, audio, PR curves, graphs and other tensors
//! are counted, not read.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bytes::Bytes;
use prost::Message;

use super::proto::{self, ProtoValue, TensorProto, proto_value::Kind, summary_value};
pub use super::widen::{WidenCache, widen};

/// What one record held.
#[derive(Debug, Default, PartialEq)]
pub struct Decoded {
    pub wall_time: f64,
    pub step: i64,
    pub items: Vec<Item>,
}

/// One value of a record.
#[derive(Debug, PartialEq)]
pub enum Item {
    /// The `file_version` of a file's first record ("brain.Event:2").
    FileVersion(String),
    /// A scalar; the tag is a slice of the record (see [`text_of`]).
    Scalar { tag: Bytes, value: f64 },
    /// A text summary (Markdown, as TensorBoard renders it).
    Text { tag: String, text: String },
    /// An encoded image, as a byte range of the record's data (offset from its start).
    Image {
        tag: String,
        offset: u64,
        length: u64,
    },
    /// The hparams plugin's session start: one trial's hyperparameters.
    Hparams {
        params: BTreeMap<String, serde_json::Value>,
        group: Option<String>,
        start_time: Option<f64>,
    },
    /// The hparams plugin's session end: `finished`, `failed`, or `None` while running.
    SessionEnd {
        status: Option<&'static str>,
        time: Option<f64>,
    },
    /// A `SessionLog` START: TensorFlow 1's mark of a restart from a checkpoint.
    SessionStart,
    /// A value ahnb does not show, by what it is ("histograms", "audio", "pr_curves", ...).
    Skipped(String),
}

/// Decodes the records of one file, remembering each tag's plugin between records.
#[derive(Default)]
pub struct EventDecoder {
    plugins: HashMap<Bytes, Arc<str>>,
}

impl EventDecoder {
    /// Decodes one record's data. An error is a record that is not a valid `Event`.
    pub fn decode(&mut self, record: Bytes) -> Result<Decoded, prost::DecodeError> {
        self.decode_into(record, Vec::new())
    }

    /// [`EventDecoder::decode`] into `items` (cleared first): a reader passes back the last
    /// record's vector, so that a record costs no allocation of its own for its items.
    pub fn decode_into(
        &mut self,
        record: Bytes,
        mut items: Vec<Item>,
    ) -> Result<Decoded, prost::DecodeError> {
        items.clear();
        let base = record.as_ptr() as usize;
        let end = base + record.len();
        let event = proto::Event::decode(record)?;
        let mut decoded = Decoded {
            wall_time: event.wall_time,
            step: event.step,
            items,
        };
        match event.what {
            Some(proto::event::What::FileVersion(version)) => {
                decoded.items.push(Item::FileVersion(version))
            }
            Some(proto::event::What::SessionLog(log)) if log.status == proto::SESSION_START => {
                decoded.items.push(Item::SessionStart)
            }
            Some(proto::event::What::Summary(summary)) => {
                for value in summary.value {
                    self.decode_value(value, (base, end), &mut decoded.items);
                }
            }
            _ => {}
        }
        Ok(decoded)
    }

    fn decode_value(
        &mut self,
        value: proto::SummaryValue,
        record: (usize, usize),
        items: &mut Vec<Item>,
    ) {
        let tag = if value.tag.is_empty() {
            value.node_name
        } else {
            value.tag
        };
        match value.value {
            // The common case, kept free of allocations: no metadata decoded, the tag a slice.
            Some(summary_value::Value::SimpleValue(v)) => items.push(Item::Scalar {
                tag,
                value: widen(v),
            }),
            Some(summary_value::Value::Image(image)) => {
                if let Some((offset, length)) = range_in(record, &image.encoded_image_string) {
                    items.push(Item::Image {
                        tag: text_of(&tag),
                        offset,
                        length,
                    });
                }
            }
            Some(summary_value::Value::Histogram(_)) => {
                items.push(Item::Skipped("histograms".to_owned()))
            }
            Some(summary_value::Value::Audio(_)) => items.push(Item::Skipped("audio".to_owned())),
            Some(summary_value::Value::Tensor(tensor)) => {
                if let Some(plugin) = self.plugin_of(&tag, &value.metadata, items) {
                    decode_tensor(tag, &plugin, tensor, record, items)
                }
            }
            None => {
                self.plugin_of(&tag, &value.metadata, items);
            }
        }
    }

    /// The plugin of a tag: named by this value's metadata, else remembered from the tag's
    /// first value. The hparams plugin's data is in the metadata itself: it is decoded here,
    /// and `None` returned (the value holds nothing else).
    fn plugin_of(
        &mut self,
        tag: &Bytes,
        metadata: &Bytes,
        items: &mut Vec<Item>,
    ) -> Option<Arc<str>> {
        if !metadata.is_empty() {
            if let Ok(metadata) = proto::SummaryMetadata::decode(metadata.clone()) {
                if let Some(data) = metadata.plugin_data.filter(|d| !d.plugin_name.is_empty()) {
                    if data.plugin_name == "hparams" {
                        decode_hparams(&data.content, items);
                        return None;
                    }
                    let plugin: Arc<str> = Arc::from(data.plugin_name);
                    self.plugins.insert(tag.clone(), plugin.clone());
                    return Some(plugin);
                }
            }
        }
        Some(
            self.plugins
                .get(tag)
                .cloned()
                .unwrap_or_else(|| Arc::from("")),
        )
    }
}

/// A tag or other text from a log as a string (invalid UTF-8 replaced, as protobuf's own
/// decoders would refuse it).
pub fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A tensor by its plugin: a one-element number is a scalar (TensorFlow 2 writes them so, with
/// the plugin `scalars`), `text` strings a note, `images` a row of width, height and images.
fn decode_tensor(
    tag: Bytes,
    plugin: &str,
    tensor: TensorProto,
    record: (usize, usize),
    items: &mut Vec<Item>,
) {
    match plugin {
        "scalars" | "" if tensor.dtype != proto::DT_STRING => match scalar_of(&tensor) {
            Some(value) => items.push(Item::Scalar { tag, value }),
            None => items.push(Item::Skipped(if plugin.is_empty() {
                "tensors".to_owned()
            } else {
                "scalars of more than one value".to_owned()
            })),
        },
        "text" if tensor.dtype == proto::DT_STRING => {
            let parts: Vec<String> = (tensor.string_val.iter())
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect();
            items.push(Item::Text {
                tag: text_of(&tag),
                text: parts.join("\n\n"),
            });
        }
        "images" if tensor.dtype == proto::DT_STRING => {
            // [width, height, image, image, ...], as `tf.summary.image` writes them.
            for image in tensor.string_val.iter().skip(2) {
                if let Some((offset, length)) = range_in(record, image) {
                    items.push(Item::Image {
                        tag: text_of(&tag),
                        offset,
                        length,
                    });
                }
            }
        }
        "" => items.push(Item::Skipped("tensors".to_owned())),
        other => items.push(Item::Skipped(other.to_owned())),
    }
}

/// The value of a one-element numeric tensor, from its typed field or its packed content.
pub fn scalar_of(tensor: &TensorProto) -> Option<f64> {
    let elements: i64 = match &tensor.tensor_shape {
        Some(shape) => shape.dim.iter().map(|d| d.size).product(),
        None => 1,
    };
    if elements != 1 {
        return None;
    }
    let content = &tensor.tensor_content[..];
    let first = |width: usize| -> Option<&[u8]> { (content.len() == width).then_some(content) };
    match tensor.dtype {
        proto::DT_FLOAT => (tensor.float_val.first().copied())
            .or_else(|| first(4).map(|b| f32::from_le_bytes(b.try_into().expect("4"))))
            .map(widen),
        proto::DT_DOUBLE => (tensor.double_val.first().copied())
            .or_else(|| first(8).map(|b| f64::from_le_bytes(b.try_into().expect("8")))),
        proto::DT_HALF => (tensor.half_val.first().map(|h| *h as u16))
            .or_else(|| first(2).map(|b| u16::from_le_bytes(b.try_into().expect("2"))))
            .map(half_to_f64),
        proto::DT_BFLOAT16 => (tensor.half_val.first().map(|h| *h as u16))
            .or_else(|| first(2).map(|b| u16::from_le_bytes(b.try_into().expect("2"))))
            .map(|h| widen(f32::from_bits(u32::from(h) << 16))),
        proto::DT_INT32 | proto::DT_INT16 | proto::DT_INT8 | proto::DT_UINT8 => {
            let width = match tensor.dtype {
                proto::DT_INT32 => 4,
                proto::DT_INT16 => 2,
                _ => 1,
            };
            (tensor.int_val.first().map(|v| f64::from(*v))).or_else(|| {
                first(width).map(|b| match (tensor.dtype, b) {
                    (proto::DT_INT32, b) => f64::from(i32::from_le_bytes(b.try_into().expect("4"))),
                    (proto::DT_INT16, b) => f64::from(i16::from_le_bytes(b.try_into().expect("2"))),
                    (proto::DT_INT8, b) => f64::from(b[0] as i8),
                    (_, b) => f64::from(b[0]),
                })
            })
        }
        proto::DT_INT64 => (tensor.int64_val.first().map(|v| *v as f64))
            .or_else(|| first(8).map(|b| i64::from_le_bytes(b.try_into().expect("8")) as f64)),
        proto::DT_BOOL => (tensor.bool_val.first().map(|b| f64::from(u8::from(*b))))
            .or_else(|| first(1).map(|b| f64::from(u8::from(b[0] != 0)))),
        _ => None,
    }
}

/// IEEE 754 half precision to double (exact: every half is a double).
fn half_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = f64::from(bits & 0x3ff);
    sign * match exponent {
        0 => fraction * 2f64.powi(-24),
        31 if fraction == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + fraction / 1024.0) * 2f64.powi(e - 15),
    }
}

/// Where a byte field decoded from a record lies in it. prost slices `Bytes` fields out of the
/// record instead of copying them, so the image need not be held: it is read again from the
/// file when the site is written.
fn range_in(record: (usize, usize), field: &Bytes) -> Option<(u64, u64)> {
    let start = field.as_ptr() as usize;
    let inside = !field.is_empty() && start >= record.0 && start + field.len() <= record.1;
    inside.then(|| ((start - record.0) as u64, field.len() as u64))
}

/// The hparams plugin's content: a session start (hyperparameters, trial id) or end (status).
fn decode_hparams(content: &[u8], items: &mut Vec<Item>) {
    let Ok(data) = proto::HParamsPluginData::decode(content) else {
        items.push(Item::Skipped(
            "hparams data that does not decode".to_owned(),
        ));
        return;
    };
    match data.data {
        Some(proto::hparams_plugin_data::Data::SessionStartInfo(start)) => {
            let params = (start.hparams.into_iter())
                .map(|(k, v)| (k, json_of(v, 0)))
                .collect();
            items.push(Item::Hparams {
                params,
                group: Some(start.group_name).filter(|g| !g.trim().is_empty()),
                start_time: Some(start.start_time_secs).filter(|t| t.is_finite() && *t > 0.0),
            });
        }
        Some(proto::hparams_plugin_data::Data::SessionEndInfo(end)) => {
            items.push(Item::SessionEnd {
                status: match end.status {
                    1 => Some("finished"),
                    2 => Some("failed"),
                    _ => None,
                },
                time: Some(end.end_time_secs).filter(|t| t.is_finite() && *t > 0.0),
            });
        }
        // The experiment summary only lists which hyperparameters and metrics exist.
        None => {}
    }
}

/// A `google.protobuf.Value` as JSON, for the params flattener. Nesting is already bounded by
/// prost's recursion limit; `depth` keeps this function's own recursion as shallow.
fn json_of(value: ProtoValue, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    if depth > 64 {
        return Value::Null;
    }
    match value.kind {
        None | Some(Kind::NullValue(_)) => Value::Null,
        Some(Kind::NumberValue(n)) => serde_json::Number::from_f64(n)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(nonfinite_text(n).to_owned())),
        Some(Kind::StringValue(s)) => Value::String(s),
        Some(Kind::BoolValue(b)) => Value::Bool(b),
        Some(Kind::StructValue(s)) => Value::Object(
            (s.fields.into_iter())
                .map(|(k, v)| (k, json_of(v, depth + 1)))
                .collect(),
        ),
        Some(Kind::ListValue(l)) => Value::Array(
            (l.values.into_iter())
                .map(|v| json_of(v, depth + 1))
                .collect(),
        ),
    }
}

fn nonfinite_text(n: f64) -> &'static str {
    if n.is_nan() {
        "NaN"
    } else if n > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto::{
        Event, HParamsPluginData, PluginData, SessionEndInfo, SessionStartInfo, Summary,
        SummaryMetadata, SummaryValue, TensorShape, event::What, hparams_plugin_data::Data,
    };

    fn value(tag: &str, plugin: Option<&str>, value: summary_value::Value) -> SummaryValue {
        let metadata = plugin.map(|name| SummaryMetadata {
            plugin_data: Some(PluginData {
                plugin_name: name.to_owned(),
                content: Vec::new(),
            }),
            ..Default::default()
        });
        SummaryValue {
            tag: Bytes::copy_from_slice(tag.as_bytes()),
            metadata: metadata.map_or_else(Bytes::new, |m| m.encode_to_vec().into()),
            value: Some(value),
            ..Default::default()
        }
    }

    fn record(step: i64, values: Vec<SummaryValue>) -> Bytes {
        let event = Event {
            wall_time: 1.7e9,
            step,
            what: Some(What::Summary(Summary { value: values })),
        };
        Bytes::from(event.encode_to_vec())
    }

    fn float_tensor(value: f32, packed: bool) -> summary_value::Value {
        summary_value::Value::Tensor(TensorProto {
            dtype: proto::DT_FLOAT,
            tensor_shape: Some(TensorShape::default()),
            float_val: if packed { vec![] } else { vec![value] },
            tensor_content: if packed {
                Bytes::copy_from_slice(&value.to_le_bytes())
            } else {
                Bytes::new()
            },
            ..Default::default()
        })
    }

    #[test]
    fn simple_values_are_widened_to_the_decimal_that_was_logged() {
        let mut decoder = EventDecoder::default();
        let decoded = decoder
            .decode(record(
                7,
                vec![value("loss", None, summary_value::Value::SimpleValue(0.1))],
            ))
            .unwrap();
        assert_eq!(decoded.step, 7);
        assert_eq!(decoded.wall_time, 1.7e9);
        assert_eq!(
            decoded.items,
            [Item::Scalar {
                tag: "loss".into(),
                value: 0.1
            }]
        );
        assert!(widen(f32::NAN).is_nan());
        assert_eq!(widen(f32::NEG_INFINITY), f64::NEG_INFINITY);
    }

    #[test]
    fn tf2_tensors_keep_the_plugin_named_only_by_their_first_value() {
        let mut decoder = EventDecoder::default();
        let first = decoder
            .decode(record(
                0,
                vec![value(
                    "epoch_loss",
                    Some("scalars"),
                    float_tensor(0.5, false),
                )],
            ))
            .unwrap();
        // Later values carry no metadata, and here the value is packed in tensor_content.
        let later = decoder
            .decode(record(
                1,
                vec![value("epoch_loss", None, float_tensor(0.25, true))],
            ))
            .unwrap();
        let scalar = |v| Item::Scalar {
            tag: "epoch_loss".into(),
            value: v,
        };
        assert_eq!(first.items, [scalar(0.5)]);
        assert_eq!(later.items, [scalar(0.25)]);
    }

    #[test]
    fn other_numeric_types_and_half_precision_are_read() {
        let tensor = |dtype, content: &[u8]| TensorProto {
            dtype,
            tensor_content: Bytes::copy_from_slice(content),
            ..Default::default()
        };
        assert_eq!(
            scalar_of(&tensor(proto::DT_DOUBLE, &2.5f64.to_le_bytes())),
            Some(2.5)
        );
        assert_eq!(
            scalar_of(&tensor(proto::DT_INT64, &(-3i64).to_le_bytes())),
            Some(-3.0)
        );
        assert_eq!(
            scalar_of(&tensor(proto::DT_HALF, &0x3e00u16.to_le_bytes())),
            Some(1.5)
        );
        assert_eq!(
            scalar_of(&tensor(proto::DT_HALF, &0xfc00u16.to_le_bytes())),
            Some(f64::NEG_INFINITY)
        );
        let half = TensorProto {
            dtype: proto::DT_HALF,
            half_val: vec![0x3c00],
            ..Default::default()
        };
        assert_eq!(scalar_of(&half), Some(1.0));
        // Two elements are not a scalar.
        let pair = TensorProto {
            dtype: proto::DT_FLOAT,
            tensor_shape: Some(TensorShape {
                dim: vec![proto::TensorShapeDim { size: 2 }],
            }),
            float_val: vec![1.0, 2.0],
            ..Default::default()
        };
        assert_eq!(scalar_of(&pair), None);
    }

    #[test]
    fn images_are_ranges_of_the_record_and_text_is_a_note() {
        let png = b"\x89PNG\r\n\x1a\nfake";
        let image = summary_value::Value::Image(proto::Image {
            height: 1,
            width: 1,
            encoded_image_string: Bytes::from_static(png),
        });
        let tf2 = summary_value::Value::Tensor(TensorProto {
            dtype: proto::DT_STRING,
            string_val: vec![
                Bytes::from_static(b"2"),
                Bytes::from_static(b"2"),
                Bytes::from_static(b"\x89PNG second"),
            ],
            ..Default::default()
        });
        let text = summary_value::Value::Tensor(TensorProto {
            dtype: proto::DT_STRING,
            string_val: vec![Bytes::from_static(b"**hello**")],
            ..Default::default()
        });
        let data = record(
            3,
            vec![
                value("input", None, image),
                value("tf2", Some("images"), tf2),
                value("notes", Some("text"), text),
            ],
        );
        let decoded = EventDecoder::default().decode(data.clone()).unwrap();
        let Item::Image { offset, length, .. } = decoded.items[0] else {
            panic!("{:?}", decoded.items)
        };
        assert_eq!(&data[offset as usize..(offset + length) as usize], png);
        let Item::Image { offset, length, .. } = decoded.items[1] else {
            panic!("{:?}", decoded.items)
        };
        assert_eq!(
            &data[offset as usize..(offset + length) as usize],
            b"\x89PNG second"
        );
        assert_eq!(
            decoded.items[2],
            Item::Text {
                tag: "notes".into(),
                text: "**hello**".into()
            }
        );
    }

    #[test]
    fn hparams_give_params_a_group_and_only_a_timed_end_status() {
        let hparams = |data| {
            let content = HParamsPluginData {
                version: 0,
                data: Some(data),
            }
            .encode_to_vec();
            let metadata = SummaryMetadata {
                plugin_data: Some(PluginData {
                    plugin_name: "hparams".into(),
                    content,
                }),
                ..Default::default()
            };
            SummaryValue {
                tag: Bytes::from_static(b"_hparams_/x"),
                metadata: metadata.encode_to_vec().into(),
                ..Default::default()
            }
        };
        let number = |n| ProtoValue {
            kind: Some(Kind::NumberValue(n)),
        };
        let start = Data::SessionStartInfo(SessionStartInfo {
            hparams: [
                ("lr".to_owned(), number(0.01)),
                ("seed".to_owned(), number(3.0)),
            ]
            .into_iter()
            .collect(),
            group_name: "trial-7".into(),
            start_time_secs: 1.7e9,
        });
        // tensorboardX and Lightning write "success" before training starts, without a time.
        let untimed = Data::SessionEndInfo(SessionEndInfo {
            status: 1,
            end_time_secs: 0.0,
        });
        let failed = Data::SessionEndInfo(SessionEndInfo {
            status: 2,
            end_time_secs: 1.7e9 + 60.0,
        });
        let decoded = EventDecoder::default()
            .decode(record(
                0,
                vec![hparams(start), hparams(untimed), hparams(failed)],
            ))
            .unwrap();
        assert_eq!(
            decoded.items[0],
            Item::Hparams {
                params: [
                    ("lr".to_owned(), serde_json::json!(0.01)),
                    ("seed".to_owned(), serde_json::json!(3.0))
                ]
                .into_iter()
                .collect(),
                group: Some("trial-7".into()),
                start_time: Some(1.7e9),
            }
        );
        assert_eq!(
            decoded.items[1],
            Item::SessionEnd {
                status: Some("finished"),
                time: None
            }
        );
        assert_eq!(
            decoded.items[2],
            Item::SessionEnd {
                status: Some("failed"),
                time: Some(1.7e9 + 60.0)
            }
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut decoder = EventDecoder::default();
        assert!(decoder.decode(Bytes::from_static(b"\xff\xff\xff")).is_err());
        assert!(decoder.decode(Bytes::new()).unwrap().items.is_empty());
    }
}
