//! The fast path for the event nearly every record is: `Event { wall_time, step, summary {
//! value { tag, simple_value } ... } }`, as tensorboardX, PyTorch's `SummaryWriter` and Lightning
//! write each scalar. It reads the record in place with prost's own wire primitives, borrowing
//! the tags, where the full decode (`event.rs`) builds a message tree per record.
//!
//! It takes a record only in that exact shape: each field at most once, with its wire type, no
//! other field, a non-empty tag and a value in every `Summary.Value`. Anything else (a file
//! version, a tensor, metadata, a repeated field, an unknown field, damage) returns `None`, and
//! the caller decodes the record with prost, whose answer is the reference. For the records it
//! takes, both give the same step, wall time, tags and values (`tests`, `tests/tensorboard.rs`).

use std::ops::Range;

use prost::encoding::{WireType, decode_key, decode_varint};

/// What [`decode_scalars`] read from one record. Tags are byte ranges of the record, so that one
/// `Scalars` serves every record of a file without borrowing any of them.
#[derive(Debug, Default, PartialEq)]
pub struct Scalars {
    pub wall_time: f64,
    pub step: i64,
    /// `(tag, simple_value)` in the order written.
    pub values: Vec<(Range<usize>, f32)>,
}

/// Event fields (TensorFlow's `event.proto`).
const WALL_TIME: u32 = 1;
const STEP: u32 = 2;
const SUMMARY: u32 = 5;
/// `Summary.value`, and the fields of a `Summary.Value`.
const VALUE: u32 = 1;
const TAG: u32 = 1;
const SIMPLE_VALUE: u32 = 2;

/// The keys (field number and wire type in one byte) of the shape [`decode_single`] reads.
const WALL_TIME_KEY: u8 = (WALL_TIME << 3 | 1) as u8;
const STEP_KEY: u8 = (STEP << 3) as u8;
const SUMMARY_KEY: u8 = (SUMMARY << 3 | 2) as u8;
const VALUE_KEY: u8 = (VALUE << 3 | 2) as u8;
const TAG_KEY: u8 = (TAG << 3 | 2) as u8;
const SIMPLE_VALUE_KEY: u8 = (SIMPLE_VALUE << 3 | 5) as u8;

/// Reads `record` into `out` (its values cleared first) when it is a scalar event of the common
/// shape; `None` otherwise, with `out` in an unspecified state.
pub fn decode_scalars(record: &[u8], out: &mut Scalars) -> Option<()> {
    out.values.clear();
    out.wall_time = 0.0;
    out.step = 0;
    if decode_single(record, out).is_some() {
        return Some(());
    }
    decode_fields(record, out)
}

/// The record every writer of one scalar per event gives (tensorboardX, PyTorch, Lightning),
/// read at fixed places instead of field by field: `wall_time`, the step when it is not 0, and
/// one summary of one value with a short tag, in that order, each length in one byte, nothing
/// after. Any other record (or any doubt) is `None`, for [`decode_fields`]; for the records it
/// takes, both read the same (the `tests` check it).
fn decode_single(record: &[u8], out: &mut Scalars) -> Option<()> {
    let (&WALL_TIME_KEY, rest) = record.split_first()? else {
        return None;
    };
    let (wall_time, mut rest) = rest.split_first_chunk::<8>()?;
    let mut step = 0;
    if let Some((&STEP_KEY, after)) = rest.split_first() {
        rest = after;
        step = short_varint(&mut rest)?;
    }
    let [
        SUMMARY_KEY,
        summary,
        VALUE_KEY,
        value,
        TAG_KEY,
        tag,
        ref tail @ ..,
    ] = *rest
    else {
        return None;
    };
    let tag = usize::from(tag);
    // One-byte lengths (below 0x80), each the exact rest of its message: the summary holds the
    // value, the value holds the tag and the float, the record ends with them.
    let fits = summary < 0x80
        && usize::from(summary) == rest.len() - 2
        && usize::from(value) + 2 == usize::from(summary)
        && tag + 7 == usize::from(value)
        && tag > 0;
    if !fits {
        return None;
    }
    let (&SIMPLE_VALUE_KEY, bits) = tail[tag..].split_first()? else {
        return None;
    };
    let bits: [u8; 4] = bits.try_into().ok()?;
    out.wall_time = f64::from_le_bytes(*wall_time);
    // int64 on the wire: the varint's 64 bits, as prost reads them.
    out.step = step as i64;
    let start = record.len() - tail.len();
    out.values
        .push((start..start + tag, f32::from_le_bytes(bits)));
    Some(())
}

