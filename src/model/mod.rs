//! The model: runs grouped into projects, with what is derived from them (statuses, seed
//! groups, directions, the one [`summary::ProjectSummary`]); pure functions over what the load
//! stage read. The run types themselves are the loader's ([`crate::log::run`]), re-exported
//! here for the stages above.

pub mod direction;
pub mod progress;
pub mod project;
pub mod status;
pub mod summary;

pub use crate::log::project_config::ProjectConfig;
pub use crate::log::run::{
    EndRecord, Format, Layer, Media, MediaContent, MediaKind, MediaSource, ModelSummary, Note,
    ParamValue, Point, Run, RunHeader, Series, SeriesSummary, Timestamp,
};
pub use crate::log::run::{detail, downsample, format, overview, params, series};
pub use direction::Direction;
pub use project::{Project, build_projects};
pub use status::Status;
