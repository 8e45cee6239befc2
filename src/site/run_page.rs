//! Writes a run page: copies its raw log and media in (the files the page links), then renders
//! its view ([`RunView::new`]).

use super::SiteOptions;
use super::media::copy_image;
use super::output::SiteWriter;
use crate::diag::Warning;
use crate::error::Result;
use crate::model::project::Project;
use crate::paths::ProjectPaths;
use crate::render::Renderer;
use crate::render::figures;
use crate::render::views::*;

pub(super) fn write_run_page(
    project: &Project,
    paths: &ProjectPaths,
    index: usize,
    options: &SiteOptions,
    renderer: &Renderer,
    writer: &SiteWriter,
) -> Result<Vec<Warning>> {
    let run = &project.runs[index];
    let mut warnings = Vec::new();
    let slug = &paths.run_slugs[index];

    // A raw log is one file: JSON lines, or a CSV or trainer_state.json. Runs read from a
    // folder (MLflow, DVCLive, W&B, TensorBoard) have no single file to copy.
    let extension = {
        use crate::model::Format;
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
    };
    let raw_log = if let (true, Some(extension)) = (options.copy_raw_logs, extension) {
        let relative = format!("{}/logs/{slug}{extension}", paths.dir);
        let boundary = crate::log::boundary::Boundary::of_file(&run.path_on_disk, &run.source);
        let copied = boundary
            .open(&run.path_on_disk, crate::log::boundary::Kind::Log)
            .map_err(|refusal| refusal.to_string())
            .and_then(|input| {
                writer
                    .copy(&relative, &run.path_on_disk, input)
                    .map_err(|e| e.to_string())
            });
        match copied {
            Ok(_) => Some(format!("../logs/{slug}{extension}")),
            Err(e) => {
                warnings.push(Warning::at_file(
                    &run.source,
                    format!("cannot copy the raw log: {e}"),
                ));
                None
            }
        }
    } else {
        None
    };

    // The images the page shows, copied in; one that cannot be is left off the page.
    let mut copied = vec![true; run.media.len()];
    for (i, (media, content)) in run.media.iter().zip(&run.media_content).enumerate() {
        if let Some(content) = content {
            if let Err(message) = copy_image(run, media, content, &paths.dir, writer) {
                warnings.push(Warning::at_file(&run.source, message));
                copied[i] = false;
            }
        }
    }
    let media_groups = crate::render::media::media_groups(run, |i| copied[i]);

    let families = figures::metric_families(&run.metric_order).len();
    if families > figures::MAX_CHARTS {
        let message = format!(
            "{families} metric families; the run page charts the first {} (all are in its metrics table)",
            figures::MAX_CHARTS
        );
        warnings.push(Warning::at_file(&run.source, message));
    }
    let view = RunView::new(
        project,
        index,
        paths,
        raw_log,
        media_groups,
        options.base_url.as_deref(),
    );
    let html = renderer.render("run.html", &view)?;
    writer.write(&paths.run_page(index), html.as_bytes())?;
    Ok(warnings)
}
