#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Skips a JSON string with `memchr` instead of a byte loop.
///
/// Why: the completeness check and the leading-zero repair each walk every body byte;
/// long strings (a hostile 10 MB padding field) made that byte loop most of a listing's
/// time in debug builds (about 1 s per 10 MB, docs/benchmarks.md), and it is a plain
/// search for the closing quote, which the C library does many bytes at a time.
enum JSONStringScan {
    /// The index just past the quote that closes the string whose content starts at
    /// `start` (the byte after its opening quote), honouring backslash escapes; nil when
    /// the string is not closed in `bytes`.
    static func end(of bytes: UnsafeBufferPointer<UInt8>, contentFrom start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var index = start
        while index < bytes.count {
            let remaining = bytes.count - index
            guard let quote = memchr(base + index, 0x22, remaining) else { return nil }
            let quoteIndex = base.distance(to: quote.assumingMemoryBound(to: UInt8.self))
            // A backslash before the quote escapes something: step over it and its
            // escaped byte, then look again.
            if let slash = memchr(base + index, 0x5C, quoteIndex - index) {
                index = base.distance(to: slash.assumingMemoryBound(to: UInt8.self)) + 2
                continue
            }
            return quoteIndex + 1
        }
        return nil
    }
}
