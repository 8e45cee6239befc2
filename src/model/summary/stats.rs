//! Small statistics for comparing seed groups: mean, sample standard deviation, and Welch's
//! unequal-variance t-test with its two-sided p-value. The Student t distribution function is
//! computed here through the regularized incomplete beta function (continued fraction, as in
//! Numerical Recipes §6.4), so no statistics crate is needed for one test.

use serde::Serialize;

/// Significance level of the comparison rule, stated in every report that uses it.
pub const ALPHA: f64 = 0.05;

/// Mean and spread of a set of finite values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (n − 1 denominator); 0 for a single value.
    pub std: f64,
    pub min: f64,
    pub max: f64,
    /// Half-width of the 95 % confidence interval of the mean (Student's t); `None` for n < 2.
    pub ci95: Option<f64>,
}

/// Mean, sample standard deviation, min and max of the finite values; `None` when there are none.
pub fn spread(values: &[f64]) -> Option<Spread> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    let n = finite.len();
    let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // Equal values have exactly that mean and no spread: summing them and dividing can land an
    // ulp away (3.585e-4 three times has a mean 5e-20 off), which would print as "± 6.6e-20".
    let mean = if min == max {
        min
    } else {
        finite.iter().sum::<f64>() / n as f64
    };
    let std = if n > 1 && min != max {
        let squares: f64 = finite.iter().map(|v| (v - mean) * (v - mean)).sum();
        (squares / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let mut spread = Spread {
        n,
        mean,
        std,
        min,
        max,
        ci95: None,
    };
    spread.ci95 = confidence_95(&spread);
    Some(spread)
}

/// The half-width of the 95 % confidence interval of the mean (Student's t with n − 1 degrees
/// of freedom); `None` for fewer than two values.
pub fn confidence_95(spread: &Spread) -> Option<f64> {
    if spread.n < 2 {
        return None;
    }
    Some(t_quantile_two_sided(ALPHA, (spread.n - 1) as f64) * spread.std / (spread.n as f64).sqrt())
}

/// The t with a two-sided p-value of `p` at `df` degrees of freedom, by bisection of
/// [`student_t_two_sided_p`] (which falls as t grows). Remembered per (p, df): a project page
/// asks for the same few (the seed-group sizes) hundreds of times, and each bisection costs 200
/// evaluations of the incomplete beta function (the largest cost of rebuilding a 1,000-run
/// project page). The value is the same whether it was remembered or not.
pub fn t_quantile_two_sided(p: f64, df: f64) -> f64 {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Mutex<HashMap<(u64, u64), f64>>> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    let key = (p.to_bits(), df.to_bits());
    if let Some(&t) = known.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return t;
    }
    let t = bisect_t_quantile(p, df);
    let mut known = known.lock().unwrap_or_else(|e| e.into_inner());
    // Bounded: degrees of freedom come from group sizes, but a caller could pass anything.
    if known.len() < 4096 {
        known.insert(key, t);
    }
    t
}

fn bisect_t_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1e6_f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if student_t_two_sided_p(mid, df) > p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// The outcome of Welch's t-test of `a` against `b`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Welch {
    /// (mean a − mean b) / standard error; infinite when both groups have no spread.
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
}

impl Welch {
    /// The rule: two-sided p below [`ALPHA`].
    pub fn significant(&self) -> bool {
        self.p < ALPHA
    }
}

/// Welch's t-test; `None` with fewer than two values on either side (no claim can be made).
pub fn welch_t_test(a: &Spread, b: &Spread) -> Option<Welch> {
    if a.n < 2 || b.n < 2 {
        return None;
    }
    let va = a.std * a.std / a.n as f64;
    let vb = b.std * b.std / b.n as f64;
    let diff = a.mean - b.mean;
    let se2 = va + vb;
    if se2 == 0.0 {
        // No run-to-run noise on either side: any difference is larger than the noise.
        let (t, p) = if diff == 0.0 {
            (0.0, 1.0)
        } else {
            (f64::INFINITY.copysign(diff), 0.0)
        };
        let df = (a.n + b.n - 2) as f64;
        return Some(Welch { t, df, p });
    }
    let t = diff / se2.sqrt();
    let df = se2 * se2 / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
    Some(Welch {
        t,
        df,
        p: student_t_two_sided_p(t, df),
    })
}

/// P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2).
pub fn student_t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    let x = df / (df + t * t);
    regularized_incomplete_beta(x, df / 2.0, 0.5).clamp(0.0, 1.0)
}

/// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1.
pub fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry
    // I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_continued_fraction(1.0 - x, b, a) / b
    }
}

