//! The project page's data for its script, as compact JSON: every run's status, parameters,
//! best and last metric values; and short curves for the compare view, in a script of their own. The results table is
//! rendered from it in pages (so 10,000 runs never become 10,000 DOM rows at once), filtered,
//! sorted, grouped by seed and exported as CSV without a server.

use serde_json::{Value, json};

use crate::chart::palette::run_color;
use crate::format;
use crate::model::overview::Overview;
use crate::model::project::Project;
use crate::model::{Direction, ParamValue};

/// Runs (the best ranked) whose curves are embedded for the compare view.
pub const COMPARE_RUNS: usize = 300;

/// The runs whose curves the compare view embeds (the best [`COMPARE_RUNS`]), by index, sorted.
pub fn compare_runs(project: &Project) -> Vec<usize> {
    let mut runs: Vec<usize> = project.ranking.iter().take(COMPARE_RUNS).copied().collect();
    runs.sort_unstable();
    runs.dedup();
    runs
}

/// A row of the page's data, in the order of [`COLUMNS`] (serialized as a JSON array).
#[derive(serde::Serialize)]
struct Row<'a>(
    &'a str,
    Option<&'a String>,
    Option<usize>,
    &'a str,
    &'a str,
    Option<usize>,
    Option<i64>,
    Option<f64>,
    u64,
    Option<Cell>,
    Option<String>,
    Option<String>,
    Vec<Cell>,
    Vec<Cell>,
    Vec<Cell>,
);

/// A value of a row: a finite number as a JSON number, any other as its text (`NaN`,
/// `Infinity`), a text, or null.
enum Cell {
    Number(f64),
    Text(String),
    Null,
}

impl serde::Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Number(v) if v.is_finite() => serializer.serialize_f64(*v),
            Cell::Number(v) => serializer.serialize_str(&format::number_full(*v)),
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Null => serializer.serialize_unit(),
        }
    }
}

/// What each row of `rows` holds, in order: the script (`expandRuns` in ahnb.js) turns rows back
/// into objects with these keys. `params`, `best` and `last` are arrays aligned with the data's
/// `params` and `metrics` lists (null where a run has no value). What the script can derive is
/// left out, for the bytes a 10,000-run page parses before it answers: `href` is null where it
/// is `runs/<name>.html` (see `is_default_href`), `group` is an index into the data's `groups`
/// (each label once, not once per seed), and the duration's text is format.js `duration` of
/// `duration`.
pub const COLUMNS: [&str; 15] = [
    "name",
    "href",
    "rank",
    "status",
    "color",
    "group",
    "seed",
    "duration",
    "steps",
    "progress",
    "progressText",
    "left",
    "params",
    "best",
    "last",
];

/// The results table's own columns: key, header, header tooltip. The script (results.js) reads
/// them from the page's data (`table`, see [`table_columns`]) instead of keeping its own list.
pub const FIXED_COLUMNS: [(&str, &str, &str); 6] = [
    ("rank", "#", ""),
    ("run", "Run", ""),
    ("status", "Status", ""),
    ("progress", "Progress", ""),
    ("duration", "Duration", ""),
    (
        "steps",
        "Steps logged",
        "steps logged (a count; the last step's index is on the run page)",
    ),
];

/// The results table's columns in the static table's order (project.html): rank, run, the
/// ranking metric's best and last, status, progress (when a run has one), duration, steps, the
/// hyperparameters (those that vary first), then the other metrics' best and last. Each is
/// `{"key", "label"}` with `"sub"` ("best"/"last") or `"title"` where it has one; keys are the
/// fixed ones, `best:<metric>`, `last:<metric>` and `param:<name>`.
pub fn table_columns(
    project: &Project,
    columns: &super::columns::PageColumns,
    has_progress: bool,
) -> Vec<Value> {
    let fixed = |key: &str| {
        let (key, label, title) = FIXED_COLUMNS
            .iter()
            .find(|c| c.0 == key)
            .expect("a fixed column");
        if title.is_empty() {
            json!({"key": key, "label": label})
        } else {
            json!({"key": key, "label": label, "title": title})
        }
    };
    let metric = |name: &String| {
        [
            json!({"key": format!("best:{name}"), "label": name, "sub": "best"}),
            json!({"key": format!("last:{name}"), "label": name, "sub": "last"}),
        ]
    };
    let primary = project
        .primary_metric
        .as_ref()
        .filter(|m| columns.metrics.contains(m));
    let mut out = vec![fixed("rank"), fixed("run")];
    out.extend(primary.into_iter().flat_map(metric));
    out.push(fixed("status"));
    if has_progress {
        out.push(fixed("progress"));
    }
    out.extend([fixed("duration"), fixed("steps")]);
    let varied: std::collections::BTreeSet<&String> = columns.varied.iter().collect();
    let params = columns
        .varied
        .iter()
        .chain(columns.params.iter().filter(|k| !varied.contains(k)));
    out.extend(params.map(|k| json!({"key": format!("param:{k}"), "label": k})));
    out.extend(
        columns
            .metrics
            .iter()
            .filter(|m| Some(*m) != primary)
            .flat_map(metric),
    );
    out
}

