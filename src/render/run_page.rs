//! The run page's view (the model report), built from one run and its project: pure, no I/O;
//! its charts are drawn inline.

use super::figures;
use super::views::*;
use crate::format;
use crate::model::project::Project;
use crate::model::{Run, Status};
use crate::paths::ProjectPaths;

impl RunView {
    /// A run page's view: the run's tables and charts, its neighbours in the project for links,
    /// and what the writer made of its files (the raw log's link, the media items). `run` is
    /// run `index` of `project` with its details (its chart points, see `model::detail`). Pure:
    /// the charts are drawn here, nothing is read or written.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        project: &Project,
        index: usize,
        run: &Run,
        paths: &ProjectPaths,
        raw_log: Option<String>,
        media: Vec<MediaGroup>,
        base_url: Option<&str>,
    ) -> RunView {
        let summary = &project.summaries[index];
        let slug = &paths.run_slugs[index];
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

        let headline = headline_metrics(project, run);
        // A run's charts are not written as files of their own: with thousands of runs those files
        // were most of a site's files and a fifth of its bytes. The page's script saves a chart as
        // SVG when asked, and `ahnb figures` writes any run's figures for a paper.
        let mut run_figures = figures::run_figures(project, run);
        for figure in &mut run_figures {
            figure.standalone = false;
            figure.name = std::mem::take(&mut figure.file);
            figure.file = format!("{slug}-{}", figure.name);
        }
        let link_to = |i: usize| Link {
            label: project.runs[i].name.clone(),
            href: paths.runs[i].clone(),
        };
        RunView {
            page: Page::new(
                &format!(
                    "{} · {}",
                    crate::invisible::isolate(&run.name),
                    crate::invisible::isolate(&project.name)
                ),
                "../../",
                &paths.run_page(index),
                base_url,
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
            story: describe_run(project, index),
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
            media,
            figures: run_figures,
            lines: format::count(run.lines),
            warnings: run.warnings,
        }
    }
}

/// The primary metric first, then the other metrics with a known direction (validation ones
/// first), at most six cards.
fn headline_metrics(project: &Project, run: &Run) -> Vec<Headline> {
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
