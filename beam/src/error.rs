//! Typed errors of the BEAM reader and the external term format decoder.

/// Why an external-term-format binary cannot be decoded
/// (where `erlang:binary_to_term/1` raises `badarg`, or where this reader
/// refuses a term that cannot occur in a compiled module).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EtfError {
    /// The input ended inside a term.
    #[error("term ends early at offset {offset}: {needed} more bytes needed")]
    Truncated {
        /// Offset where more bytes were needed.
        offset: usize,
        /// How many bytes were needed.
        needed: usize,
    },
    /// The first byte is not the version tag 131.
    #[error("not an external term: version byte is {found}, not 131")]
    BadVersion {
        /// The byte found.
        found: u8,
    },
    /// A tag this reader does not decode (pids, ports, references, local
    /// funs, atom-cache references, or an unknown byte).
    #[error("unsupported term tag {tag} at offset {offset}")]
    UnsupportedTag {
        /// The tag byte.
        tag: u8,
        /// Its offset.
        offset: usize,
    },
    /// Bytes remain after the term.
    #[error("{count} unexpected bytes after the term at offset {offset}")]
    TrailingBytes {
        /// Offset of the first extra byte.
        offset: usize,
        /// How many.
        count: usize,
    },
    /// Terms nest deeper than [`crate::etf::MAX_DEPTH`].
    #[error("terms nest deeper than {limit} levels at offset {offset}")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Offset of the term that went over.
        offset: usize,
    },
    /// An atom is longer than 255 characters or not valid text.
    #[error("invalid atom at offset {offset}: {reason}")]
    BadAtom {
        /// Offset of the atom's tag.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A big integer has more digits bytes than [`crate::etf::MAX_BIG_BYTES`].
    #[error("big integer of {bytes} bytes at offset {offset} exceeds the limit of {limit}")]
    BigTooLarge {
        /// Declared size in bytes.
        bytes: usize,
        /// The limit.
        limit: usize,
        /// Offset of the tag.
        offset: usize,
    },
    /// A float is not finite or cannot be read.
    #[error("invalid float at offset {offset}")]
    BadFloat {
        /// Offset of the tag.
        offset: usize,
    },
    /// A bit binary with a bit count outside 1..=8 (or 0 with no bytes).
    #[error("invalid bit binary at offset {offset}: {bits} bits in the last byte")]
    BadBits {
        /// Offset of the tag.
        offset: usize,
        /// The declared bit count.
        bits: u8,
    },
    /// A map holds the same key twice.
    #[error("map at offset {offset} holds a key twice")]
    DuplicateMapKey {
        /// Offset of the map's tag.
        offset: usize,
    },
    /// An export fun whose arity is not a small integer or whose module or
    /// function is not an atom.
    #[error("invalid export fun at offset {offset}")]
    BadFun {
        /// Offset of the tag.
        offset: usize,
    },
    /// A compressed term declares an uncompressed size above the limit.
    #[error("compressed term declares {declared} bytes, above the limit of {limit}")]
    CompressedTooLarge {
        /// The declared size.
        declared: u64,
        /// The limit.
        limit: usize,
    },
    /// A compressed term does not inflate to exactly its declared size.
    #[error("compressed term is corrupt: {reason}")]
    BadCompression {
        /// What went wrong.
        reason: String,
    },
}

/// Why a `.beam` file cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BeamError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        message: String,
    },
    /// The file does not start with `FOR1 <size> BEAM` (beam_lib's
    /// `not_a_beam_file`).
    #[error("not a BEAM file (no FOR1/BEAM header)")]
    NotABeamFile,
    /// A chunk header is cut short (beam_lib's `invalid_beam_file`).
    #[error("invalid BEAM file: chunk header cut short at offset {offset}")]
    BadChunkHeader {
        /// Offset of the chunk header.
        offset: usize,
    },
    /// A chunk claims more bytes than the file holds (`chunk_too_big`).
    #[error("chunk {id} at offset {offset} claims {size} bytes, only {available} remain")]
    ChunkTooBig {
        /// The chunk id.
        id: String,
        /// Offset of the chunk data.
        offset: usize,
        /// Declared size.
        size: usize,
        /// Bytes available.
        available: usize,
    },
    /// A chunk beam_lib requires is absent (`missing_chunk`).
    #[error("missing chunk {0}")]
    MissingChunk(String),
    /// A chunk's contents are malformed (`invalid_chunk`).
    #[error("invalid chunk {id}: {reason}")]
    InvalidChunk {
        /// The chunk id.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// A term in a chunk (`Attr`, `CInf`) cannot be decoded.
    #[error("chunk {id}: {source}")]
    Term {
        /// The chunk id.
        id: String,
        /// The decoding error.
        #[source]
        source: EtfError,
    },
    /// A gzip-compressed BEAM file is corrupt or inflates beyond the limit.
    #[error("compressed BEAM file: {0}")]
    Gzip(String),
}
