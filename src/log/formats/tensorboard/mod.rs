//! TensorBoard event files (`events.out.tfevents.*`), from TensorFlow/Keras, PyTorch's
//! `SummaryWriter`, tensorboardX, Lightning, Hugging Face, Stable-Baselines3, detectron2, YOLOv5
//! and CatBoost.
//!
//! `tfrecord` frames records, `proto` declares the protobuf messages, `event` decodes one record,
//! `layout` says which files make a run and how tags are named. The mapping is documented in
//! docs/formats.md.

pub mod event;
pub mod layout;
pub mod proto;
pub mod tfrecord;
