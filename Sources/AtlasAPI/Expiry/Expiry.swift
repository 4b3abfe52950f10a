import Foundation

/// How urgent a certificate is, by the time left until `notAfter`.
public enum ExpiryStatus: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case expired, critical, warning, ok

    /// Most urgent first, so that sorting by status puts trouble at the top.
    private var rank: Int {
        switch self {
        case .expired: 0
        case .critical: 1
        case .warning: 2
        case .ok: 3
        }
    }

    public static func < (lhs: ExpiryStatus, rhs: ExpiryStatus) -> Bool { lhs.rank < rhs.rank }

    /// The word shown wherever colour may be missing.
    public var label: String {
        switch self {
        case .expired: "EXPIRED"
        case .critical: "CRITICAL"
        case .warning: "WARNING"
        case .ok: "OK"
        }
    }
}

/// The thresholds that classify certificates. Critical: less than `critical` left (and
/// expired ones); warning: less than `warning` left; ok otherwise.
public struct ExpiryPolicy: Sendable, Hashable, Codable {
    public var warning: TimeInterval
    public var critical: TimeInterval

    public static let defaultWarningDays = 30
    public static let defaultCriticalDays = 7
    public static let `default` = ExpiryPolicy(warning: Double(defaultWarningDays) * 86_400, critical: Double(defaultCriticalDays) * 86_400)

    public init(warning: TimeInterval, critical: TimeInterval) {
        self.warning = warning
        self.critical = critical
    }

    /// Classifies a certificate that expires at `notAfter`, seen at `now`.
    /// Exactly at `notAfter` it has expired; exactly `critical` before, it is a warning.
    public func status(notAfter: Date, now: Date) -> ExpiryStatus {
        let left = notAfter.timeIntervalSince(now)
        if left <= 0 { return .expired }
        if left < critical { return .critical }
        if left < warning { return .warning }
        return .ok
    }
}

/// Formats the time between now and an expiry for people: `in 12d 4h`, `in 3h 10m`,
/// `in 45m`, `in 30s`, `expired 2h ago`. Two units at most, rounded down, so the
/// text never promises more time than there is.
public enum TimeLeft {
    public static func format(notAfter: Date, now: Date) -> String {
        let left = notAfter.timeIntervalSince(now)
        if left <= 0 { return "expired \(span(-left)) ago" }
        return "in \(span(left))"
    }

    /// `12d 4h`, `3h 10m`, `45m`, `30s`.
    public static func span(_ interval: TimeInterval) -> String {
        let total = Int64(max(0, interval.rounded(.down)))
        let days = total / 86_400
        let hours = (total % 86_400) / 3_600
        let minutes = (total % 3_600) / 60
        let seconds = total % 60
        if days >= 1 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours >= 1 { return minutes > 0 ? "\(hours)h \(minutes)m" : "\(hours)h" }
        if minutes >= 1 { return "\(minutes)m" }
        return "\(seconds)s"
    }
}

/// Parses durations as users type them on the command line: `30d`, `12h`, `90m`,
/// `2w`, `45s`, or a bare number of days. Bounded: nothing longer than `maximum`, nothing
/// negative or not finite, so every later sum or conversion of a duration stays finite.
public enum DurationText {
    /// The longest duration accepted: 36,500 days (100 years), far beyond any certificate's life.
    public static let maximum: TimeInterval = 36_500 * 86_400
    /// `maximum` as users read it, for messages.
    public static let maximumText = "36500d (100 years)"

    /// Why a text is not an accepted duration.
    public enum Failure: Error, Sendable, Equatable {
        /// Not a number with an optional unit.
        case malformed
        /// A duration, but longer than `maximum`.
        case tooLong
    }

    public static func parse(_ text: String) -> TimeInterval? {
        try? read(text).get()
    }

    /// The duration in seconds, or why the text is not one.
    public static func read(_ text: String) -> Result<TimeInterval, Failure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = trimmed.last else { return .failure(.malformed) }
        let unit: Double
        var digits = Substring(trimmed)
        switch last {
        case "s": unit = 1; digits = digits.dropLast()
        case "m": unit = 60; digits = digits.dropLast()
        case "h": unit = 3_600; digits = digits.dropLast()
        case "d": unit = 86_400; digits = digits.dropLast()
        case "w": unit = 7 * 86_400; digits = digits.dropLast()
        default: unit = 86_400
        }
        guard let value = Double(digits), value >= 0, value.isFinite else { return .failure(.malformed) }
        // Compared before multiplying, so that no product can overflow to infinity.
        guard value <= maximum / unit else { return .failure(.tooLong) }
        return .success(value * unit)
    }
}
