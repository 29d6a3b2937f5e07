//! Content-addressed page texts. Each distinct text is stored once, under its
//! SHA-256: a revert or a no-op edit points at the text already there. Texts
//! are LZ4-compressed when that pays. A text of up to 64 KiB (after
//! compression) lives inline in its header value; a longer one is cut into
//! 64 KiB chunks, because sled keeps values of ~128 KiB and more in `blobs/`
//! files that it never fsyncs.
//!
//! Header value: `[format=1][codec][len: u64 BE][chunks: u32 BE][inline body]`,
//! with `chunks == 0` meaning the body is inline. Chunk keys: hash ++ index.

use sha2::{Digest, Sha256};

use super::tx::{Abort, TreeId, Tx};
use super::{StoreError, Trees};

const CHUNK_BYTES: usize = 64 * 1024;
const HEADER_FORMAT: u8 = 1;
const HEADER_BYTES: usize = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Raw = 0,
    Lz4 = 1,
}

/// A text hashed, compressed and chunked ahead of the write, so the writer
/// thread only copies bytes.
#[derive(Debug, Clone)]
pub struct PreparedText {
    hash: [u8; 32],
    len: u64,
    /// The header value, with the body inline when it fits.
    header: Vec<u8>,
    /// The body's chunks when it does not fit inline.
    chunks: Vec<Vec<u8>>,
}

impl PreparedText {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&Sha256::digest(bytes));
        let compressed = lz4_flex::block::compress(bytes);
        // Keep the raw text unless compression saves at least an eighth.
        let (codec, body) = if compressed.len() + compressed.len() / 8 < bytes.len() {
            (Codec::Lz4, compressed.as_slice())
        } else {
            (Codec::Raw, bytes)
        };
        let chunks: Vec<Vec<u8>> = if body.len() > CHUNK_BYTES {
            body.chunks(CHUNK_BYTES).map(<[u8]>::to_vec).collect()
        } else {
            Vec::new()
        };
        let mut header = Vec::with_capacity(HEADER_BYTES + body.len());
        header.push(HEADER_FORMAT);
        header.push(codec as u8);
        header.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        header.extend_from_slice(&(chunks.len() as u32).to_be_bytes());
        if chunks.is_empty() {
            header.extend_from_slice(body);
        }
        Self {
            hash,
            len: bytes.len() as u64,
            header,
            chunks,
        }
    }

    pub fn hash_hex(&self) -> String {
        hex::encode(self.hash)
    }

    /// UTF-8 length of the text.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes this text takes in the store.
    pub fn stored_bytes(&self) -> usize {
        self.header.len() + self.chunks.iter().map(Vec::len).sum::<usize>()
    }

    /// Stores the text for one more revision: written unless an identical
    /// one is already there, and referred to once more. Says whether it
    /// was there (a revert, a no-op edit, or a text seen elsewhere).
    pub(crate) fn store(&self, tx: &Tx<'_>) -> Result<bool, Abort> {
        let known = tx.get_raw(TreeId::Texts, &self.hash)?.is_some();
        if !known {
            tx.put_raw(TreeId::Texts, &self.hash, &self.header)?;
            for (index, chunk) in self.chunks.iter().enumerate() {
                tx.put_raw(TreeId::Texts, &chunk_key(&self.hash, index as u32), chunk)?;
            }
        }
        add_refs(tx, &self.hash, 1)?;
        Ok(known)
    }
}

/// One more revision refers to the stored text `hash_hex` (a move keeps
/// the text it moves).
pub(crate) fn refer(tx: &Tx<'_>, hash_hex: &str) -> Result<(), Abort> {
    add_refs(tx, &parse_hash(hash_hex)?, 1)
}

/// One revision fewer refers to the text `hash_hex` (a takedown): with its
/// last reference, the text itself is deleted, so it is gone from disk.
pub(crate) fn release(tx: &Tx<'_>, hash_hex: &str) -> Result<(), Abort> {
    let hash = parse_hash(hash_hex)?;
    let left = refs(tx, &hash)?.saturating_sub(1);
    if left > 0 {
        return tx.put_raw(TreeId::TextRefs, &hash, &left.to_be_bytes());
    }
    tx.remove(TreeId::TextRefs, &hash)?;
    let Some(header) = tx.get_raw(TreeId::Texts, &hash)? else {
        return Ok(());
    };
    let chunks = header
        .get(10..14)
        .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
        .map_or(0, u32::from_be_bytes);
    for index in 0..chunks {
        tx.remove(TreeId::Texts, &chunk_key(&hash, index))?;
    }
    tx.remove(TreeId::Texts, &hash)
}

