//! The plan: every file of the site, each with a stable path relative to the site root and what
//! it holds: a page (a template and its view), bytes, or a copy of an input file the loader
//! checked. It is planned per unit (the site's own files, the index, a project, a run) by pure
//! functions: nothing is read or written here, `site` renders and writes what they return. A
//! run's files are planned from the run, its project and the paths alone, so a run page can be
//! planned as soon as its run is read; and since every file's path is known before it is
//! written, a build can say which paths it changed.

use std::path::PathBuf;

use serde::Serialize;

use crate::diag::{Warning, quote};
use crate::model::detail::Featured;
use crate::model::project::RunContext;
use crate::model::summary::ProjectSummary;
use crate::model::{Format, MediaContent, MediaSource, Project, Run};
use crate::paths::{ProjectPaths, SitePaths};
use crate::render::columns::PageColumns;
use crate::render::figures;
use crate::render::project_page::COMPARE_CURVES_FILE;
use crate::render::views::{Figure, IndexView, Page, PlainView, ProjectView, RunView};

/// Static files of the theme are planned under this folder.
pub const ASSET_DIR: &str = "assets";

/// One file of the site.
#[derive(Debug)]
pub struct PlannedFile {
    /// Relative to the site root, `/`-separated ("mnist/runs/lr-0.1.html").
    pub path: String,
    pub content: Content,
}

/// What a planned file holds.
#[derive(Debug)]
pub enum Content {
    /// A page: the theme's template rendered with its view.
    Page {
        template: &'static str,
        view: PageView,
    },
    /// Bytes ready to write: theme assets, standalone figures, runs.csv, the compare curves.
    Bytes(Vec<u8>),
    /// A run's raw log, copied as it is.
    RawLog(CopyFrom),
    /// An image the loader checked ([`MediaContent::Image`]), written once per content: runs
    /// that log the same image share one copy.
    Image {
        from: CopyFrom,
        content: MediaContent,
        /// How warnings name it: the file name, or the media name for an image embedded in a log.
        shown: String,
        embedded: bool,
    },
}

/// The log a copy is made from (its path on disk and relative to LOGS), read through the read
/// boundary when the copy is written.
#[derive(Debug, Clone)]
pub struct CopyFrom {
    pub path_on_disk: PathBuf,
    pub source: String,
}

/// The view of a page, for its template.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PageView {
    Plain(PlainView),
    Index(IndexView),
    Project(Box<ProjectView>),
    Run(Box<RunView>),
}

/// Receives the charts of pages as they are planned, for a figures export (`ahnb build
/// --figures` takes them from the pages the build draws): a path relative to the figures folder,
/// ending in `.svg`, and the chart's SVG.
pub trait FigureSink: Sync {
    fn figure(&self, path: &str, svg: &str) -> crate::error::Result<()>;
}

/// The charts of the project and run pages among `files`, in page order.
pub fn page_figures(files: &[PlannedFile]) -> Vec<&Figure> {
    let mut figures = Vec::new();
    for file in files {
        match &file.content {
            Content::Page {
                view: PageView::Project(view),
                ..
            } => figures.extend(
                view.figures
                    .iter()
                    .chain(&view.scatters)
                    .chain(&view.parallel),
            ),
            Content::Page {
                view: PageView::Run(view),
                ..
            } => figures.extend(&view.figures),
            _ => {}
        }
    }
    figures
}

/// Hands the charts of a project's planned files (`run`: `None`) or of a run's to `sink`, named
/// as a figures export names them: `<project>/<chart>` and `<project>/<run>/<chart>`.
pub fn export_figures(
    sink: &dyn FigureSink,
    files: &[PlannedFile],
    paths: &ProjectPaths,
    run: Option<usize>,
) -> crate::error::Result<()> {
    for figure in page_figures(files) {
        let path = match run {
            None => format!("{}/{}", paths.dir, figure.name),
            Some(i) => format!("{}/{}/{}", paths.dir, paths.run_slugs[i], figure.name),
        };
        sink.figure(&path, &figure.svg)?;
    }
    Ok(())
}

