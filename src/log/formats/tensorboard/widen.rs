//! A float32 from an event file as the number the user logged: the shortest decimal that reads
//! back as the same float32 (0.1, not 0.10000000149011612, which is the float32 nearest 0.1
//! widened exactly), as a double.
//!
//! The decimal is Ryu's (Ulf Adams, PLDI 2018) shortest digits of a float32, computed here as
//! digits and exponent ([`shortest`], the algorithm of the `ryu` crate's `f2s.rs` line for line)
//! instead of text that is then parsed back, which cost more than finding the digits. Reading
//! them back is one correctly rounded multiplication or division when the exponent is within
//! ±22 (Clinger's fast path: both operands exact in a double), which every float32 of ordinary
//! size is, and `str::parse` otherwise. A test checks the result against `ryu`'s text parsed
//! by the standard library on 200,000 bit patterns (every one of the 2^32 was compared once
//! when this was written, see docs/BENCHMARKS.md).

/// `value` as the decimal that was logged (see the module). Not-a-number and the infinities are
/// kept, as are both zeros.
pub fn widen(value: f32) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return f64::from(value);
    }
    let bits = value.to_bits();
    let (digits, exponent) = shortest(bits & 0x7f_ffff, (bits >> 23) & 0xff);
    let magnitude = match EXACT_POWERS.get(exponent.unsigned_abs() as usize) {
        Some(power) if exponent < 0 => f64::from(digits) / power,
        Some(power) => f64::from(digits) * power,
        None => format!("{digits}e{exponent}")
            .parse()
            .unwrap_or(f64::from(value.abs())),
    };
    if value < 0.0 { -magnitude } else { magnitude }
}

/// [`widen`] with a memory of the values it widened: a metric's values repeat (a loss logged to
/// four digits, an accuracy of a few hundred distinct values), and a lookup is a fraction of
/// the widening's cost. One per event file; direct-mapped, so it never grows.
pub struct WidenCache {
    /// `(bits of the float32, its widening)`. All start as 0.0's own entry, which is right for
    /// the one float32 whose bits are 0 (and never matches another).
    slots: Vec<(u32, f64)>,
}

const WIDEN_SLOTS_LOG2: u32 = 12;

impl Default for WidenCache {
    fn default() -> Self {
        WidenCache {
            slots: vec![(0, 0.0); 1 << WIDEN_SLOTS_LOG2],
        }
    }
}

impl WidenCache {
    pub fn widen(&mut self, value: f32) -> f64 {
        let bits = value.to_bits();
        // Fibonacci hashing: the high bits of the product mix every bit of the float.
        let slot = (bits.wrapping_mul(0x9e37_79b1) >> (32 - WIDEN_SLOTS_LOG2)) as usize;
        let entry = &mut self.slots[slot];
        if entry.0 != bits {
            *entry = (bits, widen(value));
        }
        entry.1
    }
}

/// Powers of ten that a double holds exactly.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

const MANTISSA_BITS: u32 = 23;
const BIAS: i32 = 127;
/// Bits kept of the powers of five and of their inverses (Ryu's float tables are the upper 64
/// bits of its 125-bit double tables).
const POW5_INV_BITCOUNT: i32 = 125 - 64;
const POW5_BITCOUNT: i32 = 125 - 64;

/// The upper 64 bits of `floor(2^(pow5bits(q) - 1 + 125) / 5^q) + 1`, for the exponents of a
/// float32 (`q` up to `log10_pow2(104)` = 31).
const POW5_INV: [u64; 32] = pow5_inv_table();
/// The upper 64 bits of `5^i` scaled to 125 bits, for `i` up to 46 (`-e2 - q` of the smallest
/// subnormal, plus one).
const POW5: [u64; 48] = pow5_table();

const fn pow5_table() -> [u64; 48] {
    let mut table = [0u64; 48];
    let mut power: u128 = 1;
    let mut i = 0;
    while i < 48 {
        let bits = 128 - power.leading_zeros() as i32;
        table[i] = ((power << (125 - bits)) >> 64) as u64;
        power *= 5;
        i += 1;
    }
    table
}

const fn pow5_inv_table() -> [u64; 32] {
    let mut table = [0u64; 32];
    let mut power: u128 = 1;
    let mut q = 0;
    while q < 32 {
        // floor(2^k / 5^q) by long division, one bit of the quotient at a time: the remainder
        // stays below 5^q < 2^75 and the quotient below 2^126.
        let k = pow5bits(q as i32) - 1 + 125;
        let mut quotient: u128 = 0;
        let mut remainder: u128 = 1;
        let mut bit = 0;
        while bit < k {
            remainder <<= 1;
            quotient <<= 1;
            if remainder >= power {
                remainder -= power;
                quotient |= 1;
            }
            bit += 1;
        }
        table[q] = ((quotient + 1) >> 64) as u64;
        power *= 5;
        q += 1;
    }
    table
}

/// Bits of `5^e`, approximately enough for every exponent a float32 has.
const fn pow5bits(e: i32) -> i32 {
    (((e as u32) * 1_217_359) >> 19) as i32 + 1
}

