//! Decompressing the data sets embedded in the binary.

use std::io::Read as _;

/// The decompressed bytes of a gzip member, read into a buffer sized from
/// the member's trailer: growing the buffer by doubling would copy the data
/// several times and leave the process holding twice its size.
pub(crate) fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    // The trailer's last four bytes are the uncompressed size modulo 2^32
    // (RFC 1952, ISIZE); a damaged value only costs a reallocation.
    let size = bytes
        .len()
        .checked_sub(4)
        .and_then(|at| bytes.get(at..))
        .and_then(|tail| <[u8; 4]>::try_from(tail).ok())
        .map_or(0, |tail| u32::from_le_bytes(tail) as usize);
    let mut out = Vec::with_capacity(size.min(256 << 20) + 1);
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    #[test]
    fn round_trips_and_sizes_the_buffer_from_the_trailer() {
        let text = "rolecall ".repeat(10_000);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).unwrap_or_default();
        let packed = encoder.finish().unwrap_or_default();
        let out = super::gunzip(&packed).unwrap_or_default();
        assert_eq!(out, text.as_bytes());
        assert!(out.capacity() <= text.len() + 1);
        assert!(super::gunzip(b"not gzip").is_err());
    }
}
