//! The TensorBoard decoder: any bytes, as an event file (TFRecord frames) and as one record's
//! `Event`. Besides not panicking or allocating what a corrupt length claims, every image it
//! finds must lie inside its record, and a damaged frame must be reported with its number.
#![no_main]

use ahnb::log::formats::tensorboard::event::{EventDecoder, Item};
use ahnb::log::formats::tensorboard::tfrecord::RecordReader;
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;

fn check(decoder: &mut EventDecoder, record: Bytes) {
    let length = record.len() as u64;
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
    let mut record = Vec::new();
    let mut records = 0u64;
    loop {
        match reader.next_record(&mut record) {
            Ok(true) => {
                records += 1;
                assert_eq!(reader.record_number(), records);
                check(&mut decoder, Bytes::from(std::mem::take(&mut record)));
            }
            Ok(false) => break,
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
