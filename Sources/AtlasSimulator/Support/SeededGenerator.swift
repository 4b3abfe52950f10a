/// SplitMix64: a tiny, fast, well-distributed generator whose whole state is one `UInt64`.
///
/// Used where output must be reproducible from a seed (fixtures, benchmarks, tests):
/// the same seed yields the same sequence on every platform and Swift version, which
/// `SystemRandomNumberGenerator` and the standard library's `random(in:)` algorithms
/// do not promise. Callers therefore use only `next()` and the helpers below, never
/// `Int.random(in:using:)`, whose mapping could change between toolchains.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound`, or 0 when `bound` is not positive. The modulo bias is below
    /// 2^-40 for the small bounds used here, which is irrelevant for test data.
    mutating func below(_ bound: Int) -> Int {
        guard bound > 0 else { return 0 }
        return Int(next() % UInt64(bound))
    }

    /// A value in `range` (non-empty, closed).
    mutating func inRange(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in `[0, 1)` from the top 53 bits.
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// 24 lowercase hex digits, the shape of every Atlas object ID.
    mutating func objectID() -> String {
        let high = next() & 0xFFFF_FFFF
        let low = next()
        return hex(high, digits: 8) + hex(low, digits: 16)
    }

    /// A certificate serial in `(2^60, 2^61)`, like the ones real Atlas issues: far above
    /// 2^53 so any client that parses through `Double` is caught, yet a positive Int64.
    mutating func certificateSerial() -> UInt64 {
        serialInAtlasRange(next())
    }
}

/// Maps any 64-bit value into `(2^60, 2^61)`, the range of real Atlas certificate serials.
func serialInAtlasRange(_ value: UInt64) -> UInt64 {
    let base: UInt64 = 1 << 60
    return base + 1 + value % (base - 1)
}

func hex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
}
