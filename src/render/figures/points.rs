//! Charts of one point or line per run: the primary metric's best value against each varied
//! hyperparameter (scatter plots) and parallel coordinates. They draw summaries, not points, so
//! they need no run's details.

use crate::chart::palette::run_color;
use crate::chart::parallel::{Axis, AxisValue, ParallelChart, render_parallel};
use crate::chart::scatter::{ScatterChart, ScatterPoint, render_scatter};
use crate::format;
use crate::model::project::Project;
use crate::model::{Direction, ParamValue};
use crate::slug::SlugSet;

use super::{Figure, MAX_POINT_RUNS, best_of_note, best_runs};

/// The primary metric's best value against each numeric hyperparameter that varies.
pub fn scatter_figures(project: &Project) -> Vec<Figure> {
    let Some(metric) = project.primary_metric.as_ref() else {
        return Vec::new();
    };
    let keys: Vec<&String> = project
        .varied_params
        .iter()
        .filter(|key| {
            let numeric = project
                .runs
                .iter()
                .filter(|r| matches!(r.header.params.get(*key), Some(ParamValue::Number(_))))
                .count();
            numeric >= 2
                && project
                    .runs
                    .iter()
                    .all(|r| !matches!(r.header.params.get(*key), Some(ParamValue::Text(_))))
        })
        .take(8)
        .collect();
    // File names in order (a name taken is not given again), then the charts side by side: on a
    // rebuild of a 1,000-run project they are part of the one page left to render.
    let mut slugs = SlugSet::new();
    let files: Vec<String> = keys
        .iter()
        .map(|key| format!("scatter-{}.svg", slugs.assign(key, "param")))
        .collect();
    let drawn = best_runs(project, MAX_POINT_RUNS);
    use rayon::prelude::*;
    keys.into_par_iter()
        .zip(files)
        .enumerate()
        .map(|(n, (key, file))| {
            let points = drawn
                .iter()
                .map(|&i| (i, &project.runs[i]))
                .filter_map(|(i, run)| {
                    let x = run.header.params.get(key)?.as_number()?;
                    let y = project.primary_best(i).map_or(f64::NAN, |p| p.value);
                    Some(ScatterPoint {
                        x,
                        y,
                        color: run_color(i).to_owned(),
                        run: i,
                        label: format!(
                            "{}: {key} = {}, best {metric} = {}",
                            run.name,
                            format::number_full(x),
                            format::number(y)
                        ),
                    })
                })
                .collect();
            let id = format!("scatter-{n}");
            let title = format!("best {metric} vs {key}");
            let chart = render_scatter(&ScatterChart {
                id: id.clone(),
                title: title.clone(),
                x_label: key.clone(),
                y_label: format!("best {metric}"),
                points,
                note: best_of_note(project, drawn.len()),
            });
            let mut figure = Figure::new(id, title, chart, false);
            figure.file = file;
            figure
        })
        .collect()
}

/// Parallel coordinates over the varying hyperparameters, ending at the primary metric.
pub fn parallel_figure(project: &Project) -> Option<Figure> {
    let metric = project.primary_metric.as_ref()?;
    if project.varied_params.is_empty() || project.runs.len() < 2 {
        return None;
    }
    let drawn = best_runs(project, MAX_POINT_RUNS);
    // A seed is not a hyperparameter: an axis of it would only scatter the lines.
    let mut axes: Vec<Axis> = project
        .varied_params
        .iter()
        .filter(|key| !crate::model::project::is_seed_key(key))
        .take(12)
        .map(|key| Axis {
            name: key.clone(),
            values: drawn
                .iter()
                .map(|&i| match project.runs[i].header.params.get(key) {
                    Some(ParamValue::Number(v)) => AxisValue::Number(*v),
                    Some(ParamValue::Null) | None => AxisValue::Missing,
                    Some(other) => AxisValue::Category(other.to_text()),
                })
                .collect(),
        })
        .collect();
    axes.push(Axis {
        name: format!("best {metric}"),
        values: drawn
            .iter()
            .map(|&i| {
                project
                    .primary_best(i)
                    .map_or(AxisValue::Missing, |p| AxisValue::Number(p.value))
            })
            .collect(),
    });
    let title = format!("hyperparameters and best {metric}");
    let chart = render_parallel(&ParallelChart {
        id: "parallel".to_owned(),
        title: title.clone(),
        axes,
        runs: drawn
            .iter()
            .map(|&i| (i, project.runs[i].name.clone()))
            .collect(),
        higher_is_better: project.primary_direction == Direction::Up,
        note: best_of_note(project, drawn.len()),
    });
    let mut figure = Figure::new("parallel".to_owned(), title, chart, false);
    figure.file = "parallel.svg".to_owned();
    Some(figure)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 10,000-run sweep drew a point and a line per run (11 MB of one page): the scatter plots
    /// and parallel coordinates keep the best runs, say so, and highlight the right runs.
    #[test]
    fn scatter_and_parallel_draw_the_best_runs_only() {
        let logs = tempfile::tempdir().unwrap();
        let project = logs.path().join("sweep");
        std::fs::create_dir(&project).unwrap();
        let runs = MAX_POINT_RUNS + 20;
        for r in 0..runs {
            let log = format!(
                "{{\"type\":\"header\",\"run\":\"r{r}\",\"params\":{{\"lr\":{lr}}},\"primary_metric\":\"acc\"}}\n{{\"step\":0,\"acc\":{acc}}}\n",
                lr = (r + 1) as f64 / 1000.0,
                acc = r as f64 / runs as f64
            );
            std::fs::write(project.join(format!("r{r:04}.jsonl")), log).unwrap();
        }
        let loaded = crate::load(logs.path(), &crate::LoadOptions::default()).unwrap();
        let project = &loaded.projects[0];
        let scatter = &scatter_figures(project)[0];
        assert_eq!(
            scatter.svg.matches(r#"class="point""#).count(),
            MAX_POINT_RUNS
        );
        assert!(
            scatter.svg.contains("best 500 of 520 runs shown"),
            "{}",
            scatter.svg
        );
        let parallel = parallel_figure(project).unwrap();
        assert_eq!(
            parallel.svg.matches(r#"class="pc-line""#).count(),
            MAX_POINT_RUNS
        );
        assert!(parallel.svg.contains("best 500 of 520 runs shown"));
        // The worst runs (lowest acc) are the ones left out; lines name their project index.
        let worst = project.ranking.last().copied().unwrap();
        let best = project.ranking[0];
        assert!(!parallel.svg.contains(&format!(r#"data-run="{worst}""#)));
        assert!(parallel.svg.contains(&format!(r#"data-run="{best}""#)));
    }
}
