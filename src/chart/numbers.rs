//! Numbers as charts write them: pixel coordinates with one decimal, and the script's JSON
//! numbers in their shortest round-trip form. A run page is mostly these (about 24,000 numbers
//! for six metrics of 1,000 steps), so both are written without `format!`, and both are pinned
//! byte for byte by the tests below against the plain formulations they replaced.

/// Appends a pixel coordinate with one decimal, without trailing ".0". Formatted from integer
/// tenths: charts write hundreds of thousands of coordinates, and float formatting is slow.
pub fn push_px(out: &mut String, value: f64) {
    let scaled = value * 10.0;
    // A coordinate on the chart, by far the most common: rounded (halves up, as `round` does
    // for positive values) and written digit by digit. The comparison is false for NaN.
    if (0.0..1e9).contains(&scaled) {
        let whole = scaled as u32;
        let tenths = whole + u32::from(scaled - f64::from(whole) >= 0.5);
        push_tenths(out, tenths);
        return;
    }
    let tenths = scaled.round() as i64;
    if tenths < 0 {
        out.push('-');
    }
    let magnitude = tenths.unsigned_abs();
    let mut digits = itoa::Buffer::new();
    out.push_str(digits.format(magnitude / 10));
    if magnitude % 10 != 0 {
        out.push('.');
        out.push(char::from(b'0' + (magnitude % 10) as u8));
    }
}

/// Tenths of a pixel with their text in [`PX_TEXT`]: every coordinate of a chart (720 × 400).
const PX_SLOTS: usize = 1 << 14;
/// Bytes per slot of [`PX_TEXT`]: "1638.3" and the spaces after it.
const PX_SLOT: usize = 8;

/// `tenths / 10` as [`push_tenths`] writes it, for every tenths below [`PX_SLOTS`], each in its
/// slot of [`PX_SLOT`] bytes padded with spaces, and each one's length: a coordinate is then one
/// copy of eight bytes and a shorter length, where itoa's digits and a variable-length copy
/// were most of a chart's time (each chart writes a coordinate for every point).
const PX_TABLE: ([u8; PX_SLOTS * PX_SLOT], [u8; PX_SLOTS]) = {
    let mut text = [b' '; PX_SLOTS * PX_SLOT];
    let mut lengths = [0u8; PX_SLOTS];
    let mut tenths = 0;
    while tenths < PX_SLOTS {
        let (whole, tenth) = (tenths / 10, tenths % 10);
        let mut digits = 1;
        while whole / 10usize.pow(digits) > 0 {
            digits += 1;
        }
        let at = tenths * PX_SLOT;
        let mut i = 0;
        while i < digits {
            let power = 10usize.pow(digits - 1 - i);
            text[at + i as usize] = b'0' + (whole / power % 10) as u8;
            i += 1;
        }
        let mut length = digits as usize;
        if tenth != 0 {
            text[at + length] = b'.';
            text[at + length + 1] = b'0' + tenth as u8;
            length += 2;
        }
        lengths[tenths] = length as u8;
        tenths += 1;
    }
    (text, lengths)
};
static PX_TEXT: &str = match std::str::from_utf8(&PX_TABLE.0) {
    Ok(text) => text,
    Err(_) => panic!("pixel table is ASCII"),
};
static PX_LENGTHS: [u8; PX_SLOTS] = PX_TABLE.1;

/// Writes `tenths / 10` with one decimal, without trailing ".0".
fn push_tenths(out: &mut String, tenths: u32) {
    let slot = tenths as usize;
    if let (Some(text), Some(&length)) = (
        PX_TEXT.get(slot * PX_SLOT..(slot + 1) * PX_SLOT),
        PX_LENGTHS.get(slot),
    ) {
        let end = out.len() + usize::from(length);
        out.push_str(text);
        out.truncate(end);
        return;
    }
    out.push_str(itoa::Buffer::new().format(tenths / 10));
    let tenth = (tenths % 10) as u8;
    if tenth != 0 {
        out.push('.');
        out.push(char::from(b'0' + tenth));
    }
}

/// Serializes a number for the script's JSON: non-finite values as strings the script knows.
pub fn json_number(value: f64) -> String {
    let mut out = String::new();
    push_json_number(&mut out, value);
    out
}

