//! The one place where parsed arguments become the library's options (ripgrep's low-level →
//! high-level arguments): defaults that depend on other arguments (the cache beside SITE), bounds
//! (at least 16 chart points) and enum mappings are decided here, and `main` only passes the
//! results on.

use std::path::PathBuf;
use std::sync::Arc;

use ahnb::progress::Progress;
use ahnb::report::{Format, SummaryOptions};
use ahnb::{BuildOptions, LoadOptions};

use crate::cli::{BuildArgs, ServeArgs, SummaryArgs, SummaryFormat};

/// Fewest points a chart keeps per series, whatever `--chart-points` says.
const MIN_CHART_POINTS: usize = 16;

/// `ahnb build`'s options; `progress` receives the counters a display shows.
pub fn build_options(args: &BuildArgs, progress: Option<Arc<Progress>>) -> BuildOptions {
    BuildOptions {
        load: LoadOptions {
            chart_points: args.chart_points.max(MIN_CHART_POINTS),
            cache: (!args.no_cache).then(|| {
                args.cache
                    .clone()
                    .unwrap_or_else(|| ahnb::default_cache_path(&args.output))
            }),
            progress,
            spill: ahnb::log::spill::SpillOptions {
                budget: args.memory_budget.saturating_mul(1 << 20),
                dir: None,
            },
        },
        base_url: args.base_url.clone(),
        theme: args.theme.clone(),
        copy_raw_logs: args.raw_logs,
        figures: args.figures.clone(),
        archive: args.archive.clone(),
    }
}

/// The options of each build `ahnb serve` runs, with its cache at `cache`.
pub fn serve_build_options(args: &ServeArgs, cache: PathBuf) -> BuildOptions {
    BuildOptions {
        load: LoadOptions {
            chart_points: args.chart_points.max(MIN_CHART_POINTS),
            cache: Some(cache),
            progress: None,
            spill: Default::default(),
        },
        theme: args.theme.clone(),
        ..BuildOptions::default()
    }
}

/// `ahnb summary`'s options and output format.
pub fn summary_options(args: &SummaryArgs) -> (SummaryOptions, Format) {
    let options = SummaryOptions {
        project: args.project.clone(),
        metrics: args.metric.clone(),
        top: args.top,
        site_url: args.site_url.clone(),
        precision: args.precision,
    };
    let format = match args.format {
        SummaryFormat::Md => Format::Markdown,
        SummaryFormat::Latex => Format::Latex,
        SummaryFormat::Csv => Format::Csv,
        SummaryFormat::Json => Format::Json,
    };
    (options, format)
}
