//! `ahnb serve`: turns the arguments into serve options, builds the site once, and hands
//! serving and rebuilding to [`ahnb::serve`].

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use ahnb::BuildOptions;
use ahnb::serve::{IngestOptions, Rebuilt, ServeOptions, Token};

use crate::cli::ServeArgs;

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()?;
    }
    let ingest = if args.ingest {
        let token = Token::choose(args.token_file.as_deref(), std::env::var("AHNB_TOKEN").ok())
            .map_err(anyhow::Error::msg)?;
        Some(IngestOptions {
            token,
            max_body: args.max_body.max(1),
        })
    } else {
        None
    };
    // Refused before anything is built or written.
    ahnb::serve::check_bind(args.bind, ingest.as_ref())?;
    if ingest.is_some() && !args.logs.exists() {
        std::fs::create_dir_all(&args.logs).map_err(|e| ahnb::Error::write(&args.logs, e))?;
    }
    if !args.logs.is_dir() {
        return Err(ahnb::Error::LogsNotFound(args.logs.clone()).into());
    }

    // Without -o, the site lives in a temporary folder that goes when serve stops.
    let owned = match &args.output {
        Some(_) => None,
        None => Some(tempfile::Builder::new().prefix("ahnb-serve-").tempdir()?),
    };
    let (site, cache) = match (&args.output, &owned) {
        (Some(site), _) => (site.clone(), ahnb::default_cache_path(site)),
        (None, Some(dir)) => (dir.path().join("site"), dir.path().join("cache")),
        (None, None) => unreachable!("a folder is owned when none is given"),
    };
    let options = crate::options::serve_build_options(&args, cache);
    let logs = args.logs.clone();
    let mut rebuild = build_step(logs.clone(), site.clone(), options);
    match rebuild() {
        Ok(rebuilt) if !args.quiet => eprintln!("{}", rebuilt.summary),
        Ok(_) => {}
        Err(message) => eprintln!("{message}"),
    }
    ahnb::serve::serve(
        ServeOptions {
            logs,
            site,
            bind: args.bind,
            port: args.port,
            open: args.open,
            ingest,
            quiet: args.quiet,
        },
        rebuild,
    )?;
    drop(owned);
    Ok(ExitCode::SUCCESS)
}

/// One build of the served site: a folder without runs yet (logs still to come over HTTP) is
/// not an error but a site still to be built.
fn build_step(logs: PathBuf, site: PathBuf, options: BuildOptions) -> ahnb::serve::Rebuild {
    Box::new(move || {
        let started = Instant::now();
        match ahnb::build(&logs, &site, &options) {
            Ok(report) if report.up_to_date => Ok(Rebuilt {
                summary: "nothing that the site shows changed".into(),
                changed: Some(Vec::new()),
            }),
            Ok(report) => {
                let warnings = report.warnings.len();
                // The build knows which files it wrote anew or differently, and which it
                // dropped: pages showing them are the ones to update, without re-reading the site.
                let mut changed = report.changed;
                changed.extend(report.removed);
                changed.sort();
                changed.dedup();
                Ok(Rebuilt {
                    summary: format!(
                        "built {} with {} {}, {} {} ({} {}) in {:.2} s, {} {}, {} {} carried over",
                        site.display(),
                        report.projects,
                        crate::plural(report.projects, "project", "projects"),
                        report.runs,
                        crate::plural(report.runs, "run", "runs"),
                        report.lines,
                        crate::plural(report.lines as usize, "line", "lines"),
                        started.elapsed().as_secs_f64(),
                        warnings,
                        crate::plural(warnings, "warning", "warnings"),
                        report.carried,
                        crate::plural(report.carried, "file", "files"),
                    ),
                    changed: Some(changed),
                })
            }
            Err(ahnb::Error::NoRuns { .. }) => Err(format!(
                "no run in '{}' yet; the site is built when the first log appears",
                logs.display()
            )),
            Err(error) => Err(error.to_string()),
        }
    })
}
