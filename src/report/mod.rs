//! Summaries that travel: what `ahnb summary` prints for pull requests, CI job summaries and
//! papers. The [`Summary`] itself is computed in the model stage ([`crate::model::summary`]); one
//! module per output format presents it: [`markdown`] (GitHub-flavoured, for
//! `$GITHUB_STEP_SUMMARY` and PR comments), [`latex`] (a booktabs table), [`csv`] and [`json`]
//! (the versioned schema of docs/summary-json.md).

pub mod csv;
pub mod json;
pub mod latex;
pub mod markdown;
pub mod sparkline;
pub mod table;

pub use crate::model::summary::{
    DEFAULT_PRECISION, DEFAULT_TOP, GroupReport, MetricInfo, MetricReport, Number, ParamJson,
    ProjectSummary, RunReport, SCHEMA, Summary, SummaryOptions, summarize,
};

/// The output formats of `ahnb summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Latex,
    Csv,
    Json,
}

/// Renders a summary in one format.
pub fn render(summary: &Summary, format: Format, options: &SummaryOptions) -> String {
    match format {
        Format::Markdown => markdown::render_markdown(summary, options),
        Format::Latex => latex::render_latex(summary, options),
        Format::Csv => csv::render_csv(summary),
        Format::Json => json::render_json(summary),
    }
}

/// A value for Markdown and LaTeX: `precision` significant digits.
pub fn format_value(value: f64, precision: usize) -> String {
    crate::format::number_with(value, precision.max(1))
}

/// `value` with as many decimals as `reference` shows, so that a standard deviation or a change
/// lines up with the value it belongs to; significant digits instead when the reference is in
/// scientific notation or the value would round to zero.
pub fn format_like(value: f64, reference: &str, precision: usize) -> String {
    let text = format_spread(value, reference, precision);
    if value != 0.0 && text.chars().all(|c| matches!(c, '0' | '.' | '-')) {
        return format_value(value, 2);
    }
    text
}

/// A standard deviation in the decimals of its mean (`0.99 ± 0.00` at two digits, as papers
/// print it); significant digits when the mean is in scientific notation.
pub fn format_spread(value: f64, reference: &str, precision: usize) -> String {
    crate::format::spread_like(value, reference, precision.max(1))
}

#[cfg(test)]
mod tests;