/// Whether `href` is the link the script derives when the data leaves it out, `runs/<name>.html`
/// (ahnb.js `Run`): most runs' names are their pages' names already. Compared in place, with no
/// string built per run.
fn is_default_href(href: &str, name: &str) -> bool {
    href.strip_prefix("runs/")
        .and_then(|rest| rest.strip_suffix(".html"))
        == Some(name)
}

/// Builds the JSON; `run_hrefs[i]` is run i's page relative to the project page. Runs are rows
/// of values rather than objects, so that names of fields, hyperparameters and metrics are not
/// repeated for each of 10,000 runs (it halved the data of such a project).
/// Only the page's columns (see [`super::columns`]) are carried.
pub fn project_data_json(
    project: &Project,
    run_hrefs: &[String],
    columns: &super::columns::PageColumns,
) -> String {
    let ranks: Vec<Option<usize>> = {
        let mut ranks = vec![None; project.runs.len()];
        for (rank, &i) in project.ranking.iter().enumerate() {
            if project.primary_best(i).is_some() {
                ranks[i] = Some(rank + 1);
            }
        }
        ranks
    };
    // Each seed group's label once, in the project's order of groups; rows name theirs by index.
    let group_labels: Vec<String> = project
        .groups
        .iter()
        .map(|g| crate::model::project::group_label(project, g))
        .collect();
    let group_index: std::collections::HashMap<&str, usize> = project
        .groups
        .iter()
        .enumerate()
        .map(|(k, g)| (g.key.as_str(), k))
        .collect();
    // Typed rows serialized straight to text: a `Value` tree per run was most of the data's cost.
    // On all cores: on a rebuild the project page is the unit left to render, and its rows
    // are each their own.
    use rayon::prelude::*;
    let rows_and_progress: Vec<(Row, bool)> = project
        .runs
        .par_iter()
        .enumerate()
        .map(|(i, run)| {
            let params: Vec<Cell> = columns
                .params
                .iter()
                .map(|key| match run.header.params.get(key) {
                    Some(ParamValue::Number(x)) => Cell::Number(*x),
                    Some(other) => Cell::Text(other.to_text()),
                    None => Cell::Null,
                })
                .collect();
            let mut best = Vec::with_capacity(columns.metrics.len());
            let mut last = Vec::with_capacity(columns.metrics.len());
            for name in &columns.metrics {
                let Some(series) = run.series.get(name) else {
                    best.push(Cell::Null);
                    last.push(Cell::Null);
                    continue;
                };
                let direction = project.direction_of(name).unwrap_or(Direction::Down);
                best.push(
                    series
                        .summary
                        .best(direction)
                        .map_or(Cell::Null, |p| Cell::Number(p.value)),
                );
                last.push(
                    series
                        .summary
                        .last
                        .map_or(Cell::Null, |p| Cell::Number(p.value)),
                );
            }
            let duration = run.duration();
            let status = project.summaries[i].status;
            let progress = crate::model::progress::progress(run);
            let left = crate::model::progress::time_left(run, status, progress.as_ref());
            let row = Row(
                &run.name,
                run_hrefs
                    .get(i)
                    .filter(|href| !is_default_href(href, &run.name)),
                ranks[i],
                status.as_str(),
                run_color(i),
                // The seed group by its label (the hyperparameters that vary), which is also
                // unique: the fold rows of the table show it.
                project.summaries[i]
                    .group
                    .as_ref()
                    .and_then(|key| group_index.get(key.as_str()).copied()),
                run.header.seed,
                // `json!` wrote a non-finite duration as null, and so does serde_json.
                duration,
                crate::model::progress::logged_steps(run),
                progress.map(|p| Cell::Number(p.fraction())),
                progress.map(|p| p.text()),
                left.map(|s| format!("about {} left", format::duration(s))),
                params,
                best,
                last,
            );
            (row, progress.is_some())
        })
        .collect();
    let has_progress = rows_and_progress.iter().any(|(_, progress)| *progress);
    let rows: Vec<Row> = rows_and_progress.into_iter().map(|(row, _)| row).collect();
    let rows = serde_json::value::to_raw_value(&rows).unwrap_or_else(|_| {
        serde_json::value::RawValue::from_string("[]".to_owned()).expect("valid JSON")
    });
    let metrics: Vec<Value> = columns
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
    // The keys in the order a `serde_json` map writes them (sorted), as the page has always had.
    #[derive(serde::Serialize)]
    struct Data<'a> {
        columns: [&'static str; 15],
        groups: Vec<String>,
        metrics: Vec<Value>,
        params: &'a [String],
        primary: &'a Option<String>,
        rows: Box<serde_json::value::RawValue>,
        table: Vec<Value>,
        varied: &'a [String],
    }
    let data = Data {
        columns: COLUMNS,
        groups: group_labels,
        metrics,
        params: &columns.params,
        primary: &project.primary_metric,
        rows,
        table: table_columns(project, columns, has_progress),
        varied: &columns.varied,
    };
    // `<` inside strings is escaped so no name can close the script element.
    serde_json::to_string(&data)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

/// The curves of the compare view, as a script for the project page to load when the view is
/// first opened (a `<script>` element works from `file://`, where fetching JSON does not): the
/// best [`COMPARE_RUNS`] runs ([`compare_runs`]), each metric reduced to
/// [`crate::model::overview::OVERVIEW_POINTS`] (the runs' overviews, by run index). They were a
/// third of a 10,000-run project page's data, for a view most readers never open.
///
/// It sets `window.ahnbCurves` to `{"metrics": [...], "runs": {"<run index>": [[steps, values]
/// or null, aligned with metrics]}}`.
pub fn compare_curves_js(
    project: &Project,
    overviews: &std::collections::BTreeMap<usize, Overview>,
    columns: &super::columns::PageColumns,
) -> String {
    // Written straight out rather than through a `serde_json::Value` tree (300 runs × 6 metrics ×
    // 120 points were 400,000 values to allocate, a large part of a rebuild after one run
    // grew), in the order and with the number formatting that tree printed: a map's keys are
    // sorted as strings (serde_json's map without `preserve_order`), each number written by
    // serde_json.
    let mut chosen: Vec<(String, usize)> = compare_runs(project)
        .into_iter()
        .map(|i| (i.to_string(), i))
        .collect();
    chosen.sort_unstable();
    let mut out: Vec<u8> = Vec::with_capacity(chosen.len() * columns.metrics.len() * 1600);
    out.extend_from_slice(b"window.ahnbCurves = {\"metrics\":");
    write_json(&mut out, &columns.metrics);
    out.extend_from_slice(b",\"runs\":{");
    for (n, (key, i)) in chosen.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        write_json(&mut out, key);
        out.extend_from_slice(b":[");
        let by_name = overviews
            .get(i)
            .map(|o| o.by_name(&project.runs[*i]))
            .unwrap_or_default();
        for (m, name) in columns.metrics.iter().enumerate() {
            if m > 0 {
                out.push(b',');
            }
            let Some(points) = by_name.get(name.as_str()) else {
                out.extend_from_slice(b"null");
                continue;
            };
            out.extend_from_slice(b"[[");
            for (k, p) in points.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                write_json(&mut out, &p.step);
            }
            out.extend_from_slice(b"],[");
            for (k, p) in points.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                if p.value.is_finite() {
                    write_json(&mut out, &p.value);
                } else {
                    write_json(&mut out, &format::number_full(p.value));
                }
            }
            out.extend_from_slice(b"]]");
        }
        out.push(b']');
    }
    out.extend_from_slice(b"}};\n");
    // Only JSON (UTF-8) was written.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `value` as compact JSON (serializing these types cannot fail).
fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let _ = serde_json::to_writer(&mut *out, value);
}
