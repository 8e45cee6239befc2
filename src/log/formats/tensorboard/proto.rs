//! The protobuf messages of TensorBoard event files that ahnb reads, written by hand as `prost`
//! structs (no `protoc` at build time). Field numbers are those of TensorFlow's `event.proto`,
//! `summary.proto`, `tensor.proto`, `tensor_shape.proto` and TensorBoard's hparams
//! `plugin_data.proto`; fields ahnb does not use (graphs, histograms, audio, run metadata) are
//! left out, and prost skips them on the wire without copying them.
//!
//! Byte fields that may hold images are `bytes::Bytes`: decoded from a `Bytes` record they are
//! slices of it, which tells where the image lies in the file (see `event.rs`).

use std::collections::BTreeMap;

use bytes::Bytes;

/// `tensorflow.Event`: one record of an event file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Event {
    #[prost(double, tag = "1")]
    pub wall_time: f64,
    #[prost(int64, tag = "2")]
    pub step: i64,
    #[prost(oneof = "event::What", tags = "3, 5, 7")]
    pub what: Option<event::What>,
}

pub mod event {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum What {
        /// "brain.Event:2" in the first record of a file.
        #[prost(string, tag = "3")]
        FileVersion(String),
        #[prost(message, tag = "5")]
        Summary(super::Summary),
        #[prost(message, tag = "7")]
        SessionLog(super::SessionLog),
    }
}

/// `tensorflow.SessionLog`: a (rarely written) start, stop or checkpoint mark.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SessionLog {
    /// 0 unspecified, 1 start, 2 stop, 3 checkpoint.
    #[prost(int32, tag = "1")]
    pub status: i32,
}

/// `SessionLog.SessionStatus.START`: TensorFlow 1 wrote it when a training restarted, and
/// TensorBoard drops every later point whose step is past it ("purging orphaned data").
pub const SESSION_START: i32 = 1;

/// `tensorflow.Summary`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Summary {
    #[prost(message, repeated, tag = "1")]
    pub value: Vec<SummaryValue>,
}

/// `tensorflow.Summary.Value`. The tag, node name and metadata are kept as slices of the record
/// (same wire type as a string or a message): a scalar then costs no allocation, and the metadata
/// is decoded only for the values that need it (tensors and the hparams plugin).
#[derive(Clone, PartialEq, prost::Message)]
pub struct SummaryValue {
    #[prost(bytes = "bytes", tag = "1")]
    pub tag: Bytes,
    /// TensorFlow 1 names the value by its graph node when there is no tag.
    #[prost(bytes = "bytes", tag = "7")]
    pub node_name: Bytes,
    /// An encoded [`SummaryMetadata`].
    #[prost(bytes = "bytes", tag = "9")]
    pub metadata: Bytes,
    #[prost(oneof = "summary_value::Value", tags = "2, 4, 5, 6, 8")]
    pub value: Option<summary_value::Value>,
}

pub mod summary_value {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        #[prost(float, tag = "2")]
        SimpleValue(f32),
        #[prost(message, tag = "4")]
        Image(super::Image),
        /// A histogram: only counted (the fields are not decoded).
        #[prost(message, tag = "5")]
        Histogram(super::Ignored),
        /// Audio: only counted.
        #[prost(message, tag = "6")]
        Audio(super::Ignored),
        #[prost(message, tag = "8")]
        Tensor(super::TensorProto),
    }
}

/// A message whose fields ahnb skips.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Ignored {}

/// `tensorflow.Summary.Image`: an encoded (PNG, JPEG, GIF) image.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Image {
    #[prost(int32, tag = "1")]
    pub height: i32,
    #[prost(int32, tag = "2")]
    pub width: i32,
    #[prost(bytes = "bytes", tag = "4")]
    pub encoded_image_string: Bytes,
}

/// `tensorflow.SummaryMetadata`: which plugin a value belongs to. TensorFlow 2 writes it only
/// with the first value of each tag in a file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SummaryMetadata {
    #[prost(message, optional, tag = "1")]
    pub plugin_data: Option<PluginData>,
    #[prost(string, tag = "2")]
    pub display_name: String,
    #[prost(string, tag = "3")]
    pub summary_description: String,
}

/// `tensorflow.SummaryMetadata.PluginData`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PluginData {
    #[prost(string, tag = "1")]
    pub plugin_name: String,
    #[prost(bytes = "vec", tag = "2")]
    pub content: Vec<u8>,
}

