//! Command-line arguments (clap derive structs only). `main` turns them into library options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Do not copy the raw logs into the site.
    #[arg(long)]
    pub no_raw_logs: bool,
    /// Print the time spent in each stage.
    #[arg(long)]
    pub timings: bool,
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
