#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search over the filter's lower-cased texts.
///
/// Typing a filter searches every row's text at each keystroke: with 100,000 rows that is
/// 100,000 searches per key, so the search runs over the UTF-8 bytes with `memchr` and
/// `memcmp` (both sides are already lower-cased) rather than a generic `String` search
/// that walks grapheme clusters. (`memmem` would do, but glibc hides it behind
/// `_GNU_SOURCE`, which the Swift Glibc module does not define.)
enum TextSearch {
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        var haystack = haystack
        var needle = needle
        return haystack.withUTF8 { hay in
            needle.withUTF8 { pin in
                guard pin.count > 0 else { return true }
                guard hay.count >= pin.count, let hayBase = hay.baseAddress, let pinBase = pin.baseAddress else { return false }
                let last = hay.count - pin.count
                var start = 0
                while start <= last {
                    guard let found = memchr(hayBase + start, Int32(pin[0]), last - start + 1) else { return false }
                    let offset = UnsafeRawPointer(hayBase).distance(to: UnsafeRawPointer(found))
                    if memcmp(hayBase + offset, pinBase, pin.count) == 0 { return true }
                    start = offset + 1
                }
                return false
            }
        }
    }
}
