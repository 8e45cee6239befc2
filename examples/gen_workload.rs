//! Writes a deterministic benchmark workload of native ahnb logs: P projects × R runs × M metrics ×
//! S steps, with hyperparameters, seeds, seed groups, and a few runs that diverge, fail or are cut
//! off mid-write, laid out as `OUT/proj-000/run-00000.jsonl`.
//!
//! Lines are what the Python client writes (compact separators, a `time` on every metrics line),
//! with values rounded to four significant digits. The same flags always give the same bytes,
//! whatever the number of threads: every run draws from its own generator, seeded from
//! `--seed`, its project and its index.
//!
//! ```sh
//! cargo run --release --example gen_workload -- --projects 1 --runs 1000 --metrics 6 --steps 5000 --out /tmp/w
//! ```

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Parser;
use rayon::prelude::*;

/// Deterministic benchmark logs in ahnb's native format.
#[derive(Debug, Parser)]
struct Args {
    /// Projects (one folder each).
    #[arg(long, default_value_t = 1)]
    projects: usize,
    /// Runs per project (one file each).
    #[arg(long, default_value_t = 100)]
    runs: usize,
    /// Metrics logged at every step.
    #[arg(long, default_value_t = 6)]
    metrics: usize,
    /// Steps per run (a run that fails or is cut off stops earlier).
    #[arg(long, default_value_t = 1000)]
    steps: u64,
    /// Output folder; must not exist or be empty.
    #[arg(long)]
    out: PathBuf,
    /// Seed of the whole workload.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// The first metric names; more metrics are called `aux_6`, `aux_7`, ...
const METRIC_NAMES: [&str; 6] = [
    "loss",
    "accuracy",
    "val_loss",
    "val_accuracy",
    "lr",
    "grad_norm",
];
const LEARNING_RATES: [f64; 4] = [1e-4, 3e-4, 1e-3, 3e-3];
const BATCH_SIZES: [u32; 4] = [32, 64, 128, 256];
const DROPOUTS: [f64; 3] = [0.0, 0.25, 0.5];
const SEEDS_PER_CONFIG: usize = 3;
/// 2026-03-01T00:00:00Z.
const START: f64 = 1_772_323_200.0;

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    if args.out.exists() && fs::read_dir(&args.out)?.next().is_some() {
        eprintln!(
            "error: {} is not empty; remove it or choose another --out",
            args.out.display()
        );
        std::process::exit(2);
    }
    let names = metric_names(args.metrics);
    let jobs: Vec<(usize, usize)> = (0..args.projects)
        .flat_map(|p| (0..args.runs).map(move |r| (p, r)))
        .collect();
    for p in 0..args.projects {
        fs::create_dir_all(project_dir(&args.out, p))?;
    }
    let bytes: u64 = jobs
        .par_iter()
        .map(|&(p, r)| write_run(&args, &names, p, r))
        .collect::<std::io::Result<Vec<u64>>>()?
        .iter()
        .sum();
    eprintln!(
        "wrote {} runs ({} projects × {} runs × {} metrics × {} steps), {:.1} MB, to {}",
        jobs.len(),
        args.projects,
        args.runs,
        args.metrics,
        args.steps,
        bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(())
}

fn metric_names(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| match METRIC_NAMES.get(i) {
            Some(name) => (*name).to_owned(),
            None => format!("aux_{i}"),
        })
        .collect()
}

fn project_dir(out: &Path, project: usize) -> PathBuf {
    out.join(format!("proj-{project:03}"))
}

/// How a run ends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    Finished,
    /// The loss becomes NaN from this step on (the run still writes `finished`).
    Diverges(u64),
    /// An exception at this step: an `end` record with `failed` and an error.
    Fails(u64),
    /// The process died at this step while writing a line: no end record, a cut last line.
    CutOff(u64),
}

fn fate_of(rng: &mut Rng, steps: u64) -> Fate {
    let roll = rng.next_f64();
    let at = |rng: &mut Rng| steps / 2 + (rng.next_f64() * (steps / 2) as f64) as u64;
    if roll < 0.03 {
        Fate::Diverges(at(rng))
    } else if roll < 0.04 {
        Fate::Fails(at(rng))
    } else if roll < 0.05 {
        Fate::CutOff(at(rng))
    } else {
        Fate::Finished
    }
}