/// The files every site has: the theme's static files, `.nojekyll` (GitHub Pages would hide
/// `_`-folders otherwise) and the 404 page.
pub fn site_files(
    theme_files: &[(&'static str, String)],
    base_url: Option<&str>,
) -> Vec<PlannedFile> {
    let mut files: Vec<PlannedFile> = theme_files
        .iter()
        .filter_map(|(path, content)| {
            let name = path.strip_prefix("static/")?;
            Some(PlannedFile {
                path: format!("{ASSET_DIR}/{name}"),
                content: Content::Bytes(content.clone().into_bytes()),
            })
        })
        .collect();
    files.push(PlannedFile {
        path: ".nojekyll".to_owned(),
        content: Content::Bytes(Vec::new()),
    });
    files.push(PlannedFile {
        path: "404.html".to_owned(),
        content: Content::Page {
            template: "404.html",
            view: PageView::Plain(PlainView {
                page: Page::new("Page not found", "", "404.html", base_url),
            }),
        },
    });
    files
}

/// The index page; `featured` holds each project's best run with its details.
pub fn index_file(
    projects: &[Project],
    featured: &[Featured],
    summaries: &[ProjectSummary],
    paths: &SitePaths,
    warnings: usize,
    base_url: Option<&str>,
) -> PlannedFile {
    PlannedFile {
        path: "index.html".to_owned(),
        content: Content::Page {
            template: "index.html",
            view: PageView::Index(IndexView::new(
                projects, featured, summaries, paths, warnings, base_url,
            )),
        },
    }
}

/// A project's page and the page's figures as standalone SVG; and a warning when the page leaves
/// metrics out. `figures` are the page's charts of runs' points ([`project_figures`]). Its
/// runs.csv is [`runs_csv_file`], built while the page renders; the compare view's curves are
/// a file of their own ([`compare_file`]): they change only when the best runs do.
pub fn project_files(
    project: &Project,
    columns: &PageColumns,
    figures: Vec<Figure>,
    summary: &ProjectSummary,
    paths: &ProjectPaths,
    base_url: Option<&str>,
) -> (Vec<PlannedFile>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let charted = columns.metrics.len().min(figures::MAX_CHARTS);
    if project.metrics.len() > charted {
        let at = project.folder.as_ref().unwrap_or(&project.runs[0].source);
        let message = format!(
            "project {} has {} metrics; its page shows {} of them (those most runs logged) and charts {charted}; `ahnb summary --format csv` or `json` exports all",
            quote(&project.name),
            project.metrics.len(),
            columns.metrics.len(),
        );
        warnings.push(Warning::at_file(at, message));
    }
    let mut view = ProjectView::new(project, figures, summary, paths, columns, base_url);
    let mut files = Vec::new();
    for figure in view
        .figures
        .iter_mut()
        .chain(view.scatters.iter_mut())
        .chain(view.parallel.iter_mut())
    {
        files.push(figure_file(
            format!("{}/figures/{}", paths.dir, figure.file),
            figure,
        ));
        figure.name = std::mem::take(&mut figure.file);
        figure.file = format!("figures/{}", figure.name);
    }
    files.push(PlannedFile {
        path: paths.project_page(),
        content: Content::Page {
            template: "project.html",
            view: PageView::Project(Box::new(view)),
        },
    });
    (files, warnings)
}

/// A project page's runs.csv: its runs with the page's metrics and hyperparameters.
pub fn runs_csv_file(
    summary: &ProjectSummary,
    columns: &PageColumns,
    paths: &ProjectPaths,
) -> PlannedFile {
    let csv = crate::report::csv::runs_csv(summary, &columns.metrics, &columns.params);
    PlannedFile {
        path: format!("{}/runs.csv", paths.dir),
        content: Content::Bytes(csv.into_bytes()),
    }
}

/// A project page's charts of runs' points: each charted metric with the overlaid runs, and the
/// seed groups'. `featured` holds the runs they draw ([`figures::featured_runs`]) with their
/// details.
pub fn project_figures(
    project: &Project,
    columns: &PageColumns,
    featured: &Featured,
) -> Vec<Figure> {
    figures::project_figures_of(project, featured, &columns.metrics)
}

/// The compare view's curves beside a project's page: the overviews of its best runs
/// (`overviews`, of [`crate::render::project_data::compare_runs`]).
pub fn compare_file(
    project: &Project,
    columns: &PageColumns,
    overviews: &std::collections::BTreeMap<usize, crate::model::overview::Overview>,
    paths: &ProjectPaths,
) -> PlannedFile {
    let curves = crate::render::project_data::compare_curves_js(project, overviews, columns);
    PlannedFile {
        path: compare_path(paths),
        content: Content::Bytes(curves.into_bytes()),
    }
}

/// Where a project's compare curves go.
pub fn compare_path(paths: &ProjectPaths) -> String {
    format!("{}/{COMPARE_CURVES_FILE}", paths.dir)
}

/// A figure's standalone SVG file (the step version), with its XML declaration.
fn figure_file(path: String, figure: &Figure) -> PlannedFile {
    let mut file = String::with_capacity(figure.svg.len() + 64);
    file.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    file.push_str(&figure.svg);
    file.push('\n');
    PlannedFile {
        path,
        content: Content::Bytes(file.into_bytes()),
    }
}

/// A run's files: the images its page shows, its raw log when asked for, and its page; and a
/// warning when the page charts only some of its metric families. `run` is the run of `context`
/// with its details; nothing else of the project is needed (see [`RunContext`]).
pub fn run_files(
    context: &RunContext,
    run: &Run,
    paths: &ProjectPaths,
    copy_raw_logs: bool,
    base_url: Option<&str>,
) -> (Vec<PlannedFile>, Vec<Warning>) {
    let index = context.index;
    let slug = &paths.run_slugs[index];
    let from = CopyFrom {
        path_on_disk: run.path_on_disk.clone(),
        source: run.source.clone(),
    };
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for (media, content) in run.media.iter().zip(&run.media_content) {
        let Some(content @ MediaContent::Image { name, .. }) = content else {
            continue;
        };
        let (shown, embedded) = match &media.source {
            MediaSource::File(path) => (
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                false,
            ),
            _ => (media.name.clone(), true),
        };
        files.push(PlannedFile {
            path: format!("{}/media/{name}", paths.dir),
            content: Content::Image {
                from: from.clone(),
                content: content.clone(),
                shown,
                embedded,
            },
        });
    }
    let raw_log = raw_log_extension(run)
        .filter(|_| copy_raw_logs)
        .map(|extension| {
            files.push(PlannedFile {
                path: format!("{}/logs/{slug}{extension}", paths.dir),
                content: Content::RawLog(from.clone()),
            });
            format!("../logs/{slug}{extension}")
        });
    let families = figures::metric_families(&run.metric_order).len();
    if families > figures::MAX_CHARTS {
        let message = format!(
            "{families} metric families; the run page charts the first {} (all are in its metrics table)",
            figures::MAX_CHARTS
        );
        warnings.push(Warning::at_file(&run.source, message));
    }
    let media = crate::render::media::media_groups(run, |_| true);
    let view = RunView::new(context, run, paths, raw_log, media, base_url);
    files.push(PlannedFile {
        path: paths.run_page(index),
        content: Content::Page {
            template: "run.html",
            view: PageView::Run(Box::new(view)),
        },
    });
    (files, warnings)
}

/// The extension a run's raw log is copied under. A raw log is one file: JSON lines, or a CSV
/// or trainer_state.json; runs read from a folder (MLflow, DVCLive, W&B, TensorBoard) have no
/// single file to copy.
fn raw_log_extension(run: &crate::model::Run) -> Option<&'static str> {
    let file_name = run
        .path_on_disk
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match run.format {
        Format::Native => Some(
            crate::log::walk::LOG_SUFFIXES
                .iter()
                .find(|s| file_name.ends_with(*s))
                .copied()
                .unwrap_or(".jsonl"),
        ),
        Format::KerasCsv | Format::GenericCsv if file_name.ends_with(".log") => Some(".log"),
        Format::KerasCsv | Format::GenericCsv => Some(".csv"),
        Format::HuggingFace => Some(".json"),
        _ => None,
    }
}
