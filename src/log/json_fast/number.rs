//! Reads one JSON number from its digits, with the value serde_json gives it.

/// Powers of ten that a double holds exactly.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Digits (leading zeros included) that always fit in a `u64`: 10^19 - 1 < 2^64.
const EXACT_DIGITS: usize = 19;

/// Reads the decimal digits from `at` into `mantissa` (wrapping: the caller counts the digits
/// and takes the exact path only when they fit); returns where they end.
#[inline(always)]
fn digits(bytes: &[u8], at: usize, mantissa: &mut u64) -> usize {
    let mut i = at;
    while let Some(&b) = bytes.get(i) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        i += 1;
    }
    i
}

/// The number starting at byte `at` of `bytes` and the offset just past it: correctly rounded
/// (serde_json's `float_roundtrip` and the standard library both are, and an integer's `as f64`
/// rounds the same way), or `None` when its syntax is not JSON's (`01`, `1.`, `.5`, `+1`, which
/// `str::parse` is looser about) or it overflows a double (serde_json refuses those, the caller
/// saturates). What follows the number is the caller's to check.
///
/// Digits and exponent are gathered while the syntax is checked. When the digits make an
/// integer below 2^52 and the exponent is within ±22, one IEEE multiplication or division of two
/// exact doubles is the correctly rounded value (Clinger's fast path, the first thing
/// `str::parse` tries too); anything else is read by `str::parse` from the text.
#[inline(always)]
pub(super) fn read(bytes: &[u8], at: usize) -> Option<(f64, usize)> {
    let start = at;
    let mut i = at;
    let negative = bytes.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let mut mantissa: u64 = 0;
    let integer_start = i;
    i = digits(bytes, i, &mut mantissa);
    let integer_digits = i - integer_start;
    // No digit, or a leading zero before another digit (`01`): not JSON.
    if integer_digits == 0 || (integer_digits > 1 && bytes[integer_start] == b'0') {
        return None;
    }
    let mut fraction_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let fraction_start = i;
        i = digits(bytes, i, &mut mantissa);
        fraction_digits = i - fraction_start;
        if fraction_digits == 0 {
            return None;
        }
    }
    let mut exponent = -(fraction_digits as i64);
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        let negative_exponent = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let first = i;
        let mut written: i64 = 0;
        while let Some(&b) = bytes.get(i) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            written = (written * 10 + i64::from(digit)).min(1 << 40);
            i += 1;
        }
        if i == first {
            return None;
        }
        exponent += if negative_exponent { -written } else { written };
    }
    let exact = integer_digits + fraction_digits <= EXACT_DIGITS && mantissa < 1 << 52;
    if let (true, Some(&power)) = (exact, POWERS_OF_TEN.get(exponent.unsigned_abs() as usize)) {
        let mantissa = exact_double(mantissa);
        let magnitude = if exponent < 0 {
            mantissa / power
        } else {
            mantissa * power
        };
        // Below 2^52 × 10^22: always finite, so nothing waits on the division to answer.
        return Some((if negative { -magnitude } else { magnitude }, i));
    }
    read_by_parse(bytes, start, i)
}

/// The number of `bytes[start..end]`, whose syntax was checked, read by `str::parse`: digits
/// too many or an exponent too large for one exact operation. Out of line, so that the fast
/// path stays small enough to be inlined into the readers' loops.
#[cold]
#[inline(never)]
fn read_by_parse(bytes: &[u8], start: usize, end: usize) -> Option<(f64, usize)> {
    // Digits, signs, a point and an exponent: ASCII.
    let value: f64 = std::str::from_utf8(bytes.get(start..end)?)
        .ok()?
        .parse()
        .ok()?;
    value.is_finite().then_some((value, end))
}

/// `integer as f64` for an integer below 2^52, exactly: the double whose exponent is 2^52 and
/// whose mantissa field is the integer, minus 2^52. The conversion instruction (`cvtsi2sd`)
/// writes only half of its register and so waits for whatever was there last, here the previous
/// number's division: every number of a line queued behind the one before. A whole-register move
/// of the bits has no such wait.
#[inline]
fn exact_double(integer: u64) -> f64 {
    const TWO_TO_52: u64 = 0x4330_0000_0000_0000;
    debug_assert!(integer < 1 << 52);
    f64::from_bits(TWO_TO_52 | integer) - f64::from_bits(TWO_TO_52)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<f64> {
        read(text.as_bytes(), 0)
            .filter(|&(_, end)| end == text.len())
            .map(|(v, _)| v)
    }

    #[test]
    fn reads_what_serde_json_reads_bit_for_bit() {
        for text in [
            "0",
            "-0",
            "2.497",
            "0.001125",
            "1772809234.307",
            "9007199254740991",
            "9007199254740993",
            "1234567890123456789",
            "12345678901234567890",
            "0.0000000000000000001234",
            "1e22",
            "1e23",
            "4.9e-324",
            "2.2250738585072011e-308",
            "1.7976931348623157e308",
            "123456789012345678901234567890",
        ] {
            let expected: f64 = serde_json::from_str(text).unwrap();
            let got = value(text).unwrap_or_else(|| panic!("{text} refused"));
            assert_eq!(got.to_bits(), expected.to_bits(), "{text}");
        }
    }

    #[test]
    fn exact_double_is_the_conversion() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let edges = [
            0,
            1,
            2,
            9,
            10,
            (1 << 52) - 1,
            (1 << 52) - 2,
            1 << 51,
            1 << 32,
        ];
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let integer = edges.get(i as usize).copied().unwrap_or(x >> (12 + i % 52));
            assert_eq!(exact_double(integer).to_bits(), (integer as f64).to_bits());
        }
    }

    #[test]
    fn refuses_what_json_refuses_and_overflow() {
        for text in [
            "01", "-", "1.", ".5", "+1", "1e", "1e+", "-a", "1e400", "-1e999",
        ] {
            assert_eq!(value(text), None, "{text}");
        }
        // The number ends where its grammar does; the caller checks the byte after it.
        assert_eq!(read(b"12,", 0), Some((12.0, 2)));
        assert_eq!(read(b"1.5e3}", 0), Some((1500.0, 5)));
    }
}
