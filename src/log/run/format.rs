//! The log formats a run can come from. Kept in the model (not the loader) because a run carries
//! its format to the report and pages; the loader's `formats` module detects and reads them.

/// The format a run was read from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Format {
    /// ahnb's own JSON lines, and bare metric JSON lines (detectron2, MMEngine, custom writers).
    Native,
    TensorBoard,
    Mlflow,
    KerasCsv,
    LightningCsv,
    GenericCsv,
    DvcLive,
    HuggingFace,
    Wandb,
}

impl Format {
    /// Every format, in the order reports list them.
    pub const ALL: [Format; 9] = [
        Format::Native,
        Format::TensorBoard,
        Format::Mlflow,
        Format::KerasCsv,
        Format::LightningCsv,
        Format::GenericCsv,
        Format::DvcLive,
        Format::HuggingFace,
        Format::Wandb,
    ];

    /// The name users know the format by, as reports print it ("32 TensorBoard runs").
    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "JSON-lines",
            Format::TensorBoard => "TensorBoard",
            Format::Mlflow => "MLflow",
            Format::KerasCsv => "Keras CSV",
            Format::LightningCsv => "Lightning CSV",
            Format::GenericCsv => "CSV",
            Format::DvcLive => "DVCLive",
            Format::HuggingFace => "Hugging Face",
            Format::Wandb => "W&B",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
