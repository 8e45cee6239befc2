//! The project page's data for its script, as compact JSON: every run's status, parameters,
//! best and last metric values, and short curves for the compare view. The results table is
//! rendered from it in pages (so 10,000 runs never become 10,000 DOM rows at once), filtered,
//! sorted, grouped by seed and exported as CSV without a server.

use serde_json::{Map, Value, json};

use super::format;
use crate::chart::palette::run_color;
use crate::model::downsample::downsample;
use crate::model::project::Project;
use crate::model::{Direction, ParamValue};

/// Points per curve embedded for the compare view.
pub const COMPARE_POINTS: usize = 120;
/// Runs (the best ranked) whose curves are embedded for the compare view.
pub const COMPARE_RUNS: usize = 300;

fn number(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        json!(format::number_full(v))
    }
}

/// Builds the JSON; `run_hrefs[i]` is run i's page relative to the project page.
pub fn project_data_json(project: &Project, run_hrefs: &[String]) -> String {
    let ranks: Vec<Option<usize>> = {
        let mut ranks = vec![None; project.runs.len()];
        for (rank, &i) in project.ranking.iter().enumerate() {
            if project.primary_best(i).is_some() {
                ranks[i] = Some(rank + 1);
            }
        }
        ranks
    };
    let with_curves: std::collections::BTreeSet<usize> =
        project.ranking.iter().copied().take(COMPARE_RUNS).collect();
    let runs: Vec<Value> = project
        .runs
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let params: Map<String, Value> = run
                .header
                .params
                .iter()
                .map(|(k, v)| {
                    let value = match v {
                        ParamValue::Number(x) => number(*x),
                        other => Value::String(other.to_text()),
                    };
                    (k.clone(), value)
                })
                .collect();
            let mut best = Map::new();
            let mut last = Map::new();
            let mut curves = Map::new();
            for (name, series) in &run.series {
                let direction = project.direction_of(name).unwrap_or(Direction::Down);
                if let Some(p) = series.summary.best(direction) {
                    best.insert(name.clone(), number(p.value));
                }
                if let Some(p) = series.summary.last {
                    last.insert(name.clone(), number(p.value));
                }
                if with_curves.contains(&i) {
                    let points = downsample(&series.points, COMPARE_POINTS);
                    let xs: Vec<Value> = points.iter().map(|p| json!(p.step)).collect();
                    let ys: Vec<Value> = points.iter().map(|p| number(p.value)).collect();
                    curves.insert(name.clone(), json!([xs, ys]));
                }
            }
            let duration = run.duration();
            json!({
                "i": i,
                "name": run.name,
                "href": run_hrefs.get(i),
                "rank": ranks[i],
                "status": project.summaries[i].status.as_str(),
                "color": run_color(i),
                "group": project.summaries[i].group,
                "seed": run.header.seed,
                "duration": duration,
                "durationText": duration.map(format::duration),
                "steps": run.last_step(),
                "params": params,
                "best": best,
                "last": last,
                "curves": if with_curves.contains(&i) { Value::Object(curves) } else { Value::Null },
            })
        })
        .collect();
    let metrics: Vec<Value> = project
        .metrics
        .iter()
        .map(|m| {
            let direction = match project.direction_of(m) {
                Some(Direction::Up) => "up",
                Some(Direction::Down) => "down",
                None => "",
            };
            json!({"name": m, "direction": direction})
        })
        .collect();
    let data = json!({
        "primary": project.primary_metric,
        "metrics": metrics,
        "params": project.params,
        "varied": project.varied_params,
        "runs": runs,
    });
    // `<` inside strings is escaped so no name can close the script element.
    data.to_string().replace('<', "\\u003c")
}
