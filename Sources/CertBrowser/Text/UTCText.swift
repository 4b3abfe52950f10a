import Foundation

/// Dates as the browser shows them: always UTC, always `yyyy-MM-dd HH:mm`.
///
/// Certificate expiry shown in a local zone without saying so has misled users of other
/// tools (rancher/dashboard#6595), so every date says UTC in its column title. The civil
/// date is computed arithmetically (Howard Hinnant's days-from-civil inverse) rather than
/// with `DateFormatter`: it is locale-independent, deterministic in snapshots, and fast
/// enough to format 100,000 rows for a filter without noticeable delay.
public enum UTCText {
    /// `2026-11-10 03:06`.
    public static func minute(_ date: Date) -> String {
        let parts = components(date)
        guard (0...9_999).contains(parts.year) else {
            return "\(pad4(parts.year))-\(pad2(parts.month))-\(pad2(parts.day)) \(pad2(parts.hour)):\(pad2(parts.minute))"
        }
        // Digits written straight into the string's storage: the interpolation above
        // was a sixth of the time of loading 100,000 rows, which show two dates each.
        return String(unsafeUninitializedCapacity: 16) { buffer in
            func put(_ value: Int64, digits: Int, at offset: Int) {
                var rest = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(parts.year, digits: 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(parts.month, digits: 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(parts.day, digits: 2, at: 8)
            buffer[10] = UInt8(ascii: " ")
            put(parts.hour, digits: 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(parts.minute, digits: 2, at: 14)
            return 16
        }
    }

    /// `2026-11-10 03:06:35 UTC`, for the detail view where every field is shown.
    public static func second(_ date: Date) -> String {
        let parts = components(date)
        return "\(pad4(parts.year))-\(pad2(parts.month))-\(pad2(parts.day)) \(pad2(parts.hour)):\(pad2(parts.minute)):\(pad2(parts.second)) UTC"
    }

    /// `03:06:35`, for "updated at" in the footer.
    public static func time(_ date: Date) -> String {
        let parts = components(date)
        return "\(pad2(parts.hour)):\(pad2(parts.minute)):\(pad2(parts.second))"
    }

    /// `2026-11-10T03:06:35Z`, for copied JSON.
    public static func iso8601(_ date: Date) -> String {
        let parts = components(date)
        return "\(pad4(parts.year))-\(pad2(parts.month))-\(pad2(parts.day))T\(pad2(parts.hour)):\(pad2(parts.minute)):\(pad2(parts.second))Z"
    }

    struct Components: Equatable {
        var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64
    }

    static func components(_ date: Date) -> Components {
        let interval = date.timeIntervalSince1970
        // Clamp absurd values so a corrupt date cannot trap on conversion.
        let seconds = Int64(max(-1e15, min(1e15, interval)).rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return Components(year: year, month: month, day: day,
                          hour: rest / 3_600, minute: (rest % 3_600) / 60, second: rest % 60)
    }

    private static func pad2(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func pad4(_ value: Int64) -> String {
        let text = String(value)
        return text.count >= 4 ? text : String(repeating: "0", count: 4 - text.count) + text
    }
}
