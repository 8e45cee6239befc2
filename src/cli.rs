//! Command-line arguments (clap derive structs only); `options` turns them into library options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Static dashboards for machine-learning experiment logs.
#[derive(Debug, Parser)]
#[command(name = "ahnb", version, about, long_about = None, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a static site from a folder of logs.
    Build(BuildArgs),
    /// Read the logs and print every warning; build nothing.
    Check(CheckArgs),
    /// Print the best runs as Markdown (pull requests, CI job summaries), LaTeX, CSV or JSON.
    Summary(SummaryArgs),
    /// Write every chart as a standalone SVG and a vector PDF, for papers.
    Figures(FiguresArgs),
    /// Build, serve on a local address, and rebuild and update open pages as the logs change.
    Serve(ServeArgs),
    /// Work with themes.
    #[command(subcommand)]
    Theme(ThemeCommand),
}

/// Options shared by every command that reads logs.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Folder of logs (*.jsonl, *.ndjson, *.jsonl.gz), one folder per project.
    #[arg(value_name = "LOGS")]
    pub logs: PathBuf,
    /// Exit with code 3 when there are warnings.
    #[arg(long)]
    pub strict: bool,
    /// Number of threads (default: all cores).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// Print nothing but errors (and warnings under --strict).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output folder; replaced atomically.
    #[arg(short, long, value_name = "SITE", default_value = "site")]
    pub output: PathBuf,
    /// Absolute URL the site is served from, for links that must be absolute.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Theme folder overriding the default theme file by file (see `ahnb theme export`).
    #[arg(long, value_name = "DIR")]
    pub theme: Option<PathBuf>,
    /// Points kept per series for charts; longer series are downsampled keeping extremes.
    #[arg(long, value_name = "N", default_value_t = ahnb::DEFAULT_CHART_POINTS)]
    pub chart_points: usize,
    /// MiB of runs' chart points held in memory while reading; the points of runs read after
    /// that wait in a temporary file (TMPDIR) until their pages are drawn. 0 moves every run's.
    #[arg(long, value_name = "MIB", hide = true, default_value_t = ahnb::log::spill::DEFAULT_BUDGET >> 20)]
    pub memory_budget: usize,
    /// Copy each raw log into the site, linked from its run page. Off by default: the copies
    /// double a site's size (GitHub Pages allows 1 GB), and runs.csv and `ahnb summary` already
    /// export what the pages show.
    #[arg(long)]
    pub raw_logs: bool,
    /// The default; kept so that scripts written for versions that copied raw logs still work.
    #[arg(long, hide = true, conflicts_with = "raw_logs")]
    pub no_raw_logs: bool,
    /// Print the time spent in each stage.
    #[arg(long)]
    pub timings: bool,
    /// Read every log from the start instead of reusing the incremental cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Where the incremental cache is kept [default: beside SITE, as .SITE.ahnb-cache].
    #[arg(long, value_name = "FILE")]
    pub cache: Option<PathBuf>,
    /// Also write every chart as SVG and PDF into DIR (as `ahnb figures`).
    #[arg(long, value_name = "DIR")]
    pub figures: Option<PathBuf>,
    /// Also zip the whole site into FILE, for supplementary material.
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Write the default theme into DIR, to edit and pass back with --theme DIR.
    Export {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// Output formats of `ahnb summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// GitHub-flavoured Markdown, at most 65,536 characters.
    #[value(alias = "markdown")]
    Md,
    /// A booktabs table per project, for \input in a paper.
    #[value(alias = "tex")]
    Latex,
    /// One row per run, unrounded.
    Csv,
    /// Every run's summary (schema ahnb.summary/1, see docs/summary-json.md).
    Json,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Logs to compare against (for example the base branch's), matched by run name or seed group.
    #[arg(long, value_name = "BASE_LOGS")]
    pub baseline: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Md)]
    pub format: SummaryFormat,
    /// Only this project (its name or its folder in the site).
    #[arg(long, value_name = "P")]
    pub project: Option<String>,
    /// Metric column (repeatable); the first ranks the runs. Default: the primary metric and
    /// up to three others.
    #[arg(long, value_name = "M")]
    pub metric: Vec<String>,
    /// Runs (or seed groups) per table in Markdown and LaTeX.
    #[arg(long, value_name = "N", default_value_t = ahnb::report::DEFAULT_TOP)]
    pub top: usize,
    /// URL of the site built from the same logs, to link project and run pages.
    #[arg(long, value_name = "URL")]
    pub site_url: Option<String>,
    /// Significant digits in Markdown and LaTeX.
    #[arg(long, value_name = "K", default_value_t = ahnb::report::DEFAULT_PRECISION)]
    pub precision: usize,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FiguresArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Folder for the SVG and PDF files (created if needed).
    #[arg(short, long, value_name = "DIR", default_value = "figures")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder of logs to build from and watch (created when --ingest is given and it is missing).
    #[arg(value_name = "LOGS")]
    pub logs: PathBuf,
    /// Build into SITE (kept afterwards) instead of a temporary folder of serve's own.
    #[arg(short, long, value_name = "SITE")]
    pub output: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Take log lines over HTTP: POST /api/v1/runs/PROJECT/RUN (see docs/api.md).
    #[arg(long)]
    pub ingest: bool,
    /// File holding the ingest token [default: AHNB_TOKEN, else one generated and printed].
    #[arg(long, value_name = "FILE", requires = "ingest")]
    pub token_file: Option<PathBuf>,
    /// Largest ingest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = ahnb::serve::ingest::DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Theme folder overriding the default theme file by file.
    #[arg(long, value_name = "DIR")]
    pub theme: Option<PathBuf>,
    /// Points kept per series for charts.
    #[arg(long, value_name = "N", default_value_t = ahnb::DEFAULT_CHART_POINTS)]
    pub chart_points: usize,
    /// Number of threads for building (default: all cores).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// Print nothing but errors, the address and the token.
    #[arg(short, long)]
    pub quiet: bool,
}
