//! What a line chart is made of: its series (points, best point, band, dash, run) and the chart
//! around them (title, axes, wall clocks). [`super::line`] draws it, [`super::line_data`] writes
//! its data for the script.

use super::clock::WallClock;

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LineSeries {
    pub label: String,
    pub color: String,
    /// A dash pattern (`stroke-dasharray`): validation series, runs whose colour repeats.
    pub dash: Option<&'static str>,
    /// (x, y) sorted by x; y may be NaN or infinite (drawn as a marked gap).
    pub points: Vec<(f64, f64)>,
    /// Points in the full series before any downsampling.
    pub total_points: u64,
    /// The best point, marked with a ring.
    pub best: Option<(f64, f64)>,
    /// Index of the run in its project, for highlighting a run across charts and the table.
    pub run: Option<usize>,
    /// A band (x, low, high) drawn under the line, for seed groups.
    pub band: Vec<(f64, f64, f64)>,
    /// Index into the chart's `clocks` of this series' run, when its wall time is known.
    pub clock: Option<usize>,
}

impl LineSeries {
    /// ` data-run="3"` for a run's series (highlighting across charts and the table), else "".
    pub(super) fn run_attribute(&self) -> String {
        self.run
            .map(|r| format!(r#" data-run="{r}""#))
            .unwrap_or_default()
    }

    /// The dash pattern as an attribute, or "".
    pub(super) fn dash_attribute(&self) -> String {
        self.dash
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default()
    }
}

/// A line chart to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Unique within a page (used for clip-path ids and the script's data).
    pub id: String,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<LineSeries>,
    /// Force a log or linear y axis; `None` decides from the data (log beyond two decades).
    pub log_y: Option<bool>,
    /// An extra footnote, e.g. what a band means.
    pub note: Option<String>,
    /// The wall time of the runs drawn. When any series has one, the theme's script offers the
    /// chart against wall time too, drawn in the browser from the script's data: a second SVG
    /// of every chart would double the bytes of each page for a view that is rarely opened.
    pub clocks: Vec<WallClock>,
    /// Title of the x axis in the wall-time view, without the unit (the script picks it).
    pub time_label: String,
}
