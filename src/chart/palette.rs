//! Colours: a colour-blind-friendly qualitative palette for runs and series (Paul Tol's "bright"
//! and "muted" schemes), and a perceptually uniform sequential map for colouring by a value.

/// Qualitative palette; distinguishable with the common forms of colour blindness: Tol's
/// "bright" and "muted", then his "vibrant" and light tones, all dark enough to read on white.
pub const QUALITATIVE: [&str; 20] = [
    "#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#332288", "#117733",
    "#999933", "#882255", "#44AA99", "#DDCC77", "#EE7733", "#0077BB", "#CC3311", "#009988",
    "#EE3377", "#6699CC", "#997700", "#AA4499",
];

/// Dash patterns that tell apart runs whose colour repeats: the palette's first round is solid,
/// then each round another pattern.
pub const RUN_DASHES: [&str; 3] = ["7 3", "2 3", "9 3 2 3"];

/// The dash of validation series beside their training twin on a run's chart.
pub const VALIDATION_DASH: &str = "6 4";

/// The colour of the run at `index` in its project: the same on every chart of the site.
pub fn run_color(index: usize) -> &'static str {
    QUALITATIVE[index % QUALITATIVE.len()]
}

/// The dash pattern of the run at `index` (none for the first 20), so that colour and dash
/// together tell 80 runs apart.
pub fn run_dash(index: usize) -> Option<&'static str> {
    let round = index / QUALITATIVE.len();
    (round > 0).then(|| RUN_DASHES[(round - 1) % RUN_DASHES.len()])
}

/// The colour of the n-th series of a single-run chart.
pub fn series_color(index: usize) -> &'static str {
    QUALITATIVE[index % QUALITATIVE.len()]
}

/// Viridis, sampled at 9 stops; `t` in [0, 1]. Readable in grey and by colour-blind readers.
pub fn sequential(t: f64) -> String {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let position = t * (STOPS.len() - 1) as f64;
    let i = (position.floor() as usize).min(STOPS.len() - 2);
    let f = position - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    format!(
        "#{:02X}{:02X}{:02X}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}