/// A varint of at most 9 bytes (63 bits, so no overflow to check); longer ones are `None`, for
/// prost's own reading in [`decode_fields`].
fn short_varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (i, &byte) in buf.iter().take(9).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            *buf = &buf[i + 1..];
            return Some(value);
        }
    }
    None
}

/// The common shape read field by field, in any order, with any number of values.
fn decode_fields(record: &[u8], out: &mut Scalars) -> Option<()> {
    let mut buf = record;
    let (mut wall_time, mut step, mut summary) = (false, false, false);
    while !buf.is_empty() {
        let (field, wire) = decode_key(&mut buf).ok()?;
        match (field, wire) {
            (WALL_TIME, WireType::SixtyFourBit) if !wall_time => {
                wall_time = true;
                out.wall_time = f64::from_le_bytes(take(&mut buf, 8)?.try_into().ok()?);
            }
            (STEP, WireType::Varint) if !step => {
                step = true;
                // int64 on the wire: the varint's 64 bits, as prost reads them.
                out.step = decode_varint(&mut buf).ok()? as i64;
            }
            (SUMMARY, WireType::LengthDelimited) if !summary => {
                summary = true;
                let body = length_delimited(&mut buf)?;
                decode_summary(record, body, &mut out.values)?;
            }
            _ => return None,
        }
    }
    // A record without a summary (the file version, a session log) is not a scalar event.
    summary.then_some(())
}

fn decode_summary(
    record: &[u8],
    mut buf: &[u8],
    values: &mut Vec<(Range<usize>, f32)>,
) -> Option<()> {
    while !buf.is_empty() {
        match decode_key(&mut buf).ok()? {
            (VALUE, WireType::LengthDelimited) => {
                let body = length_delimited(&mut buf)?;
                let (tag, value) = decode_value(body)?;
                // Where the tag lies in the record (both are slices of the same bytes).
                let start = tag.as_ptr() as usize - record.as_ptr() as usize;
                values.push((start..start + tag.len(), value));
            }
            _ => return None,
        }
    }
    Some(())
}

fn decode_value(mut buf: &[u8]) -> Option<(&[u8], f32)> {
    let (mut tag, mut value) = (None, None);
    while !buf.is_empty() {
        match decode_key(&mut buf).ok()? {
            (TAG, WireType::LengthDelimited) if tag.is_none() => {
                tag = Some(length_delimited(&mut buf)?);
            }
            (SIMPLE_VALUE, WireType::ThirtyTwoBit) if value.is_none() => {
                value = Some(f32::from_le_bytes(take(&mut buf, 4)?.try_into().ok()?));
            }
            _ => return None,
        }
    }
    // An empty tag means the value is named by its node name, which the full decode handles.
    Some((tag.filter(|t| !t.is_empty())?, value?))
}

/// A length-delimited field's bytes.
fn length_delimited<'a>(buf: &mut &'a [u8]) -> Option<&'a [u8]> {
    let length = decode_varint(buf).ok()?;
    take(buf, usize::try_from(length).ok()?)
}

