//! The Rust side of the contracts with the page scripts: tests/fixtures/contracts/numbers.json
//! lists values with the text Rust prints for them (numbers, ticks, durations, ± spreads,
//! hyperparameters, the ticks of both axes); this test checks Rust against it and
//! tests/browser/contracts.test.mjs checks the script (format.js) against the same file. With
//! `AHNB_BLESS_CONTRACTS=1` it rewrites the expected texts from Rust instead (then review the
//! diff: any change there is a change to what pages show).

use serde_json::{Value, json};

use crate::chart::scale::Scale;
use crate::chart::{x_axis, y_axis};
use crate::format;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/contracts/numbers.json"
);

/// A value of the file: a number, or NaN / Infinity / -Infinity spelled as strings.
fn value(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().expect("NaN, Infinity or -Infinity"),
        v => v.as_f64().expect("a number"),
    }
}

fn labels(ticks: Vec<f64>) -> Value {
    json!(ticks.into_iter().map(format::tick).collect::<Vec<_>>())
}

/// What Rust prints for one case of a section (the case's last item is the expected text).
fn rust_text(section: &str, case: &[Value]) -> Value {
    let v = |i: usize| value(&case[i]);
    match section {
        "number" => json!(format::number(v(0))),
        "tick" => json!(format::tick(v(0))),
        "duration" => json!(format::duration(v(0))),
        "plus_minus" => json!(format::plus_minus(v(0), v(1), v(2) as usize)),
        "param" => json!(format::number_full(v(0))),
        // The x axis's rule: whole-numbered ends (steps) never get fractional ticks.
        "x_ticks" => {
            let (lo, hi) = (v(0), v(1));
            let integer = lo.fract() == 0.0 && hi.fract() == 0.0;
            labels(x_axis::nice_ticks(lo, hi, v(2) as usize, integer))
        }
        "y_ticks" => labels(y_axis::y_ticks(&Scale {
            min: v(0),
            max: v(1),
            log: case[2].as_bool().expect("log is true or false"),
            from_px: 0.0,
            to_px: 1.0,
        })),
        other => panic!("unknown section {other:?} in {FILE}"),
    }
}

#[test]
fn rust_prints_what_the_contract_file_says() {
    let text = std::fs::read_to_string(FILE).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let bless = std::env::var_os("AHNB_BLESS_CONTRACTS").is_some();
    let mut wrong = Vec::new();
    for (section, cases) in doc.as_object_mut().unwrap() {
        let Some(cases) = cases.as_array_mut() else {
            continue;
        };
        for case in cases {
            let case = case.as_array_mut().unwrap();
            let (expected, inputs) = case.split_last_mut().unwrap();
            let got = rust_text(section, inputs);
            if *expected != got {
                wrong.push(format!("{section} {inputs:?}: Rust prints {got}"));
                if bless {
                    *expected = got;
                }
            }
        }
    }
    if bless {
        let mut out = serde_json::to_string_pretty(&doc).unwrap();
        out.push('\n');
        std::fs::write(FILE, out).unwrap();
    } else {
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

/// The results table's page: the HTML holds as many rows as a page of the script's table, so
/// that turning the script on changes how rows are shown, not how many.
#[test]
fn the_html_table_holds_a_page_of_the_scripts_table() {
    let script = include_str!("../../themes/default/static/results.js");
    let page = script
        .lines()
        .find_map(|line| line.trim().strip_prefix("var PAGE = "))
        .and_then(|rest| rest.strip_suffix(';'))
        .expect("results.js sets `var PAGE = N;`");
    assert_eq!(
        page.parse::<usize>().unwrap(),
        crate::render::project_page::STATIC_ROWS
    );
}
