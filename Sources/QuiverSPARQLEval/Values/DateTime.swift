import Foundation
import QuiverCore

/// An xsd:dateTime: `[-]YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm]`, with its timezone (nil when the
/// literal has none). SPARQL compares two by the instants they name; one with a timezone and one
/// without compare only where every timezone would give the same answer (XPath's ±14 hours),
/// else the comparison is an error.
///
/// ```swift
/// let t = XSDDateTime(lexical: "2011-01-10T14:45:13.815-05:00")!
/// t.year        // 2011
/// t.timezoneTerm   // "-PT5H"^^xsd:dayTimeDuration
/// ```
public struct XSDDateTime: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    /// Seconds with their fraction, as written.
    public var second: Decimal
    /// Minutes east of UTC; nil when the literal has no timezone.
    public var timezoneMinutes: Int?

    public init?(_ term: Term) {
        guard case .literal(let lexical, XSD.dateTime?, nil) = term else { return nil }
        self.init(lexical: lexical)
    }

    public init?(lexical: String) {
        var s = Substring(lexical)
        func number(_ digits: Int, exactly: Bool = true) -> Int? {
            let run = s.prefix { $0.isASCII && $0.isNumber }
            guard exactly ? run.count == digits : run.count >= digits else { return nil }
            s = s.dropFirst(run.count)
            return Int(run)
        }
        func expect(_ c: Character) -> Bool {
            guard s.first == c else { return false }
            s = s.dropFirst()
            return true
        }
        let negative = expect("-")
        guard let y = number(4, exactly: false), expect("-"), let mo = number(2), expect("-"), let d = number(2), expect("T"),
              let h = number(2), expect(":"), let mi = number(2), expect(":"), let sec = number(2) else { return nil }
        var seconds = Decimal(sec)
        if expect(".") {
            let run = s.prefix { $0.isASCII && $0.isNumber }
            guard !run.isEmpty, let fraction = Decimal(string: "0." + run, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
            s = s.dropFirst(run.count)
            seconds += fraction
        }
        var tz: Int?
        if expect("Z") {
            tz = 0
        } else if let sign = s.first, sign == "+" || sign == "-" {
            s = s.dropFirst()
            guard let th = number(2), expect(":"), let tm = number(2), th < 14 || (th == 14 && tm == 0), tm < 60 else { return nil }
            tz = (sign == "-" ? -1 : 1) * (th * 60 + tm)
        }
        guard s.isEmpty, (1...12).contains(mo), d >= 1, d <= Self.daysIn(month: mo, year: negative ? -y : y),
              h < 24 || (h == 24 && mi == 0 && seconds == 0), mi < 60, seconds < 60 else { return nil }
        (year, month, day, hour, minute, second, timezoneMinutes) = (negative ? -y : y, mo, d, h, mi, seconds, tz)
    }

    /// An xsd:date (`[-]YYYY-MM-DD[Z|(+|-)hh:mm]`) as the dateTime of its first instant.
    public init?(date lexical: String) {
        let u = lexical.utf8
        guard let dash = u.dropFirst().firstIndex(of: UInt8(ascii: "-")).flatMap({ u[$0...].dropFirst().firstIndex(of: UInt8(ascii: "-")) }),
              u.distance(from: dash, to: u.endIndex) >= 3 else { return nil }
        let dayEnd = u.index(dash, offsetBy: 3)
        self.init(lexical: String(lexical[..<dayEnd]) + "T00:00:00" + String(lexical[dayEnd...]))
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Seconds since 1970-01-01T00:00:00 in the literal's own clock (its timezone not applied).
    var localSeconds: Decimal {
        let d = Self.days(year: year, month: month, day: day)
        return Decimal(d * 86_400 + hour * 3_600 + minute * 60) + second
    }

    /// The order of two instants; nil when one has a timezone and the other has none and the
    /// answer would depend on the missing one.
    public static func compare(_ a: XSDDateTime, _ b: XSDDateTime) -> ComparisonResult? {
        func order(_ x: Decimal, _ y: Decimal) -> ComparisonResult { x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        let x = a.localSeconds, y = b.localSeconds
        switch (a.timezoneMinutes, b.timezoneMinutes) {
        case (let p?, let q?): return order(x - Decimal(p * 60), y - Decimal(q * 60))
        case (nil, nil): return order(x, y)
        case (let p?, nil):
            // b lies somewhere in [y - 14h, y + 14h] once given a timezone.
            let ax = x - Decimal(p * 60), span = Decimal(14 * 3_600)
            if ax < y - span { return .orderedAscending }
            if ax > y + span { return .orderedDescending }
            return nil
        case (nil, _?):
            return compare(b, a).map { $0 == .orderedAscending ? .orderedDescending : $0 == .orderedDescending ? .orderedAscending : .orderedSame }
        }
    }

    /// TIMEZONE(): the offset as an xsd:dayTimeDuration (`PT0S`, `-PT5H`, `PT5H30M`); an error
    /// without one.
    public var timezoneTerm: Term {
        get throws(ExpressionError) {
            guard let tz = timezoneMinutes else { throw ExpressionError("TIMEZONE of a dateTime without a timezone") }
            if tz == 0 { return .literal("PT0S", datatype: XSD.dayTimeDuration, language: nil) }
            let m = Swift.abs(tz)
            var text = (tz < 0 ? "-" : "") + "PT"
            if m / 60 > 0 { text += "\(m / 60)H" }
            if m % 60 > 0 { text += "\(m % 60)M" }
            return .literal(text, datatype: XSD.dayTimeDuration, language: nil)
        }
    }

    /// TZ(): `Z`, `-05:00`, or the empty string without a timezone.
    public var tzString: String {
        guard let tz = timezoneMinutes else { return "" }
        if tz == 0 { return "Z" }
        let m = Swift.abs(tz)
        return (tz < 0 ? "-" : "+") + String(format: "%02d:%02d", m / 60, m % 60)
    }

    /// The instant `date` as an xsd:dateTime in UTC (NOW()), with milliseconds.
    public static func term(of date: Date) -> Term {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, c.nanosecond! / 1_000_000)
        return .literal(text, datatype: XSD.dateTime, language: nil)
    }
}
