//! TFRecord framing, the container of TensorBoard event files: each record is a little-endian
//! `u64` length, the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
//!
//! [`RecordReader`] takes a stream and hands out one record at a time as a slice of its buffer, so
//! memory stays that of the largest record whatever the number of steps. It never allocates the
//! length a header claims before that header's checksum passed, and grows its buffer only as the
//! data arrives, so a corrupt or hostile length cannot reserve gigabytes.

use std::io::{self, Read};

/// Largest record accepted. TensorFlow's own limit for a protobuf is 2 GiB; event records are
/// kilobytes (a graph or an image is a few megabytes). A larger length is taken as corruption.
pub const MAX_RECORD_BYTES: u64 = 256 * 1024 * 1024;

/// Records up to this length are read into a buffer sized from the length at once.
const TRUSTED_BYTES: u64 = 1024 * 1024;

/// Bytes of a record's framing: length (8), its checksum (4), the data's checksum (4).
pub const FRAME_BYTES: u64 = 16;

/// Why a record could not be read. After [`FrameError::DataChecksum`] the stream is still in step
/// and reading may go on; after any other error the framing is lost and the rest of the file is
/// unreadable.
#[derive(Debug)]
pub enum FrameError {
    /// The stream ended inside a record (a writer still running, or a file cut short).
    Truncated { had: u64, needed: u64 },
    /// The length's checksum does not match: the length cannot be trusted.
    LengthChecksum,
    /// The length passed its checksum but is beyond [`MAX_RECORD_BYTES`].
    TooLong(u64),
    /// The data's checksum does not match; the record was skipped.
    DataChecksum,
    /// The stream failed.
    Io(io::Error),
}

impl FrameError {
    /// True when the next record can still be read.
    pub fn is_recoverable(&self) -> bool {
        matches!(self, FrameError::DataChecksum)
    }
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Truncated { had, needed } => {
                write!(f, "is cut off ({had} of {needed} bytes)")
            }
            FrameError::LengthChecksum => f.write_str("has a length whose checksum does not match"),
            FrameError::TooLong(length) => {
                write!(
                    f,
                    "claims {length} bytes, more than the limit of {MAX_RECORD_BYTES}"
                )
            }
            FrameError::DataChecksum => f.write_str("has data whose checksum does not match"),
            FrameError::Io(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

/// The checksum TFRecord stores: CRC-32C rotated right by 15 bits plus a constant, so that a CRC
/// of data that itself holds CRCs stays meaningful.
pub fn masked_crc32c(data: &[u8]) -> u32 {
    let crc = crc32c::crc32c(data);
    crc.rotate_right(15).wrapping_add(0xa282_ead8)
}

/// Reads records one after another from a stream.
///
/// The stream is read in chunks of [`CHUNK_BYTES`] into one buffer, and each record is handed
/// out as a slice of it: no copy, allocation or reference count per record (an event is about
/// 50 bytes, so those used to cost more than decoding it). A record longer than the buffer grows
/// it, at most to twice the bytes the stream really gave, whatever the length claims.
pub struct RecordReader<R> {
    stream: R,
    /// Read from the stream; `buffer[start..end]` is not consumed yet.
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    /// The stream ended once: a file that grows while it is read is read up to that point.
    ended: bool,
    /// Records started so far (the 1-based number of the last one).
    records: u64,
    /// Bytes consumed from the stream.
    offset: u64,
    /// The masked checksums of lengths already seen (see [`LengthChecksums`]).
    length_checksums: LengthChecksums,
}

/// The masked CRC-32C of a record's 8 length bytes, remembered by length: a file's records have
/// a handful of lengths (one scalar event is as long as the next but for its step's varint), so
/// the header's checksum is computed once per length instead of once per record. Exact: the
/// checksum is a function of the 8 bytes alone. Direct-mapped, so it never grows.
struct LengthChecksums {
    /// `(length, its masked checksum)`; length 0's own entry to start with, so that no slot
    /// holds a wrong pair.
    slots: [(u64, u32); LENGTH_SLOTS],
}

const LENGTH_SLOTS: usize = 64;

impl Default for LengthChecksums {
    fn default() -> Self {
        LengthChecksums {
            slots: [(0, masked_crc32c(&0u64.to_le_bytes())); LENGTH_SLOTS],
        }
    }
}

impl LengthChecksums {
    fn of(&mut self, length: u64) -> u32 {
        let slot = &mut self.slots[length as usize % LENGTH_SLOTS];
        if slot.0 != length {
            *slot = (length, masked_crc32c(&length.to_le_bytes()));
        }
        slot.1
    }
}

/// One record's data, borrowed from the reader until the next call.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The record's 1-based number in the stream.
    pub number: u64,
    /// Offset of the data (past the 12 bytes of length and checksum) in the stream.
    pub offset: u64,
    pub data: &'a [u8],
}

/// Bytes read from the stream at a time.
pub const CHUNK_BYTES: usize = 256 * 1024;

impl<R: Read> RecordReader<R> {
    pub fn new(stream: R) -> Self {
        RecordReader {
            stream,
            buffer: Vec::new(),
            start: 0,
            end: 0,
            ended: false,
            records: 0,
            offset: 0,
            length_checksums: LengthChecksums::default(),
        }
    }

