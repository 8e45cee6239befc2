//! The run page (the model report): its view built from one run, with its charts inline and
//! its media copied in.

use super::SiteOptions;
use super::media::media_item;
use super::output::UnitWriter;
use crate::diag::Warning;
use crate::error::Result;
use crate::format;
use crate::model::Status;
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
    writer: &UnitWriter,
) -> Result<Vec<Warning>> {
    let run = &project.runs[index];
    let summary = &project.summaries[index];
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

    let mut media_groups: Vec<MediaGroup> = Vec::new();
    // Embedded content already on the page, by key: (group, item) where it is shown.
    let mut embedded: std::collections::HashMap<u128, (usize, usize)> = Default::default();
    for media in &run.media {
        let mut item = match media_item(run, media, &paths.dir, writer) {
            Ok(item) => item,
            Err(message) => {
                warnings.push(Warning::at_file(&run.source, message));
                continue;
            }
        };
        let group = media_groups
            .iter()
            .position(|g| g.name == media.name)
            .unwrap_or(media_groups.len());
        if let Some(key) = super::media::embedded_key(&item) {
            match embedded.get(&key) {
                // A log repeating a 16 MiB SVG 1,000 times must not make a 16 GB page.
                Some(&(g, i)) => super::media::refer_to(&mut item, &media_groups[g].items[i]),
                None => {
                    let index = media_groups.get(group).map_or(0, |g| g.items.len());
                    embedded.insert(key, (group, index));
                }
            }
        }
        match media_groups.iter_mut().find(|g| g.name == media.name) {
            Some(group) => group.items.push(item),
            None => media_groups.push(MediaGroup {
                name: media.name.clone(),
                items: vec![item],
            }),
        }
    }

    let metrics = run
        .metric_order
        .iter()
        .map(|name| {
            let s = &run.series[name].summary;
            let direction = project.direction_of(name);
            let best = direction.and_then(|d| s.best(d));
            MetricRow {
                name: name.clone(),
                direction: direction_name(direction),
                last: s.last.map(|p| format::number(p.value)).unwrap_or_default(),
                last_step: s.last.map(|p| p.step.to_string()).unwrap_or_default(),
                best: best.map(|p| format::number(p.value)).unwrap_or_default(),
                best_step: best.map(|p| p.step.to_string()).unwrap_or_default(),
                min: s.min.map(|p| format::number(p.value)).unwrap_or_default(),
                max: s.max.map(|p| format::number(p.value)).unwrap_or_default(),
                points: format::count(s.count),
                nonfinite: s.nonfinite,
                first_nonfinite_step: s.first_nonfinite.map(|p| p.step.to_string()),
            }
        })
        .collect();

    let headline = headline_metrics(project, index);
    let families = figures::metric_families(&run.metric_order).len();
    if families > figures::MAX_CHARTS {
        let message = format!(
            "{families} metric families; the run page charts the first {} (all are in its metrics table)",
            figures::MAX_CHARTS
        );
        warnings.push(Warning::at_file(&run.source, message));
    }
    // A run's charts are not written as files of their own: with thousands of runs those files
    // were most of a site's files and a fifth of its bytes. The page's script saves a chart as
    // SVG when asked, and `ahnb figures` writes any run's figures for a paper.
    let mut run_figures = figures::run_figures(project, index);
    for figure in &mut run_figures {
        figure.standalone = false;
        figure.file = format!("{slug}-{}", figure.file);
    }
    let link_to = |i: usize| Link {
        label: project.runs[i].name.clone(),
        href: paths.runs[i].clone(),
    };
    let view = RunView {
        page: Page::new(
            &format!(
                "{} · {}",
                crate::invisible::isolate(&run.name),
                crate::invisible::isolate(&project.name)
            ),
            "../../",
            &paths.run_page(index),
            options.base_url.as_deref(),
        ),
        project: Link {
            label: project.name.clone(),
            href: "../index.html".to_owned(),
        },
        name: run.name.clone(),
        source: run.source.clone(),
        status: summary.status.as_str(),
        start: run.start_time().map(format::timestamp),
        start_iso: run.start_time().map(format::timestamp_rfc3339),
        duration: run.duration().map(format::duration),
        previous: index.checked_sub(1).map(link_to),
        next: (index + 1 < project.runs.len()).then(|| link_to(index + 1)),
        raw_log,
        summary: describe_run(project, index),
        error: run
            .end
            .as_ref()
            .and_then(|e| e.error.clone())
            .filter(|_| summary.status == Status::Failed),
        headline,
        params: run
            .header
            .params
            .iter()
            .map(|(k, v)| Pair {
                key: k.clone(),
                value: v.to_text(),
            })
            .collect(),
        tags: run.header.tags.clone(),
        seed: run.header.seed.map(|s| s.to_string()),
        group: summary.group.clone(),
        model: run.header.model.as_ref().map(|m| {
            let total = m.total_params.or_else(|| {
                let sum: u64 = m.layers.iter().filter_map(|l| l.params).sum();
                (!m.layers.is_empty()).then_some(sum)
            });
            ModelView {
                name: m.name.clone(),
                text: m.text.clone(),
                layers: m
                    .layers
                    .iter()
                    .map(|l| LayerView {
                        name: l.name.clone(),
                        kind: l.kind.clone(),
                        shape: l.output_shape.clone(),
                        params: l.params.map(format::count).unwrap_or_default(),
                        trainable: l.trainable,
                    })
                    .collect(),
                total: total.map(format::count),
                trainable: m.trainable_params.map(format::count),
                non_trainable: m.non_trainable_params.map(format::count),
            }
        }),
        env: run
            .header
            .env
            .iter()
            .map(|(k, v)| Pair {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        metrics,
        final_metrics: run
            .end
            .as_ref()
            .map(|e| {
                e.metrics
                    .iter()
                    .map(|(k, v)| Pair {
                        key: k.clone(),
                        value: format::number(*v),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        notes_html: render_notes(run.header.notes.as_deref()),
        step_notes: run
            .notes
            .iter()
            .map(|n| StepNote {
                step: n.step.map(|s| s.to_string()),
                html: crate::render::markdown::markdown_to_html(&n.text),
            })
            .collect(),
        media: media_groups,
        figures: run_figures,
        lines: format::count(run.lines),
        warnings: run.warnings,
    };
    let html = renderer.render("run.html", &view)?;
    writer.write(&paths.run_page(index), html.as_bytes())?;
    Ok(warnings)
}

/// The primary metric first, then the other metrics with a known direction (validation ones
/// first), at most six cards.
fn headline_metrics(project: &Project, index: usize) -> Vec<Headline> {
    let run = &project.runs[index];
    let mut names: Vec<&String> = Vec::new();
    if let Some(primary) = project
        .primary_metric
        .as_ref()
        .filter(|m| run.series.contains_key(*m))
    {
        names.push(primary);
    }
    let mut others: Vec<&String> = run
        .metric_order
        .iter()
        .filter(|m| project.direction_of(m).is_some() && !names.contains(m))
        .collect();
    others.sort_by_key(|m| !crate::model::direction::is_validation_metric(m));
    names.extend(others);
    names.truncate(6);
    names
        .into_iter()
        .map(|name| {
            let s = &run.series[name].summary;
            let direction = project
                .direction_of(name)
                .unwrap_or(crate::model::Direction::Down);
            let best = s.best(direction);
            Headline {
                name: name.clone(),
                best: best
                    .map(|p| format::number(p.value))
                    .unwrap_or_else(|| "–".to_owned()),
                best_at: best.map(|p| step_label(run, p.step)).unwrap_or_default(),
                last: s.last.map(|p| format::number(p.value)).unwrap_or_default(),
                is_primary: project.primary_metric.as_ref() == Some(name),
            }
        })
        .collect()
}
