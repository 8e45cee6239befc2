//! Readers of other tools' log formats (placeholder until the formats skeleton lands).

pub mod tensorboard;