    /// The 1-based number of the record last returned (or that failed).
    pub fn record_number(&self) -> u64 {
        self.records
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.offset
    }

    /// The next record, or `Ok(None)` at a clean end of the stream, between two records.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, FrameError> {
        let got = self.fill_to(12)?;
        if got == 0 {
            return Ok(None);
        }
        self.records += 1;
        if got < 12 {
            self.consume(got);
            return Err(FrameError::Truncated {
                had: got as u64,
                needed: FRAME_BYTES,
            });
        }
        let header = &self.buffer[self.start..self.start + 12];
        let (length_bytes, length_crc) = header.split_at(8);
        let length = u64::from_le_bytes(length_bytes.try_into().expect("8 bytes"));
        let length_crc = u32::from_le_bytes(length_crc.try_into().expect("4 bytes"));
        if self.length_checksums.of(length) != length_crc {
            self.consume(12);
            return Err(FrameError::LengthChecksum);
        }
        if length > MAX_RECORD_BYTES {
            self.consume(12);
            return Err(FrameError::TooLong(length));
        }
        let total = 12 + length as usize + 4;
        let got = self.fill_to(total)?;
        if got < total {
            self.consume(got);
            return Err(FrameError::Truncated {
                had: got as u64,
                needed: FRAME_BYTES + length,
            });
        }
        let data = self.start + 12..self.start + 12 + length as usize;
        let footer = &self.buffer[data.end..data.end + 4];
        let footer = u32::from_le_bytes(footer.try_into().expect("4 bytes"));
        let offset = self.offset + 12;
        self.consume(total);
        if masked_crc32c(&self.buffer[data.clone()]) != footer {
            return Err(FrameError::DataChecksum);
        }
        Ok(Some(Record {
            number: self.records,
            offset,
            data: &self.buffer[data],
        }))
    }

    fn consume(&mut self, bytes: usize) {
        self.start += bytes;
        self.offset += bytes as u64;
    }

