//! Unit tests of the summary helpers; the formats are tested end to end in tests/summary.rs.

use super::*;

#[test]
fn values_line_up_with_their_reference() {
    assert_eq!(format_like(0.000_43, "0.9921", 4), "0.0004");
    assert_eq!(format_like(0.143, "26.30", 4), "0.14");
    // Would round to zero in the reference's decimals: significant digits instead.
    assert_eq!(format_like(0.000_04, "0.9921", 4), "4e-5");
    assert_eq!(format_like(2.5e-6, "1.5e-5", 4), "2.5e-6");
    assert_eq!(format_value(0.992_84, 4), "0.9928");
    assert_eq!(format_value(0.992_84, 2), "0.99");
}
