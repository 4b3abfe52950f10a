import Foundation

/// Date arithmetic the way Atlas does it: Gregorian calendar in UTC, whole seconds.
enum UTCCalendar {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// `date` plus `months` calendar months (Atlas's `monthsUntilExpiration`): 10 Aug + 3
    /// months is 10 Nov, not 10 Aug + 90 days. Falls back to 30-day months if the
    /// calendar cannot answer (it always can for the dates used here).
    static func adding(months: Int, to date: Date) -> Date {
        calendar.date(byAdding: .month, value: months, to: date)
            ?? date.addingTimeInterval(Double(months) * 30 * 86_400)
    }

    /// Drops fractional seconds: Atlas's JSON and X.509 validity both carry whole seconds,
    /// so stored dates must too, or a fixture would not survive an encode/decode round trip.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