fn refs(tx: &Tx<'_>, hash: &[u8; 32]) -> Result<u64, Abort> {
    Ok(tx
        .get_raw(TreeId::TextRefs, hash)?
        .and_then(|bytes| <[u8; 8]>::try_from(bytes.as_ref()).ok())
        .map_or(0, u64::from_be_bytes))
}

fn add_refs(tx: &Tx<'_>, hash: &[u8; 32], more: u64) -> Result<(), Abort> {
    let count = refs(tx, hash)?.saturating_add(more);
    tx.put_raw(TreeId::TextRefs, hash, &count.to_be_bytes())
}

fn parse_hash(hash_hex: &str) -> Result<[u8; 32], StoreError> {
    let mut hash = [0u8; 32];
    hex::decode_to_slice(hash_hex, &mut hash).map_err(|_| corrupt("bad text hash"))?;
    Ok(hash)
}

/// Counts the revisions referring to each text, to write the counts once
/// (the upgrade to version 3).
#[derive(Default)]
pub(crate) struct RefCounter(std::collections::HashMap<[u8; 32], u64>);

impl RefCounter {
    pub(crate) fn add(&mut self, hash_hex: &str) -> Result<(), StoreError> {
        *self.0.entry(parse_hash(hash_hex)?).or_default() += 1;
        Ok(())
    }

    pub(crate) fn write(self, trees: &Trees) -> Result<(), StoreError> {
        let refs = trees.tree(TreeId::TextRefs);
        for (hash, count) in self.0 {
            refs.insert(hash, &count.to_be_bytes())?;
        }
        Ok(())
    }
}

fn chunk_key(hash: &[u8; 32], index: u32) -> [u8; 36] {
    let mut key = [0u8; 36];
    key[..32].copy_from_slice(hash);
    key[32..].copy_from_slice(&index.to_be_bytes());
    key
}

fn corrupt(detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        tree: TreeId::Texts.name(),
        detail: detail.into(),
    }
}

/// Reads back the text stored under `hash_hex`.
pub(crate) fn read(trees: &Trees, hash_hex: &str) -> Result<String, StoreError> {
    let hash = parse_hash(hash_hex)?;
    let texts = trees.tree(TreeId::Texts);
    let Some(header) = texts.get(hash)? else {
        return Err(corrupt(format!("text {hash_hex} is missing")));
    };
    if header.len() < HEADER_BYTES || header[0] != HEADER_FORMAT {
        return Err(corrupt(format!("text {hash_hex} has an unknown header")));
    }
    let codec = match header[1] {
        0 => Codec::Raw,
        1 => Codec::Lz4,
        other => return Err(corrupt(format!("text {hash_hex}: unknown codec {other}"))),
    };
    let number = |range: std::ops::Range<usize>| {
        header[range]
            .iter()
            .fold(0u64, |n, byte| (n << 8) | u64::from(*byte))
    };
    let len = number(2..10) as usize;
    let chunks = number(10..14) as u32;
    let mut body = Vec::new();
    if chunks == 0 {
        body.extend_from_slice(&header[HEADER_BYTES..]);
    }
    for index in 0..chunks {
        match texts.get(chunk_key(&hash, index))? {
            Some(chunk) => body.extend_from_slice(&chunk),
            None => return Err(corrupt(format!("chunk {index} of {hash_hex} is missing"))),
        }
    }
    if codec == Codec::Lz4 {
        body = lz4_flex::block::decompress(&body, len)
            .map_err(|error| corrupt(format!("text {hash_hex}: {error}")))?;
    }
    String::from_utf8(body).map_err(|_| corrupt(format!("text {hash_hex} is not UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_texts_are_chunked_below_sleds_blob_threshold() {
        // Incompressible-ish text: every chunk must stay under 100 KiB.
        let text: String = (0..300_000u32)
            .map(|i| char::from_u32(0x4E00 + (i.wrapping_mul(2_654_435_761) % 20_000)).unwrap())
            .collect();
        let prepared = PreparedText::new(&text);
        assert!(prepared.chunks.len() > 1);
        assert!(prepared.chunks.iter().all(|c| c.len() <= 100 * 1024));
        assert!(prepared.header.len() < 100);
    }

    #[test]
    fn repetitive_texts_are_compressed() {
        let text = "Le commun est une ressource partagée. ".repeat(1000);
        let prepared = PreparedText::new(&text);
        assert_eq!(prepared.header[1], Codec::Lz4 as u8);
        assert_eq!(prepared.len(), text.len() as u64);
        assert!(prepared.chunks.is_empty());
        assert!(prepared.stored_bytes() < text.len() / 4);
    }
}