/// Lentz's method for the incomplete beta continued fraction.
fn beta_continued_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPSILON: f64 = 1e-15;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < EPSILON {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error below 1e-15).
pub fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} is not within {tolerance} of {expected}"
        );
    }

    #[test]
    fn log_gamma_matches_factorials() {
        close(ln_gamma(1.0), 0.0, 1e-14);
        close(ln_gamma(5.0), 24f64.ln(), 1e-13);
        close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-14);
        close(ln_gamma(100.0), 359.134_205_369_575_4, 1e-9);
    }

    // Expected values from scipy 1.x: 2 * scipy.stats.t.sf(t, df).
    #[test]
    fn t_quantiles_match_tables() {
        // scipy.stats.t.ppf(0.975, df)
        close(t_quantile_two_sided(0.05, 1.0), 12.706_204_736, 1e-6);
        close(t_quantile_two_sided(0.05, 2.0), 4.302_652_730, 1e-6);
        close(t_quantile_two_sided(0.05, 30.0), 2.042_272_456, 1e-6);
        let three = spread(&[0.97, 0.98, 0.99]).unwrap();
        close(
            confidence_95(&three).unwrap(),
            4.302_652_730 * 0.01 / 3f64.sqrt(),
            1e-9,
        );
        assert_eq!(confidence_95(&spread(&[1.0]).unwrap()), None);
    }

    #[test]
    fn t_distribution_matches_scipy() {
        close(
            student_t_two_sided_p(2.0, 5.0),
            0.101_939_478_829_858_35,
            1e-12,
        );
        // df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2 exactly.
        close(student_t_two_sided_p(1.0, 1.0), 0.5, 1e-12);
        close(
            student_t_two_sided_p(0.5, 30.5),
            0.620_663_523_914_525_7,
            1e-12,
        );
        close(
            student_t_two_sided_p(-2.0, 5.0),
            0.101_939_478_829_858_35,
            1e-12,
        );
        assert_eq!(student_t_two_sided_p(f64::INFINITY, 3.0), 0.0);
    }

    #[test]
    fn spread_uses_the_sample_standard_deviation() {
        let s = spread(&[1.0, 2.0, 3.0, 4.0, f64::NAN]).unwrap();
        assert_eq!(s.n, 4);
        close(s.mean, 2.5, 1e-15);
        // sqrt(((1.5² + 0.5²) * 2) / 3) = sqrt(5/3)
        close(s.std, (5.0f64 / 3.0).sqrt(), 1e-15);
        assert_eq!((s.min, s.max), (1.0, 4.0));
        assert!(spread(&[f64::NAN]).is_none());
    }

    #[test]
    fn seeds_that_agree_exactly_have_their_value_as_mean_and_no_spread() {
        // Summing 0.1 three times and dividing by 3 gives 0.1 + 1.4e-17, which a fold row
        // showed as "0.1 ± 1.7e-17".
        for (value, n) in [(0.1, 3), (3.585e-4, 3), (0.7, 7)] {
            let s = spread(&vec![value; n]).unwrap();
            assert_eq!(s.mean.to_bits(), value.to_bits(), "{value} x {n}");
            assert_eq!(s.std, 0.0, "{value} x {n}");
            assert_eq!(s.ci95, Some(0.0), "{value} x {n}");
        }
    }

    // Expected values from scipy.stats.ttest_ind(a, b, equal_var=False), computed offline:
    //   a = [1, 2, 3, 4], b = [2.5, 3.5, 4.5]
    //   t = -1.1547005383792517, p = 0.3008027072551761, df = 4.959183673469389
    // By hand: mean a = 2.5, var a = 5/3; mean b = 3.5, var b = 1;
    //   se² = (5/3)/4 + 1/3 = 0.75, t = -1 / sqrt(0.75) = -1.1547.
    #[test]
    fn welch_matches_scipy_not_significant() {
        let a = spread(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        let b = spread(&[2.5, 3.5, 4.5]).unwrap();
        let w = welch_t_test(&a, &b).unwrap();
        close(w.t, -1.154_700_538_379_251_7, 1e-12);
        close(w.df, 4.959_183_673_469_389, 1e-10);
        close(w.p, 0.300_802_707_255_176_1, 1e-10);
        assert!(!w.significant());
    }

    // scipy.stats.ttest_ind([0.9912, 0.9905, 0.9921], [0.9850, 0.9861, 0.9843], equal_var=False):
    //   t = 8.771855821059528, p = 0.0009962519286472271, df = 3.9406460542652546
    #[test]
    fn welch_matches_scipy_significant() {
        let a = spread(&[0.9912, 0.9905, 0.9921]).unwrap();
        let b = spread(&[0.9850, 0.9861, 0.9843]).unwrap();
        let w = welch_t_test(&a, &b).unwrap();
        close(w.t, 8.771_855_821_059_528, 1e-8);
        close(w.df, 3.940_646_054_265_254_6, 1e-8);
        close(w.p, 0.000_996_251_928_647_227_1, 1e-10);
        assert!(w.significant());
    }

    #[test]
    fn no_claim_with_fewer_than_two_runs_a_side() {
        let one = spread(&[0.5]).unwrap();
        let three = spread(&[0.1, 0.2, 0.3]).unwrap();
        assert!(welch_t_test(&one, &three).is_none());
        assert!(welch_t_test(&three, &one).is_none());
    }

    #[test]
    fn no_spread_on_either_side() {
        let a = spread(&[1.0, 1.0]).unwrap();
        let b = spread(&[2.0, 2.0]).unwrap();
        let w = welch_t_test(&a, &b).unwrap();
        assert_eq!(w.p, 0.0);
        assert!(w.significant());
        assert_eq!(welch_t_test(&a, &a).unwrap().p, 1.0);
    }
}
