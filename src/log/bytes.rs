//! Small byte-string helpers for the readers' hot loops.

/// Whether two byte strings are equal, compared eight bytes at a time inline: the pieces of a
/// shape and metric names are a few to a few dozen bytes, where a call to `memcmp` per piece
/// cost more than the comparison.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word =
        |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    let half =
        |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or_default());
    match n {
        0..4 => a.iter().zip(b).all(|(x, y)| x == y),
        4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => {
            let mut at = 0;
            while at + 8 < n {
                if word(a, at) != word(b, at) {
                    return false;
                }
                at += 8;
            }
            // The last eight bytes, overlapping the words before when `n` is not a multiple.
            word(a, n - 8) == word(b, n - 8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_is_equality_at_every_length() {
        let text: Vec<u8> = (0..40u8).collect();
        for n in 0..40 {
            let a = &text[..n];
            assert!(same_bytes(a, a), "{n}");
            assert!(!same_bytes(a, &text[1..n + 1]) || n == 0, "{n}");
            for at in 0..n {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!same_bytes(a, &b), "{n} {at}");
            }
        }
    }
}
