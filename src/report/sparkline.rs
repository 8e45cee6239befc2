//! Unicode sparklines (`▁▂▄▆█`) for Markdown, where images cannot go: GitHub strips `data:`
//! images from comments, but eight block characters survive everywhere.

/// Characters per sparkline: the width of a series' trend, which is what tables draw (see
/// `model::detail::trend`).
pub const WIDTH: usize = crate::model::detail::TREND_WIDTH;

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Shown for a stretch of the series with no finite value (a run that diverged).
const GAP: char = '·';

/// A sparkline of `values` in order, at most [`WIDTH`] characters: the values are split into
/// equal buckets and each bucket's mean (of its finite values) is drawn between the smallest
/// and largest bucket. Empty input gives an empty string.
pub fn sparkline(values: &[f64]) -> String {
    if values.is_empty() {
        return String::new();
    }
    // The same buckets as the trend every run keeps (a bucket without a finite value is NaN
    // there, a gap here), so a sparkline drawn from a trend is the one drawn from every value.
    let buckets: Vec<Option<f64>> = crate::model::detail::trend(values)
        .into_iter()
        .map(|v| (!v.is_nan()).then_some(v))
        .collect();
    let (lo, hi) = buckets
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    buckets
        .iter()
        .map(|bucket| match bucket {
            None => GAP,
            Some(_) if hi <= lo => BLOCKS[3],
            Some(v) => {
                let level = ((v - lo) / (hi - lo) * 7.0).round() as usize;
                BLOCKS[level.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_rising_and_flat_series() {
        assert_eq!(
            sparkline(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
            "▁▂▃▄▅▆▇█"
        );
        assert_eq!(sparkline(&[2.0, 2.0, 2.0]), "▄▄▄");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn long_series_fit_the_width_and_gaps_show() {
        let values: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let line = sparkline(&values);
        assert_eq!(line.chars().count(), WIDTH);
        assert!(line.starts_with('▁') && line.ends_with('█'));
        assert_eq!(sparkline(&[1.0, 0.0, f64::NAN]), "█▁·");
    }
}
