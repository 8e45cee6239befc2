//! Fixed, locale-free number and time formatting, so output is byte-identical everywhere.

/// Significant digits shown for metric values in tables.
pub const SIGNIFICANT: usize = 4;

/// A metric value for display: 4 significant digits, scientific for very small or large values,
/// and the non-finite values spelled out.
pub fn number(value: f64) -> String {
    number_with(value, SIGNIFICANT)
}

/// Like [`number`] with a chosen number of significant digits.
pub fn number_with(value: f64, significant: usize) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "Infinity".to_owned()
        } else {
            "-Infinity".to_owned()
        };
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    let magnitude = value.abs();
    if value.fract() == 0.0 && magnitude < 1e6 {
        return fixed(value, 0);
    }
    if !(1e-3..1e6).contains(&magnitude) {
        let text = format!("{:.*e}", significant.saturating_sub(1), value);
        return tidy_exponent(&text);
    }
    let digits_before = magnitude.log10().floor() as i64 + 1;
    let decimals = (significant as i64 - digits_before).max(0) as usize;
    fixed(value, decimals)
}

/// `format!("{value:.decimals$}")`, the same bytes, mostly without float formatting: exact
/// formatting to a number of decimals (grisu, then dragon with big integers when grisu cannot
/// decide) was 1 % of a build's samples, called for chart legends, axes and table cells.
pub fn fixed(value: f64, decimals: usize) -> String {
    let mut out = String::new();
    push_fixed(&mut out, value, decimals);
    out
}

/// Appends [`fixed`]'s text of `value`.
pub fn push_fixed(out: &mut String, value: f64, decimals: usize) {
    const POWERS: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    if let Some(&power) = POWERS.get(decimals) {
        let scaled = value.abs() * power as f64;
        // Below 2^40 the product is within 2^-13 of `|value| × 10^decimals` (10^decimals is
        // exact), so a fraction more than 1e-3 from one half rounds as the exact decimal
        // expansion does; nearer ties, NaN and the rest go to `format!`.
        if scaled < (1u64 << 40) as f64 {
            let whole = scaled as u64;
            let fraction = scaled - whole as f64;
            if (fraction - 0.5).abs() > 1e-3 {
                let rounded = whole + u64::from(fraction > 0.5);
                // `format!` writes the sign of every negative value, -0.0 and those that
                // round to zero included.
                if value.is_sign_negative() {
                    out.push('-');
                }
                let mut digits = itoa::Buffer::new();
                out.push_str(digits.format(rounded / power));
                if decimals > 0 {
                    out.push('.');
                    let fraction = digits.format(rounded % power);
                    for _ in fraction.len()..decimals {
                        out.push('0');
                    }
                    out.push_str(fraction);
                }
                return;
            }
        }
    }
    use std::fmt::Write;
    let _ = write!(out, "{value:.decimals$}");
}

/// An axis tick: the shortest text for the value rounded to 6 significant digits ("0.05", not
/// "0.0500"), scientific outside [1e-3, 1e6) as [`number`] is. The script's `tick` in
/// format.js is the same rule (tests/fixtures/contracts/numbers.json).
pub fn tick(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 || !value.is_finite() {
        return number(value);
    }
    if !(1e-3..1e6).contains(&magnitude) {
        return tidy_exponent(&format!("{value:.2e}"));
    }
    let rounded: f64 = format!("{value:.5e}").parse().unwrap_or(value);
    number_full(rounded)
}

/// The shortest text that reads back as the same number (for CSV, JSON, data attributes).
pub fn number_full(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 {
            "Infinity".to_owned()
        } else {
            "-Infinity".to_owned()
        }
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        // Whole: as an integer, with the sign `{:.0}` gives -0.0.
        let whole = itoa::Buffer::new().format(value as i64).to_owned();
        if value == 0.0 && value.is_sign_negative() {
            "-0".to_owned()
        } else {
            whole
        }
    } else {
        format!("{value}")
    }
}

/// Where in training a step is, in the convention of `model::progress`: "epoch 15 (step 14)"
/// for a whole-numbered epoch (the step is left out when it is the same number), "step 1000
/// (epoch 0.85)" for a fractional one, "step 14" without an epoch.
pub fn position(step: i64, shown_epoch: Option<f64>) -> String {
    match shown_epoch {
        Some(e) if e.fract() == 0.0 && e == step as f64 => format!("epoch {}", number(e)),
        Some(e) if e.fract() == 0.0 => format!("epoch {} (step {step})", number(e)),
        Some(e) => format!("step {step} (epoch {})", number(e)),
        None => format!("step {step}"),
    }
}