    /// Reads until `wanted` bytes are unconsumed or the stream ends; returns how many of them
    /// there are (at most `wanted`).
    fn fill_to(&mut self, wanted: usize) -> Result<usize, FrameError> {
        while self.end - self.start < wanted && !self.ended {
            if self.buffer.len() - self.start < wanted && self.start > 0 {
                // Move what is left to the front, so the record fits in the rest.
                self.buffer.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buffer.len() {
                // Full: grow to the record's length when it is small enough to be trusted,
                // else double, so a lying length costs at most twice what the stream holds.
                let size = if wanted as u64 <= TRUSTED_BYTES {
                    wanted.max(CHUNK_BYTES)
                } else {
                    (self.buffer.len() * 2).clamp(CHUNK_BYTES, wanted)
                };
                self.buffer.resize(size.max(self.buffer.len()), 0);
            }
            match self.stream.read(&mut self.buffer[self.end..]) {
                Ok(0) => self.ended = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(FrameError::Io(e)),
            }
        }
        Ok((self.end - self.start).min(wanted))
    }
}

/// Frames `data` as one record (tests, fuzzing and the benchmark's tools write event files so).
pub fn frame_record(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + FRAME_BYTES as usize);
    let length = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&length);
    out.extend_from_slice(&masked_crc32c(&length).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc32c(data).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<(u64, String)>) {
        let mut reader = RecordReader::new(bytes);
        let mut records = Vec::new();
        let mut errors = Vec::new();
        loop {
            match reader.next_record() {
                Ok(Some(record)) => records.push(record.data.to_vec()),
                Ok(None) => break,
                Err(e) => {
                    errors.push((reader.record_number(), e.to_string()));
                    if !e.is_recoverable() {
                        break;
                    }
                }
            }
        }
        (records, errors)
    }

    #[test]
    fn masked_crc_matches_tensorflow() {
        // CRC-32C's published check value, and its mask as tensorboardX's masked_crc32c gives it.
        assert_eq!(crc32c::crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(masked_crc32c(b"123456789"), 0xc78a_b0e5);
    }

    #[test]
    fn reads_records_back_to_back() {
        let mut file = frame_record(b"first");
        file.extend(frame_record(b""));
        file.extend(frame_record(b"third record"));
        let (records, errors) = read_all(&file);
        assert_eq!(
            records,
            [b"first".to_vec(), Vec::new(), b"third record".to_vec()]
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn a_bad_data_checksum_skips_one_record_and_keeps_the_rest() {
        let mut file = frame_record(b"first");
        let mut second = frame_record(b"second");
        second[13] ^= 0x20;
        file.extend(second);
        file.extend(frame_record(b"third"));
        let (records, errors) = read_all(&file);
        assert_eq!(records, [b"first".to_vec(), b"third".to_vec()]);
        assert_eq!(
            errors,
            [(2, "has data whose checksum does not match".to_owned())]
        );
    }

    #[test]
    fn a_bad_length_checksum_stops_the_file() {
        let mut file = frame_record(b"first");
        let mut second = frame_record(b"second");
        second[0] = 200;
        file.extend(second);
        file.extend(frame_record(b"third"));
        let (records, errors) = read_all(&file);
        assert_eq!(records, [b"first".to_vec()]);
        assert_eq!(errors[0].0, 2);
        assert!(errors[0].1.contains("length"));
    }

    #[test]
    fn remembered_length_checksums_still_catch_a_bad_one() {
        // Lengths 1, 65 and 129 share a slot of the memo; each is checked against its own sum.
        let mut file = Vec::new();
        for data in [&b"a"[..], &[7; 65], b"b", &[9; 129], b"c"] {
            file.extend(frame_record(data));
        }
        let (records, errors) = read_all(&file);
        assert_eq!(records.len(), 5);
        assert!(errors.is_empty());
        // A length seen before, now with a checksum that does not match it.
        let mut bad = frame_record(b"d");
        bad[8] ^= 1;
        file.extend(bad);
        let (records, errors) = read_all(&file);
        assert_eq!(records.len(), 5);
        assert_eq!(
            errors,
            [(6, "has a length whose checksum does not match".to_owned())]
        );
    }

    #[test]
    fn a_truncated_last_record_is_reported_with_its_number() {
        let mut file = frame_record(b"first");
        let second = frame_record(b"second record");
        file.extend(&second[..second.len() - 6]);
        let (records, errors) = read_all(&file);
        assert_eq!(records, [b"first".to_vec()]);
        assert_eq!(errors, [(2, "is cut off (23 of 29 bytes)".to_owned())]);
        // Cut inside the header too.
        let (_, errors) = read_all(&second[..5]);
        assert_eq!(errors, [(1, "is cut off (5 of 16 bytes)".to_owned())]);
    }

    #[test]
    fn a_huge_length_with_a_valid_checksum_is_refused_without_allocating() {
        let length = (u64::MAX / 2).to_le_bytes();
        let mut file = length.to_vec();
        file.extend_from_slice(&masked_crc32c(&length).to_le_bytes());
        let (records, errors) = read_all(&file);
        assert!(records.is_empty());
        assert!(errors[0].1.contains("more than the limit"), "{errors:?}");
    }
}
