//! The data of a line chart for the theme's script (hover readouts, smoothing, legend clicks,
//! the wall-time view): JSON written by hand, numbers in their shortest round-trip form, every
//! string safe inside `<script type="application/json">`.

use std::cell::RefCell;
use std::fmt::Write;

use super::line_chart::{LineChart, LineSeries};
use super::numbers::json_number;

pub(super) fn script_data(
    chart: &LineChart,
    series: &[&LineSeries],
    x: (f64, f64),
    y: (f64, f64),
    log: bool,
    px: (i32, i32, i32, i32),
    show_all: Option<((f64, f64), bool)>,
) -> String {
    // About 24 bytes a point (a step, a value of up to 17 digits, two commas): sized so that
    // the text is not copied again as it outgrows its buffer.
    let mut out =
        String::with_capacity(series.iter().map(|s| s.points.len() * 26).sum::<usize>() + 256);
    let _ = write!(
        out,
        r#"{{"id":{},"x":[{},{}],"y":[{},{}],"logY":{log},"px":[{},{},{},{}],"xLabel":{},"#,
        json_string(&chart.id),
        json_number(x.0),
        json_number(x.1),
        json_number(y.0),
        json_number(y.1),
        px.0,
        px.1,
        px.2,
        px.3,
        json_string(&chart.x_label),
    );
    if let Some(((lo, hi), log_all)) = show_all {
        let _ = write!(
            out,
            r#""yAll":[{},{}],"logAll":{log_all},"#,
            json_number(lo),
            json_number(hi)
        );
    }
    out.push_str(r#""series":["#);
    for (i, s) in series.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let run = s.run.map_or("null".to_owned(), |r| r.to_string());
        let _ = write!(
            out,
            r#"{{"label":{},"color":{},"run":{run},"x":["#,
            json_string(&s.label),
            json_string(&s.color)
        );
        push_steps(&mut out, &s.points);
        out.push_str(r#"],"y":["#);
        join_numbers(&mut out, s.points.iter().map(|p| p.1));
        out.push(']');
        if let Some((bx, by)) = s.best {
            out.push_str(r#","best":["#);
            join_numbers(&mut out, [bx, by].into_iter());
            out.push(']');
        }
        if let Some(clock) = s.clock.filter(|&c| c < chart.clocks.len()) {
            let _ = write!(out, r#","clock":{clock}"#);
        }
        out.push('}');
    }
    out.push(']');
    if series.iter().any(|s| s.clock.is_some()) {
        let _ = write!(
            out,
            r#","timeLabel":{},"clocks":["#,
            json_string(&chart.time_label)
        );
        for (i, clock) in chart.clocks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(r#"{"s":["#);
            join_numbers(&mut out, clock.points.iter().map(|p| p.0 as f64));
            out.push_str(r#"],"t":["#);
            join_numbers(&mut out, clock.points.iter().map(|p| p.1));
            out.push_str("]}");
        }
        out.push(']');
    }
    out.push('}');
    out
}

thread_local! {
    /// The x values of the series this thread wrote last, and their JSON. The series of a run
    /// share their steps, and a run page writes them once per metric (six times 1,000 numbers
    /// on a page of six metrics): comparing them is several times cheaper than writing them.
    static LAST_STEPS: RefCell<(Vec<f64>, String)> = const { RefCell::new((Vec::new(), String::new())) };
}

/// Writes the x values of `points`, joined by commas.
fn push_steps(out: &mut String, points: &[(f64, f64)]) {
    LAST_STEPS.with_borrow_mut(|(steps, text)| {
        let same = steps.len() == points.len()
            && steps
                .iter()
                .zip(points)
                .all(|(step, point)| step.to_bits() == point.0.to_bits());
        if !same {
            steps.clear();
            steps.extend(points.iter().map(|p| p.0));
            text.clear();
            join_numbers(text, steps.iter().copied());
        }
        out.push_str(text);
    });
}

fn join_numbers(out: &mut String, values: impl Iterator<Item = f64>) {
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push(',');
        }
        super::push_json_number(out, v);
    }
}

/// A JSON string literal that is also safe inside an HTML `<script type="application/json">`.
pub fn json_string(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('<', "\\u003c")
}