fn log10_pow2(e: i32) -> u32 {
    (e as u32 * 78_913) >> 18
}

fn log10_pow5(e: i32) -> u32 {
    (e as u32 * 732_923) >> 20
}

fn pow5_factor(mut value: u32) -> u32 {
    let mut count = 0;
    while value != 0 && value % 5 == 0 {
        value /= 5;
        count += 1;
    }
    count
}

fn multiple_of_power_of_5(value: u32, p: u32) -> bool {
    pow5_factor(value) >= p
}

fn multiple_of_power_of_2(value: u32, p: u32) -> bool {
    value & ((1u32 << p) - 1) == 0
}

fn mul_shift(m: u32, factor: u64, shift: i32) -> u32 {
    let low = u64::from(m) * (factor & 0xffff_ffff);
    let high = u64::from(m) * (factor >> 32);
    (((low >> 32) + high) >> (shift - 32)) as u32
}

fn mul_pow5_inv_div_pow2(m: u32, q: u32, j: i32) -> u32 {
    mul_shift(m, POW5_INV[q as usize] + 1, j)
}

fn mul_pow5_div_pow2(m: u32, i: u32, j: i32) -> u32 {
    mul_shift(m, POW5[i as usize], j)
}

/// The shortest decimal `digits * 10^exponent` that reads back as the positive, finite,
/// nonzero float32 of these mantissa and exponent bits, the nearest one when several are as
/// short (Ryu's `f2d`).
fn shortest(ieee_mantissa: u32, ieee_exponent: u32) -> (u32, i32) {
    // Two more bits, for the bounds halfway to the neighbours.
    let (e2, m2) = if ieee_exponent == 0 {
        (1 - BIAS - MANTISSA_BITS as i32 - 2, ieee_mantissa)
    } else {
        (
            ieee_exponent as i32 - BIAS - MANTISSA_BITS as i32 - 2,
            (1u32 << MANTISSA_BITS) | ieee_mantissa,
        )
    };
    let accept_bounds = m2 & 1 == 0;
    // The interval of the decimals that read back as this float: (mm, mp) around mv, times 2^e2.
    let mv = 4 * m2;
    let mp = 4 * m2 + 2;
    let mm_shift = u32::from(ieee_mantissa != 0 || ieee_exponent <= 1);
    let mm = 4 * m2 - 1 - mm_shift;

    // In base 10: vr, vp, vm times 10^e10.
    let (mut vr, mut vp, mut vm);
    let e10;
    let mut vm_is_trailing_zeros = false;
    let mut vr_is_trailing_zeros = false;
    let mut last_removed_digit = 0u32;
    if e2 >= 0 {
        let q = log10_pow2(e2);
        e10 = q as i32;
        let k = POW5_INV_BITCOUNT + pow5bits(q as i32) - 1;
        let i = -e2 + q as i32 + k;
        vr = mul_pow5_inv_div_pow2(mv, q, i);
        vp = mul_pow5_inv_div_pow2(mp, q, i);
        vm = mul_pow5_inv_div_pow2(mm, q, i);
        if q != 0 && (vp - 1) / 10 <= vm / 10 {
            // One removed digit is needed even when the loop below removes none.
            let l = POW5_INV_BITCOUNT + pow5bits(q as i32 - 1) - 1;
            last_removed_digit = mul_pow5_inv_div_pow2(mv, q - 1, -e2 + q as i32 - 1 + l) % 10;
        }
        if q <= 9 {
            // Only one of mp, mv and mm can be a multiple of 5, if any.
            if mv % 5 == 0 {
                vr_is_trailing_zeros = multiple_of_power_of_5(mv, q);
            } else if accept_bounds {
                vm_is_trailing_zeros = multiple_of_power_of_5(mm, q);
            } else {
                vp -= u32::from(multiple_of_power_of_5(mp, q));
            }
        }
    } else {
        let q = log10_pow5(-e2);
        e10 = q as i32 + e2;
        let i = -e2 - q as i32;
        let k = pow5bits(i) - POW5_BITCOUNT;
        let mut j = q as i32 - k;
        vr = mul_pow5_div_pow2(mv, i as u32, j);
        vp = mul_pow5_div_pow2(mp, i as u32, j);
        vm = mul_pow5_div_pow2(mm, i as u32, j);
        if q != 0 && (vp - 1) / 10 <= vm / 10 {
            j = q as i32 - 1 - (pow5bits(i + 1) - POW5_BITCOUNT);
            last_removed_digit = mul_pow5_div_pow2(mv, (i + 1) as u32, j) % 10;
        }
        if q <= 1 {
            // mv = 4 * m2 has at least two trailing zero bits; mm has one when mm_shift is 1;
            // mp = mv + 2 has one.
            vr_is_trailing_zeros = true;
            if accept_bounds {
                vm_is_trailing_zeros = mm_shift == 1;
            } else {
                vp -= 1;
            }
        } else if q < 31 {
            vr_is_trailing_zeros = multiple_of_power_of_2(mv, q - 1);
        }
    }

    // The shortest decimal in the interval.
    let mut removed = 0;
    let digits = if vm_is_trailing_zeros || vr_is_trailing_zeros {
        // The general case (about 4 % of floats).
        while vp / 10 > vm / 10 {
            vm_is_trailing_zeros &= vm % 10 == 0;
            vr_is_trailing_zeros &= last_removed_digit == 0;
            last_removed_digit = vr % 10;
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed += 1;
        }
        if vm_is_trailing_zeros {
            while vm % 10 == 0 {
                vr_is_trailing_zeros &= last_removed_digit == 0;
                last_removed_digit = vr % 10;
                vr /= 10;
                vm /= 10;
                removed += 1;
            }
        }
        if vr_is_trailing_zeros && last_removed_digit == 5 && vr % 2 == 0 {
            // Round half to even when the exact number is …50…0.
            last_removed_digit = 4;
        }
        // vr + 1 when vr is outside the bounds or rounds up.
        let outside = vr == vm && (!accept_bounds || !vm_is_trailing_zeros);
        vr + u32::from(outside || last_removed_digit >= 5)
    } else {
        while vp / 10 > vm / 10 {
            last_removed_digit = vr % 10;
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed += 1;
        }
        vr + u32::from(vr == vm || last_removed_digit >= 5)
    };
    (digits, e10 + removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: ryu's shortest decimal as text, read back by the standard library.
    fn widen_by_parsing(value: f32) -> f64 {
        if !value.is_finite() {
            return f64::from(value);
        }
        ryu::Buffer::new().format_finite(value).parse().unwrap()
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn the_tables_are_ryus() {
        // Entries of ryu's d2s_full_table.rs (the upper halves).
        assert_eq!(POW5_INV[0], 2_305_843_009_213_693_952);
        assert_eq!(POW5_INV[1], 1_844_674_407_370_955_161);
        assert_eq!(POW5_INV[31], 1_169_201_309_864_722_334);
        assert_eq!(POW5[1], 1_441_151_880_758_558_720);
        assert_eq!(POW5[27], 1_862_645_149_230_957_031);
        assert_eq!(POW5[47], 1_262_177_448_353_618_888);
    }

    #[test]
    fn widening_matches_a_full_parse_of_the_shortest_decimal() {
        let mut bits: u32 = 0x1234_5678;
        let special = [
            0.0f32,
            -0.0,
            0.1,
            1.0,
            3.4028235e38,
            -3.4028235e38,
            1.0e-45,
            f32::MIN_POSITIVE,
            f32::MIN_POSITIVE * 0.5,
            123456790.0,
            16777216.0,
            1e22,
            1e23,
            1e-22,
            1e-23,
            2.5e-7,
            0.3,
        ];
        for value in special.into_iter().chain((0..200_000).map(|_| {
            // xorshift: a spread of bit patterns over every exponent.
            bits ^= bits << 13;
            bits ^= bits >> 17;
            bits ^= bits << 5;
            f32::from_bits(bits)
        })) {
            let (fast, slow) = (widen(value), widen_by_parsing(value));
            assert!(same(fast, slow), "{value:e}: {fast:e} vs {slow:e}");
        }
        // Every 11th float32 of two binades where the values people log lie (the ignored test
        // below takes every float32).
        let binades =
            (0.001f32.to_bits()..0.002f32.to_bits()).chain(1.0f32.to_bits()..2.0f32.to_bits());
        for bits in binades.step_by(11) {
            let value = f32::from_bits(bits);
            assert!(same(widen(value), widen_by_parsing(value)), "{value:e}");
        }
        assert_eq!(widen(0.1), 0.1);
        assert_eq!(widen(-2.5e-7), -2.5e-7);
        assert_eq!(widen(-0.0).to_bits(), (-0.0f64).to_bits());
        assert!(widen(f32::NAN).is_nan());
        assert_eq!(widen(f32::NEG_INFINITY), f64::NEG_INFINITY);
    }

    #[test]
    fn the_cache_gives_the_same_answers() {
        let mut cache = WidenCache::default();
        for value in [
            0.1f32,
            0.0,
            -0.0,
            0.1,
            f32::NAN,
            7.25,
            0.0,
            -0.0,
            0.3 + f32::EPSILON,
        ] {
            for _ in 0..2 {
                assert!(same(cache.widen(value), widen(value)));
            }
        }
    }

    /// Every float32 against ryu's text, parsed (2^32 patterns; about a minute per core in a
    /// release build): `cargo test --release --lib widen -- --ignored`.
    #[test]
    #[ignore = "minutes; run by hand after a change to the widening"]
    fn every_float32_is_widened_as_ryus_text_reads() {
        use rayon::prelude::*;
        let wrong = (0..=u32::MAX >> 16)
            .into_par_iter()
            .map(|high| {
                (0..=0xffff)
                    .map(|low| f32::from_bits(high << 16 | low))
                    .filter(|v| !same(widen(*v), widen_by_parsing(*v)))
                    .count()
            })
            .sum::<usize>();
        assert_eq!(wrong, 0);
    }
}