fn take<'a>(buf: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if buf.len() < n {
        return None;
    }
    let (head, rest) = buf.split_at(n);
    *buf = rest;
    Some(head)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use proptest::prelude::*;
    use prost::Message;

    use super::super::event::{EventDecoder, Item, widen};
    use super::super::proto::{self, Event, Summary, SummaryValue, event::What, summary_value};
    use super::*;

    /// The fast path's answer for `record`, as the full decoder's items, or `None`.
    fn fast(record: &[u8]) -> Option<(f64, i64, Vec<Item>)> {
        let mut out = Scalars::default();
        decode_scalars(record, &mut out)?;
        let items = (out.values.iter())
            .map(|(tag, value)| Item::Scalar {
                tag: Bytes::copy_from_slice(&record[tag.clone()]),
                value: widen(*value),
            })
            .collect();
        Some((out.wall_time, out.step, items))
    }

    /// Whenever the fast path takes a record, the full decode gives the same step, time and
    /// items. Returns whether it took it.
    fn agree(record: &[u8]) -> bool {
        let Some((wall_time, step, items)) = fast(record) else {
            return false;
        };
        let full = EventDecoder::default()
            .decode(Bytes::copy_from_slice(record))
            .expect("the fast path took a record prost refuses");
        assert_eq!(full.step, step);
        assert_eq!(full.wall_time.to_bits(), wall_time.to_bits());
        assert_eq!(full.items.len(), items.len());
        for (a, b) in full.items.iter().zip(&items) {
            match (a, b) {
                (Item::Scalar { tag: ta, value: va }, Item::Scalar { tag: tb, value: vb }) => {
                    assert_eq!(ta, tb);
                    assert_eq!(va.to_bits(), vb.to_bits());
                }
                other => panic!("items differ: {other:?}"),
            }
        }
        true
    }

    fn scalar_event(step: i64, values: &[(&str, f32)]) -> Vec<u8> {
        Event {
            wall_time: 1.7e9 + 0.25,
            step,
            what: Some(What::Summary(Summary {
                value: (values.iter())
                    .map(|(tag, v)| SummaryValue {
                        tag: Bytes::copy_from_slice(tag.as_bytes()),
                        value: Some(summary_value::Value::SimpleValue(*v)),
                        ..Default::default()
                    })
                    .collect(),
            })),
        }
        .encode_to_vec()
    }

    #[test]
    fn the_common_event_is_read_in_place_with_the_full_decoders_answer() {
        let record = scalar_event(42, &[("loss", 0.1), ("acc", f32::NAN)]);
        let mut out = Scalars::default();
        assert_eq!(decode_scalars(&record, &mut out), Some(()));
        assert_eq!(out.step, 42);
        assert_eq!(out.wall_time, 1.7e9 + 0.25);
        assert_eq!(&record[out.values[0].0.clone()], b"loss");
        assert_eq!(out.values[0].1, 0.1f32);
        assert!(out.values[1].1.is_nan());
        assert!(agree(&record));
        // Step 0 is not written (a proto3 default), nor is a zero value.
        assert!(agree(&scalar_event(0, &[("x", 0.0)])));
        assert!(agree(&scalar_event(
            -5,
            &[("x", -0.0), ("y", f32::INFINITY)]
        )));
    }

    #[test]
    fn other_shapes_are_left_to_the_full_decoder() {
        let version = Event {
            what: Some(What::FileVersion("brain.Event:2".into())),
            ..Default::default()
        }
        .encode_to_vec();
        assert!(!agree(&version));
        let tensor = Event {
            what: Some(What::Summary(Summary {
                value: vec![SummaryValue {
                    tag: Bytes::from_static(b"t"),
                    value: Some(summary_value::Value::Tensor(proto::TensorProto::default())),
                    ..Default::default()
                }],
            })),
            ..Default::default()
        }
        .encode_to_vec();
        assert!(!agree(&tensor));
        // Named by the node name, not the tag.
        let node = Event {
            what: Some(What::Summary(Summary {
                value: vec![SummaryValue {
                    node_name: Bytes::from_static(b"n"),
                    value: Some(summary_value::Value::SimpleValue(1.0)),
                    ..Default::default()
                }],
            })),
            ..Default::default()
        }
        .encode_to_vec();
        assert!(!agree(&node));
        // Two summaries, which prost merges into one.
        let mut twice = scalar_event(1, &[("a", 1.0)]);
        twice.extend_from_slice(&twice.clone()[9 + 2..]);
        assert!(!agree(&twice));
        // Cut short, and garbage.
        let whole = scalar_event(3, &[("a", 1.0)]);
        for cut in 0..whole.len() {
            agree(&whole[..cut]);
        }
        assert!(!agree(b"\xff\xff\xff"));
    }

    /// A field of a hand-built record: field number, wire type, payload.
    fn field() -> impl Strategy<Value = (u32, u8, Vec<u8>)> {
        (
            prop_oneof![Just(1u32), Just(2), Just(5), Just(3), 1u32..20],
            prop_oneof![Just(0u8), Just(1), Just(2), Just(5), 0u8..8],
            proptest::collection::vec(any::<u8>(), 0..12),
        )
    }

    fn encode(fields: &[(u32, u8, Vec<u8>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (number, wire, payload) in fields {
            prost::encoding::encode_varint(u64::from(number << 3 | u32::from(*wire)), &mut out);
            match wire {
                0 => prost::encoding::encode_varint(
                    u64::from_le_bytes(pad8(payload)) >> (payload.len() % 64),
                    &mut out,
                ),
                1 => out.extend_from_slice(&pad8(payload)),
                5 => out.extend_from_slice(&pad8(payload)[..4]),
                2 => {
                    prost::encoding::encode_varint(payload.len() as u64, &mut out);
                    out.extend_from_slice(payload);
                }
                _ => out.extend_from_slice(payload),
            }
        }
        out
    }

    fn pad8(bytes: &[u8]) -> [u8; 8] {
        let mut out = [0u8; 8];
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = *b;
        }
        out
    }

    /// A `Summary.Value` built from fields, mostly well formed.
    fn value_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            4 => ("[a-z/_]{0,6}", any::<u32>()).prop_map(|(tag, bits)| {
                encode(&[(1, 2, tag.into_bytes()), (2, 5, bits.to_le_bytes().to_vec())])
            }),
            1 => ("[a-z]{1,3}", any::<u32>()).prop_map(|(tag, bits)| {
                encode(&[(2, 5, bits.to_le_bytes().to_vec()), (1, 2, tag.into_bytes())])
            }),
            1 => proptest::collection::vec(field(), 0..4).prop_map(|f| encode(&f)),
        ]
    }

    /// The fixed-place reading and the field-by-field one, each alone.
    fn both(record: &[u8]) -> (Option<Scalars>, Option<Scalars>) {
        let (mut single, mut fields) = (Scalars::default(), Scalars::default());
        let single = decode_single(record, &mut single).map(|()| single);
        let fields = decode_fields(record, &mut fields).map(|()| fields);
        (single, fields)
    }

    fn same(a: &Scalars, b: &Scalars) -> bool {
        a.wall_time.to_bits() == b.wall_time.to_bits()
            && a.step == b.step
            && a.values.len() == b.values.len()
            && (a.values.iter().zip(&b.values))
                .all(|((ta, va), (tb, vb))| ta == tb && va.to_bits() == vb.to_bits())
    }

    #[test]
    fn the_single_value_shape_is_read_at_fixed_places() {
        let record = scalar_event(300, &[("train/loss", 0.25)]);
        let (single, fields) = both(&record);
        let single = single.expect("the common record is read at fixed places");
        assert_eq!(single.step, 300);
        assert_eq!(single.wall_time, 1.7e9 + 0.25);
        assert_eq!(&record[single.values[0].0.clone()], b"train/loss");
        assert_eq!(single.values[0].1, 0.25);
        assert!(same(&single, &fields.unwrap()));
        // Step 0 has no step field; a step of 2^62 has a 9-byte varint, 2^63 and -1 ten bytes
        // (left to prost); a tag of 120 bytes needs two-byte lengths.
        assert!(both(&scalar_event(0, &[("x", 1.0)])).0.is_some());
        assert!(both(&scalar_event(1 << 62, &[("x", 1.0)])).0.is_some());
        assert!(both(&scalar_event(-1, &[("x", 1.0)])).0.is_none());
        assert!(
            both(&scalar_event(5, &[(&"t".repeat(120), 1.0)]))
                .0
                .is_none()
        );
        assert!(
            both(&scalar_event(5, &[("a", 1.0), ("b", 2.0)]))
                .0
                .is_none()
        );
        for record in [
            scalar_event(-1, &[("x", 1.0)]),
            scalar_event(5, &[(&"t".repeat(120), 1.0)]),
            scalar_event(5, &[("a", 1.0), ("b", 2.0)]),
        ] {
            assert!(agree(&record));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Differential: the single-value shape, then one byte changed and the record cut
        /// anywhere. Whenever the fixed-place reading takes a record, the field-by-field reading
        /// and prost read the same from it; the unchanged record is always taken.
        #[test]
        fn the_fixed_place_reading_agrees_with_the_field_by_field_one(
            wall_time in any::<u64>(),
            step in prop_oneof![0i64..300, any::<i64>()],
            tag in proptest::collection::vec(any::<u8>(), 1..130),
            bits in any::<u32>(),
            flip in any::<(prop::sample::Index, u8)>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let event = Event {
                wall_time: f64::from_bits(wall_time),
                step,
                what: Some(What::Summary(Summary {
                    value: vec![SummaryValue {
                        tag: Bytes::from(tag.clone()),
                        value: Some(summary_value::Value::SimpleValue(f32::from_bits(bits))),
                        ..Default::default()
                    }],
                })),
            };
            let record = event.encode_to_vec();
            let (single, fields) = both(&record);
            // The summary holds the value (2 + tag + 5 bytes) in a length below 0x80.
            let expected = wall_time != 0 && tag.len() + 9 < 0x80 && step >= 0;
            prop_assert_eq!(single.is_some(), expected);
            if let Some(single) = single {
                prop_assert!(same(&single, &fields.unwrap()));
                prop_assert!(agree(&record));
            }
            let mut changed = record.clone();
            let at = flip.0.index(changed.len());
            changed[at] ^= flip.1.max(1);
            let changed = &changed[..cut.index(changed.len() + 1)];
            for record in [changed, &record[..cut.index(record.len() + 1)]] {
                if let (Some(single), fields) = both(record) {
                    let fields = fields.expect("the fixed-place reading took a record the field-by-field one refuses");
                    prop_assert!(same(&single, &fields));
                    prop_assert!(agree(record));
                }
            }
        }

        /// Differential: events built field by field (with repeats, wrong wire types, unknown
        /// fields, odd tags, any float bits), and any bytes at all.
        #[test]
        fn the_fast_path_agrees_with_prost_on_any_record(
            head in proptest::collection::vec(field(), 0..3),
            values in proptest::collection::vec(value_bytes(), 0..4),
            tail in proptest::collection::vec(field(), 0..2),
            wall_time in any::<u64>(),
            step in any::<u64>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut summary = Vec::new();
            for value in &values {
                summary.extend(encode(&[(1, 2, value.clone())]));
            }
            let mut fields = head;
            fields.push((1, 1, wall_time.to_le_bytes().to_vec()));
            let mut record = encode(&fields);
            prost::encoding::encode_varint(2 << 3, &mut record);
            prost::encoding::encode_varint(step, &mut record);
            record.extend(encode(&[(5, 2, summary)]));
            record.extend(encode(&tail));
            agree(&record);
            agree(&record[..cut.index(record.len() + 1)]);
        }

        #[test]
        fn any_bytes_are_refused_or_read_as_prost_reads_them(
            bytes in proptest::collection::vec(any::<u8>(), 0..64)
        ) {
            agree(&bytes);
        }
    }
}