/// A mean and its spread with one rule for every output (HTML, Markdown, LaTeX, the page
/// scripts): the mean to `significant` digits, the spread in the mean's decimals ("0.9912 ±
/// 0.0008"; "0.99 ± 0.00" at two digits, as papers print it), or to `significant` digits when
/// the mean is in scientific notation.
pub fn plus_minus(mean: f64, spread: f64, significant: usize) -> String {
    let mean_text = number_with(mean, significant);
    format!(
        "{mean_text} ± {}",
        spread_like(spread, &mean_text, significant)
    )
}

/// `value` in the decimals `reference` shows (see [`plus_minus`]).
pub fn spread_like(value: f64, reference: &str, significant: usize) -> String {
    if !value.is_finite() || reference.contains(['e', 'N', 'I']) {
        return number_with(value, significant);
    }
    let decimals = reference.split_once('.').map_or(0, |(_, d)| d.len());
    fixed(value, decimals)
}

/// "1.5e-5" rather than Rust's "1.500e-5"; keeps the exponent as written otherwise.
fn tidy_exponent(text: &str) -> String {
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let mantissa = if mantissa.contains('.') {
                mantissa.trim_end_matches('0').trim_end_matches('.')
            } else {
                mantissa
            };
            format!("{mantissa}e{exponent}")
        }
        None => text.to_owned(),
    }
}

/// An integer with thin spaces between thousands: 1 234 567 (reads well in any locale).
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202F}');
        }
        out.push(ch);
    }
    out
}

/// A duration such as "42 s", "3 min 05 s", "2 h 07 min", "3 d 04 h".
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return String::new();
    }
    let total = seconds.round() as u64;
    let (d, h, m, s) = (
        total / 86_400,
        total / 3600 % 24,
        total / 60 % 60,
        total % 60,
    );
    if d > 0 {
        format!("{d} d {h:02} h")
    } else if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else if seconds < 10.0 && seconds.fract() != 0.0 {
        format!("{seconds:.1} s")
    } else {
        format!("{s} s")
    }
}

/// A Unix time as "2026-03-01 10:00 UTC"; always UTC so no machine's zone leaks into the site.
pub fn timestamp(unix_seconds: f64) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond((unix_seconds * 1000.0).round() as i64) else {
        return String::new();
    };
    ts.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M UTC")
        .to_string()
}

/// The same time in RFC 3339, for `<time datetime>` attributes and data files.
pub fn timestamp_rfc3339(unix_seconds: f64) -> String {
    jiff::Timestamp::from_millisecond((unix_seconds * 1000.0).round() as i64)
        .map(|ts| ts.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_with_four_significant_digits() {
        assert_eq!(number(0.97412), "0.9741");
        assert_eq!(number(2.312585), "2.313");
        assert_eq!(number(123.456), "123.5");
        assert_eq!(number(20.0), "20");
        assert_eq!(number(0.00001234), "1.234e-5");
        assert_eq!(number(1.5e-5), "1.5e-5");
        assert_eq!(number(12345678.9), "1.235e7");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(number(-0.0), "0");
    }

    /// `fixed` and `number_full` write what `format!` writes, for every magnitude and number of
    /// decimals, at and around the halves where rounding is decided.
    #[test]
    fn fixed_decimals_are_formats_bytes() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values = vec![
            0.0, -0.0, 0.05, 0.25, 2.5, -2.5, 0.125, 1e-300, 1e300, 0.95, 9.95,
        ];
        values.extend([
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1099511627775.5,
            1e12,
        ]);
        for _ in 0..200_000 {
            let bits = next();
            // Random doubles of every exponent, and short decimals near halves.
            values.push(f64::from_bits(bits));
            let digits = (bits >> 12) % 10_000_000;
            let scale = 10f64.powi((bits % 12) as i32 - 4);
            values.push(digits as f64 / 1e3 * scale);
            values.push((digits as f64 + 0.5) / 10f64.powi((bits % 7) as i32));
            values.push(-((digits as f64 + 0.5) / 10f64.powi((bits % 7) as i32)));
        }
        for &v in &values {
            for decimals in 0..9 {
                assert_eq!(
                    fixed(v, decimals),
                    format!("{v:.decimals$}"),
                    "{v:e} {decimals}"
                );
            }
            let reference = if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            };
            if v.is_finite() {
                assert_eq!(number_full(v), reference, "{v:e}");
            }
        }
    }

    #[test]
    fn full_numbers_round_trip() {
        for v in [0.1, 1e-300, 123456789.123, -2.5, 3.0] {
            assert_eq!(number_full(v).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn formats_counts_durations_and_times() {
        assert_eq!(count(1234567), "1\u{202F}234\u{202F}567");
        assert_eq!(count(999), "999");
        assert_eq!(duration(42.0), "42 s");
        assert_eq!(duration(185.0), "3 min 05 s");
        assert_eq!(duration(7620.0), "2 h 07 min");
        assert_eq!(timestamp(0.0), "1970-01-01 00:00 UTC");
        assert_eq!(timestamp_rfc3339(1.5), "1970-01-01T00:00:01.5Z");
    }
}