/// `tensorflow.TensorProto`: the values of a TensorFlow 2 summary.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorProto {
    /// A `tensorflow.DataType` (see the `DT_*` constants).
    #[prost(int32, tag = "1")]
    pub dtype: i32,
    #[prost(message, optional, tag = "2")]
    pub tensor_shape: Option<TensorShape>,
    /// All values packed little-endian, when the writer chose that over the typed fields.
    #[prost(bytes = "bytes", tag = "4")]
    pub tensor_content: Bytes,
    #[prost(float, repeated, tag = "5")]
    pub float_val: Vec<f32>,
    #[prost(double, repeated, tag = "6")]
    pub double_val: Vec<f64>,
    #[prost(int32, repeated, tag = "7")]
    pub int_val: Vec<i32>,
    #[prost(bytes = "bytes", repeated, tag = "8")]
    pub string_val: Vec<Bytes>,
    #[prost(int64, repeated, tag = "10")]
    pub int64_val: Vec<i64>,
    #[prost(bool, repeated, tag = "11")]
    pub bool_val: Vec<bool>,
    /// Half-precision (and bfloat16) values, each in the low 16 bits of an int32.
    #[prost(int32, repeated, tag = "13")]
    pub half_val: Vec<i32>,
}

/// `tensorflow.TensorShapeProto`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShape {
    #[prost(message, repeated, tag = "2")]
    pub dim: Vec<TensorShapeDim>,
}

/// `tensorflow.TensorShapeProto.Dim`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShapeDim {
    #[prost(int64, tag = "1")]
    pub size: i64,
}

pub const DT_FLOAT: i32 = 1;
pub const DT_DOUBLE: i32 = 2;
pub const DT_INT32: i32 = 3;
pub const DT_UINT8: i32 = 4;
pub const DT_INT16: i32 = 5;
pub const DT_INT8: i32 = 6;
pub const DT_STRING: i32 = 7;
pub const DT_INT64: i32 = 9;
pub const DT_BOOL: i32 = 10;
pub const DT_BFLOAT16: i32 = 14;
pub const DT_HALF: i32 = 19;

/// `tensorboard.hparams.HParamsPluginData`: the content of an `hparams` plugin value.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HParamsPluginData {
    #[prost(int32, tag = "1")]
    pub version: i32,
    #[prost(oneof = "hparams_plugin_data::Data", tags = "3, 4")]
    pub data: Option<hparams_plugin_data::Data>,
}

pub mod hparams_plugin_data {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Data {
        #[prost(message, tag = "3")]
        SessionStartInfo(super::SessionStartInfo),
        #[prost(message, tag = "4")]
        SessionEndInfo(super::SessionEndInfo),
    }
}

/// `tensorboard.hparams.SessionStartInfo`: one trial's hyperparameters.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SessionStartInfo {
    #[prost(btree_map = "string, message", tag = "1")]
    pub hparams: BTreeMap<String, ProtoValue>,
    /// The trial id; TensorBoard's `hp.hparams` defaults it to a hash of the values, so runs
    /// that differ only in their seed share it.
    #[prost(string, tag = "4")]
    pub group_name: String,
    #[prost(double, tag = "5")]
    pub start_time_secs: f64,
}

/// `tensorboard.hparams.SessionEndInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SessionEndInfo {
    /// 0 unknown, 1 success, 2 failure, 3 running.
    #[prost(int32, tag = "1")]
    pub status: i32,
    #[prost(double, tag = "2")]
    pub end_time_secs: f64,
}

/// `google.protobuf.Value`: a JSON-like value.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProtoValue {
    #[prost(oneof = "proto_value::Kind", tags = "1, 2, 3, 4, 5, 6")]
    pub kind: Option<proto_value::Kind>,
}

pub mod proto_value {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Kind {
        #[prost(int32, tag = "1")]
        NullValue(i32),
        #[prost(double, tag = "2")]
        NumberValue(f64),
        #[prost(string, tag = "3")]
        StringValue(String),
        #[prost(bool, tag = "4")]
        BoolValue(bool),
        #[prost(message, tag = "5")]
        StructValue(super::ProtoStruct),
        #[prost(message, tag = "6")]
        ListValue(super::ProtoList),
    }
}

/// `google.protobuf.Struct`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProtoStruct {
    #[prost(btree_map = "string, message", tag = "1")]
    pub fields: BTreeMap<String, ProtoValue>,
}

/// `google.protobuf.ListValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProtoList {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<ProtoValue>,
}