fn write_run(args: &Args, names: &[String], project: usize, run: usize) -> std::io::Result<u64> {
    let mut rng = Rng::new(args.seed, project as u64, run as u64);
    let config = run / SEEDS_PER_CONFIG;
    let seed = (run % SEEDS_PER_CONFIG) as u64 + 1;
    let lr = LEARNING_RATES[config % LEARNING_RATES.len()];
    let batch = BATCH_SIZES[(config / LEARNING_RATES.len()) % BATCH_SIZES.len()];
    let dropout = DROPOUTS[(config / 16) % DROPOUTS.len()];
    let group = format!("c{config:05}-lr{lr}-bs{batch}-do{dropout}");
    let name = format!("{group}-s{seed}");
    let project_name = format!("proj-{project:03}");
    let fate = fate_of(&mut rng, args.steps);
    let start = START + (project * args.runs + run) as f64 * 600.0;

    let path = project_dir(&args.out, project).join(format!("run-{run:05}.jsonl"));
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
    let mut line = String::with_capacity(512);

    write!(
        line,
        r#"{{"type":"header","format_version":1,"project":"{project_name}","run":"{name}","start":{start:.3},"#
    )
    .unwrap();
    write!(
        line,
        r#""params":{{"lr":{lr},"batch_size":{batch},"dropout":{dropout},"weight_decay":{wd},"epochs":{epochs},"optimizer":{{"name":"adamw","beta_1":0.9,"beta_2":0.999}},"schedule":"cosine"}},"#,
        wd = [0.0, 0.01, 0.1][config % 3],
        epochs = (args.steps / 100).max(1),
    )
    .unwrap();
    write!(
        line,
        r#""model":{{"name":"mlp","layers":[{{"name":"dense","type":"Dense","output_shape":[null,512],"params":401920,"trainable":true}},{{"name":"dropout","type":"Dropout","output_shape":[null,512],"params":0,"trainable":true}},{{"name":"dense_1","type":"Dense","output_shape":[null,10],"params":5130,"trainable":true}}],"total_params":407050}},"#
    )
    .unwrap();
    writeln!(
        line,
        r#""env":{{"host":"bench-{host}","language":"Python 3.11.7","frameworks":{{"torch":"2.3.0"}}}},"tags":["bench","sweep"],"seed":{seed},"group":"{group}","primary_metric":"val_accuracy"}}"#,
        host = run % 8,
    )
    .unwrap();
    out.write_all(line.as_bytes())?;
    let mut bytes = line.len() as u64;

    // Each run converges to its own floor at its own speed; the config sets most of it.
    let floor = 0.05 + 0.3 * rng.next_f64() + dropout * 0.1;
    let speed = 3.0 + 4.0 * rng.next_f64() * (lr / 1e-3).sqrt();
    let last_step = match fate {
        Fate::Fails(at) | Fate::CutOff(at) => at,
        _ => args.steps.saturating_sub(1),
    };
    let mut ema_loss = f64::NAN;
    for step in 0..=last_step {
        if args.steps == 0 {
            break;
        }
        line.clear();
        let t = step as f64 / args.steps.max(1) as f64;
        let time = start + step as f64 * 0.35 + rng.next_f64() * 0.01;
        write!(
            line,
            r#"{{"type":"metrics","step":{step},"time":{time:.3},"metrics":{{"#
        )
        .unwrap();
        let diverged = matches!(fate, Fate::Diverges(at) if step >= at);
        let base = floor + 2.3 * (-speed * t).exp();
        let loss = base * (1.0 + 0.08 * rng.normal());
        let val_loss = base * 1.05 + 0.02 * rng.normal().abs();
        ema_loss = if ema_loss.is_nan() {
            loss
        } else {
            0.9 * ema_loss + 0.1 * loss
        };
        for (i, metric) in names.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            let value = match i {
                0 if diverged => f64::NAN,
                0 => loss,
                1 => (1.0 - ema_loss / 2.5).clamp(0.0, 1.0),
                2 if diverged => f64::NAN,
                2 => val_loss,
                3 if diverged => 0.1,
                3 => (1.0 - val_loss / 2.4 + 0.005 * rng.normal()).clamp(0.0, 1.0),
                4 => lr * 0.5 * (1.0 + (std::f64::consts::PI * t).cos()),
                5 => 0.5 + 2.0 * (-3.0 * t).exp() + 0.3 * rng.next_f64(),
                _ => (i as f64) + rng.normal(),
            };
            write!(line, "\"{metric}\":").unwrap();
            push_number(&mut line, value);
        }
        line.push_str("}}\n");
        if fate == Fate::CutOff(step) {
            // The process died in the middle of this write.
            line.truncate(line.len() * 2 / 3);
        }
        out.write_all(line.as_bytes())?;
        bytes += line.len() as u64;
    }
    line.clear();
    match fate {
        Fate::Finished | Fate::Diverges(_) => {
            let test = (1.0 - floor / 2.4).clamp(0.0, 1.0);
            write!(
                line,
                r#"{{"type":"end","status":"finished","time":{end:.3},"metrics":{{"test_accuracy":"#,
                end = start + args.steps as f64 * 0.35 + 5.0
            )
            .unwrap();
            push_number(&mut line, test);
            line.push_str("},\"error\":null}\n");
        }
        Fate::Fails(at) => {
            writeln!(
                line,
                r#"{{"type":"end","status":"failed","time":{end:.3},"error":"RuntimeError: CUDA out of memory at step {at}"}}"#,
                end = start + at as f64 * 0.35 + 1.0
            )
            .unwrap();
        }
        Fate::CutOff(_) => {}
    }
    out.write_all(line.as_bytes())?;
    bytes += line.len() as u64;
    out.flush()?;
    Ok(bytes)
}

/// Writes a value rounded to four significant digits, as a logger that rounds would; `NaN` as
/// Python's `json.dumps` writes it.
fn push_number(line: &mut String, value: f64) {
    if !value.is_finite() {
        line.push_str(if value.is_nan() {
            "NaN"
        } else if value > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        });
        return;
    }
    if value == 0.0 {
        line.push('0');
        return;
    }
    let digits = 3 - value.abs().log10().floor() as i32;
    let rounded = if digits >= 0 {
        let scale = 10f64.powi(digits);
        (value * scale).round() / scale
    } else {
        let scale = 10f64.powi(-digits);
        (value / scale).round() * scale
    };
    write!(line, "{rounded}").unwrap();
}

/// SplitMix64: tiny, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, project: u64, run: u64) -> Self {
        let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        for part in [project, run] {
            rng.0 ^= part.wrapping_mul(0xD1B5_4A32_D192_ED03);
            rng.next_u64();
        }
        rng
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly standard normal (sum of uniforms; no libm differences across machines).
    fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.next_f64()).sum::<f64>() * 1.732 - 3.464
    }
}
