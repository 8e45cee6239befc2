//! The `ahnb` command: parse arguments, call the library, print the report, choose the exit code
//! (0 success, 1 fatal error, 2 usage error, 3 warnings under `--strict`).

mod cli;
mod options;
mod progress_display;
mod serve_command;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use ahnb::{LoadOptions, Warning};
use cli::{Cli, Command, ReadArgs, ThemeCommand};

/// mimalloc, not glibc's malloc: a build makes millions of small allocations across threads, and
/// glibc's bins fragment as the heap grows (at 100,000 runs its malloc and free took 24x the
/// samples they took at 10,000, where the rest of the build took 12x; docs/BENCHMARKS.md). Built
/// without transparent huge pages (`no_thp`): with them a small rebuild's peak RSS was 3x
/// glibc's (31 against 12 MiB) for no time gained.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Warnings listed in a build report before "and N more".
const WARNINGS_SHOWN: usize = 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // The logs that gave no run say why in their warnings: print those first.
            if let Some(ahnb::Error::NoRuns { logs, warnings, .. }) = error.downcast_ref() {
                print_warning_lines(logs, warnings, Some(WARNINGS_SHOWN));
            }
            // `{:#}` prints the whole cause chain on one line.
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => {
            set_threads(&args.read)?;
            let started = Instant::now();
            let progress = std::sync::Arc::new(ahnb::progress::Progress::new());
            let options = options::build_options(&args, Some(std::sync::Arc::clone(&progress)));
            let display = (!args.read.quiet).then(|| {
                progress_display::ProgressDisplay::start(std::sync::Arc::clone(&progress))
            });
            let report = ahnb::build(&args.read.logs, &args.output, &options);
            drop(display);
            let report = report?;
            print_warnings(&args.read, &report.warnings, Some(WARNINGS_SHOWN));
            if report.up_to_date && !args.read.quiet {
                eprintln!(
                    "{} is up to date (no log, config, media or option changed since it was built)",
                    args.output.display()
                );
            }
            if !args.read.quiet {
                eprintln!(
                    "built {} with {} {}, {} {} ({} lines, {}) in {:.2} s: {} {}",
                    args.output.display(),
                    report.projects,
                    plural(report.projects, "project", "projects"),
                    report.runs,
                    plural(report.runs, "run", "runs"),
                    report.lines,
                    human_bytes(report.bytes),
                    started.elapsed().as_secs_f64(),
                    report.warnings.len(),
                    plural(report.warnings.len(), "warning", "warnings"),
                );
            }
            if !args.read.quiet {
                print_formats(&report.formats, &report.skipped);
                print_exports(&args, &report);
                if !args.no_cache {
                    let vouched = match report.vouched {
                        0 => String::new(),
                        n => format!(" ({n} known unchanged on disk, not read)"),
                    };
                    eprintln!(
                        "  cache: {} logs unchanged, {} read from where they grew, {} parsed{vouched}",
                        report.unchanged,
                        report.appended,
                        report.files - report.unchanged - report.appended
                    );
                    if !report.up_to_date {
                        eprintln!(
                            "  site: {} files changed, {} carried over unchanged, {} removed",
                            report.changed.len(),
                            report.carried,
                            report.removed.len()
                        );
                    }
                }
            }
            if args.timings {
                for (stage, time) in &report.timings {
                    eprintln!("  {stage:<10} {:>9.3} s", time.as_secs_f64());
                }
                if report.spilled > 0 {
                    eprintln!(
                        "  spilled    {} runs' chart points to a temporary file",
                        report.spilled
                    );
                }
                if let Some(peak) = peak_memory_kib() {
                    eprintln!("  peak memory {:.1} MiB", peak as f64 / 1024.0);
                }
            }
            Ok(exit_for(&args.read, &report.warnings))
        }
        Command::Check(args) => {
            set_threads(&args.read)?;
            let loaded = ahnb::load(&args.read.logs, &LoadOptions::default())?;
            let runs: usize = loaded.projects.iter().map(|p| p.runs.len()).sum();
            print_warnings(&args.read, &loaded.warnings, None);
            if !args.read.quiet {
                eprintln!(
                    "checked {} {} ({} {}, {} lines): {} {}",
                    loaded.files,
                    plural(loaded.files, "file", "files"),
                    runs,
                    plural(runs, "run", "runs"),
                    loaded.lines,
                    loaded.warnings.len(),
                    plural(loaded.warnings.len(), "warning", "warnings"),
                );
                print_formats(&loaded.formats, &loaded.skipped);
            }
            Ok(exit_for(&args.read, &loaded.warnings))
        }
        Command::Summary(args) => {
            set_threads(&args.read)?;
            let loaded = ahnb::load(&args.read.logs, &LoadOptions::default())?;
            let baseline = match &args.baseline {
                Some(logs) => {
                    Some(ahnb::load_allowing_no_runs(logs, &LoadOptions::default())?.projects)
                }
                None => None,
            };
            let (options, format) = options::summary_options(&args);
            let summary = ahnb::report::summarize(&loaded.projects, baseline.as_deref(), &options)?;
            let text = ahnb::report::render(&summary, format, &options);
            match &args.output {
                Some(path) => {
                    std::fs::write(path, text).map_err(|e| ahnb::Error::write(path, e))?
                }
                None => write_stdout(&text)?,
            }
            print_warnings(&args.read, &loaded.warnings, Some(WARNINGS_SHOWN));
            Ok(exit_for(&args.read, &loaded.warnings))
        }
        Command::Figures(args) => {
            set_threads(&args.read)?;
            let (report, warnings) =
                ahnb::figures(&args.read.logs, &args.output, &LoadOptions::default())?;
            print_warnings(&args.read, &warnings, Some(WARNINGS_SHOWN));
            if !args.read.quiet {
                eprintln!(
                    "wrote {} {} as SVG and PDF to {}",
                    report.charts,
                    plural(report.charts, "chart", "charts"),
                    args.output.display()
                );
            }
            Ok(exit_for(&args.read, &warnings))
        }
        Command::Serve(args) => serve_command::run(args),
        Command::Theme(ThemeCommand::Export { dir }) => {
            let written = ahnb::export_default_theme(&dir)?;
            eprintln!(
                "wrote {} theme files to {}; use them with --theme {}",
                written.len(),
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes to standard output; a pipe closed early (`| head`) is not an error.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Reports the paper kit's extra outputs of a build.
fn print_exports(args: &cli::BuildArgs, report: &ahnb::BuildReport) {
    if let (Some(dir), Some(figures)) = (&args.figures, &report.figures) {
        eprintln!(
            "wrote {} {} as SVG and PDF to {}",
            figures.charts,
            plural(figures.charts, "chart", "charts"),
            dir.display()
        );
    }
    if let (Some(path), Some(files)) = (&args.archive, report.archived) {
        eprintln!("zipped {files} files into {}", path.display());
    }
}

fn set_threads(args: &ReadArgs) -> anyhow::Result<()> {
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()?;
    }
    Ok(())
}

/// What was read, per format ("read 21 MLflow runs, 3 Keras CSV runs"), and what was passed
/// over, with why and the first few paths.
fn print_formats(
    formats: &[(ahnb::model::Format, usize)],
    skipped: &[ahnb::log::formats::Skipped],
) {
    let read: Vec<String> = formats
        .iter()
        .map(|(format, n)| format!("{n} {format} {}", plural(*n, "run", "runs")))
        .collect();
    if !read.is_empty() {
        eprintln!("  read {}", read.join(", "));
    }
    for (reason, paths) in ahnb::log::formats::group_skipped(skipped) {
        eprintln!(
            "  skipped {}: {}",
            reason.describe(paths.len()),
            ahnb::log::formats::list_paths(&paths, ahnb::log::formats::SKIPPED_SHOWN)
        );
    }
}

/// Prints warnings as `LOGS/path:line: message`, at most `limit` of them.
fn print_warnings(args: &ReadArgs, warnings: &[Warning], limit: Option<usize>) {
    if args.quiet && !args.strict {
        return;
    }
    print_warning_lines(&args.logs, warnings, limit);
}

fn print_warning_lines(logs: &Path, warnings: &[Warning], limit: Option<usize>) {
    let shown = limit.unwrap_or(usize::MAX).min(warnings.len());
    for warning in &warnings[..shown] {
        let path = display_path(logs, &warning.path);
        match warning.line {
            Some(line) => eprintln!("warning: {path}:{line}: {}", warning.message),
            None => eprintln!("warning: {path}: {}", warning.message),
        }
    }
    if shown < warnings.len() {
        eprintln!(
            "warning: and {} more (run `ahnb check {}` to list them all)",
            warnings.len() - shown,
            logs.display()
        );
    }
}

/// `LOGS/relative`, escaped so that a file name with a line break cannot forge a line of output.
fn display_path(logs: &Path, relative: &str) -> String {
    let logs = ahnb::diag::printable(&logs.display().to_string());
    if relative.is_empty() {
        logs
    } else {
        format!(
            "{}/{}",
            logs.trim_end_matches('/'),
            ahnb::diag::printable(relative)
        )
    }
}

fn exit_for(args: &ReadArgs, warnings: &[Warning]) -> ExitCode {
    if args.strict && !warnings.is_empty() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Peak resident memory of this process, from /proc (Linux only).
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