/// Appends a number for the script's JSON: the shortest form that reads back as the same
/// float, written the way `ryu` writes it (`0.1`, `1.5e-7`, `1e16`).
pub fn push_json_number(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("\"NaN\"");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        });
    } else if value.abs() < 1e15 && (value as i64) as f64 == value {
        // Whole numbers (steps, most x values) as integers; `-0.0` as `0`.
        out.push_str(itoa::Buffer::new().format(value as i64));
    } else {
        push_shortest(out, value);
    }
}

/// The shortest round-trip digits of a finite float, laid out as `ryu` lays them out. zmij finds
/// the same digits about three times faster (the chart data of a run page is mostly such
/// numbers); its layout differs from ryu's only in the sign of a positive exponent (`1e+16`),
/// which this drops so that pages stay byte for byte what they were.
fn push_shortest(out: &mut String, value: f64) {
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(value);
    // Only numbers from 1e16 up are written with a positive exponent.
    if value.abs() >= 1e16 {
        if let Some(at) = text.find("e+") {
            out.push_str(&text[..=at]);
            out.push_str(&text[at + 2..]);
            return;
        }
    }
    out.push_str(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `push_px` wrote before it had a fast path: `round`, then integer tenths.
    fn px_reference(value: f64) -> String {
        let tenths = (value * 10.0).round() as i64;
        let mut out = String::new();
        if tenths < 0 {
            out.push('-');
        }
        let magnitude = tenths.unsigned_abs();
        out.push_str(&(magnitude / 10).to_string());
        if magnitude % 10 != 0 {
            out.push('.');
            out.push(char::from(b'0' + (magnitude % 10) as u8));
        }
        out
    }

    /// What `push_json_number` wrote before zmij: ryu for everything but whole numbers.
    fn json_reference(value: f64) -> String {
        if value.is_nan() {
            "\"NaN\"".to_owned()
        } else if value.is_infinite() {
            if value > 0.0 {
                "\"Infinity\""
            } else {
                "\"-Infinity\""
            }
            .to_owned()
        } else if value.fract() == 0.0 && value.abs() < 1e15 {
            (value as i64).to_string()
        } else {
            ryu::Buffer::new().format_finite(value).to_owned()
        }
    }

    /// A fixed xorshift sequence: the same values on every run.
    fn numbers(count: usize) -> impl Iterator<Item = u64> {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        (0..count).map(move |_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        })
    }

    #[test]
    fn pixels_are_written_as_rounding_then_tenths_wrote_them() {
        let mut values = vec![
            0.0,
            -0.0,
            0.04,
            0.05,
            0.15,
            0.25,
            0.95,
            -0.04,
            -0.05,
            -0.06,
            -3.25,
            86.0,
            86.45,
            86.55,
            99_999.95,
            1e8,
            99_999_999.96,
            1e9,
            1e12,
            -1e12,
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        // Halves in tenths, which `round` takes away from zero.
        values.extend((0..2000).map(|i| i as f64 / 20.0));
        values.extend((0..2000).map(|i| -(i as f64) / 20.0));
        values.extend(numbers(200_000).map(|r| (r % 8_000_000) as f64 / 1e4 - 50.0));
        values.extend(numbers(50_000).map(f64::from_bits));
        for value in values {
            let mut out = String::from("x");
            push_px(&mut out, value);
            assert_eq!(out[1..], px_reference(value), "{value:e}");
        }
    }

    #[test]
    fn json_numbers_are_what_ryu_wrote() {
        let mut values = vec![
            0.0,
            -0.0,
            0.1,
            1.0 / 3.0,
            2.224,
            0.0001,
            1e-5,
            9.99e-6,
            1.5e-7,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            1e15,
            999_999_999_999_999.9,
            1e16,
            -1e16,
            1.2345678901234568e17,
            1e21,
            1e22,
            1e23,
            123_456_789_012_345.67,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // Every bit pattern class: random doubles, and short decimals of every magnitude (the
        // shape of logged values), as doubles and widened from f32 (TensorBoard's).
        values.extend(numbers(300_000).map(f64::from_bits));
        for (i, r) in numbers(300_000).enumerate() {
            let digits = (r % 17) as i32 + 1;
            let exponent = (i % 60) as i32 - 30;
            let mantissa = (r >> 8) % 10u64.pow(digits.min(15) as u32);
            let value = mantissa as f64 * 10f64.powi(exponent - digits);
            values.extend([value, -value, f64::from(value as f32)]);
        }
        for value in values {
            let mut out = String::from("[");
            push_json_number(&mut out, value);
            assert_eq!(out[1..], json_reference(value), "{value:e}");
        }
    }
}
