//! The TensorBoard decoder: any bytes, as an event file (TFRecord frames) and as one record's
//! `Event`. The fast path for scalar events must read what prost reads whenever it takes a
//! record. Besides not panicking or allocating what a corrupt length claims, every image it
//! finds must lie inside its record, and a damaged frame must be reported with its number.
#![no_main]

use ahnb::log::formats::tensorboard::event::{EventDecoder, Item, widen};
use ahnb::log::formats::tensorboard::fast::{Scalars, decode_scalars};
use ahnb::log::formats::tensorboard::tfrecord::RecordReader;
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;

fn check(decoder: &mut EventDecoder, record: Bytes) {
    let length = record.len() as u64;
    // Differential: when the fast path takes a record, prost reads the same scalars from it.
    let mut scalars = Scalars::default();
    if decode_scalars(&record, &mut scalars).is_some() {
        let full = EventDecoder::default()
            .decode(record.clone())
            .expect("the fast path took a record prost refuses");
        assert_eq!((full.step, full.wall_time.to_bits()), (scalars.step, scalars.wall_time.to_bits()));
        let fast: Vec<_> = (scalars.values.iter())
            .map(|(tag, v)| Item::Scalar { tag: record.slice(tag.clone()), value: widen(*v) })
            .collect();
        let same = fast.len() == full.items.len()
            && fast.iter().zip(&full.items).all(|(a, b)| match (a, b) {
                (Item::Scalar { tag: ta, value: va }, Item::Scalar { tag: tb, value: vb }) => {
                    ta == tb && va.to_bits() == vb.to_bits()
                }
                _ => false,
            });
        assert!(same, "fast {fast:?} vs prost {:?}", full.items);
    }
    if let Ok(decoded) = decoder.decode(record) {
        for item in decoded.items {
            if let Item::Image { offset, length: l, .. } = item {
                assert!(offset + l <= length, "image {offset}+{l} beyond {length}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut decoder = EventDecoder::default();
    check(&mut decoder, Bytes::copy_from_slice(data));

    let mut reader = RecordReader::new(data);
    let mut decoder = EventDecoder::default();
    let mut records = 0u64;
    loop {
        match reader.next_record() {
            Ok(Some(record)) => {
                records += 1;
                assert_eq!(record.number, records);
                assert!(record.offset + record.data.len() as u64 <= data.len() as u64);
                check(&mut decoder, Bytes::copy_from_slice(record.data));
            }
            Ok(None) => break,
            Err(e) => {
                records += 1;
                assert_eq!(reader.record_number(), records);
                assert!(!e.to_string().contains('\n'));
                if !e.is_recoverable() {
                    break;
                }
            }
        }
        assert!(reader.bytes_read() <= data.len() as u64);
    }
});
