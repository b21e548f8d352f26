//! Content-addressed blob storage with SHA-256 keys.
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// A blob's key: the hex SHA-256 of its bytes.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct BlobId(String);

impl BlobId {
    pub fn of(bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        BlobId(hex::encode(digest))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", &self.0[..12])
    }
}

#[derive(Default)]
pub struct MemoryStore {
    blobs: HashMap<BlobId, Vec<u8>>,
    max_bytes: usize,
    used: usize,
}

#[derive(Debug)]
pub enum StoreError {
    Full { needed: usize, free: usize },
    Io(io::Error),
}

impl MemoryStore {
    pub fn with_capacity(max_bytes: usize) -> Self {
        MemoryStore { blobs: HashMap::new(), max_bytes, used: 0 }
    }

    pub fn put(&mut self, reader: &mut impl Read) -> Result<BlobId, StoreError> {
        let mut buf = Vec::with_capacity(8192);
        reader.read_to_end(&mut buf).map_err(StoreError::Io)?;
        let id = BlobId::of(&buf);
        if self.blobs.contains_key(&id) {
            return Ok(id);
        }
        let free = self.max_bytes.saturating_sub(self.used);
        if buf.len() > free {
            return Err(StoreError::Full { needed: buf.len(), free });
        }
        self.used += buf.len();
        self.blobs.insert(id.clone(), buf);
        Ok(id)
    }

    pub fn get(&self, id: &BlobId) -> Option<&[u8]> {
        self.blobs.get(id).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_blob_has_the_well_known_digest() {
        assert_eq!(
            BlobId::of(b"").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn hello_world() {
        assert_eq!(
            BlobId::of(b"hello world").as_str(),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
    }

    #[test]
    fn rejects_blobs_over_capacity() {
        let mut store = MemoryStore::with_capacity(4);
        let err = store.put(&mut &b"12345"[..]).unwrap_err();
        assert!(matches!(err, StoreError::Full { needed: 5, free: 4 }));
    }
}
