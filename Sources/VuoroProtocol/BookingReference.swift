// A booking's reference: the opaque code on the visitor's confirmation, typed or scanned at the kiosk.

/// What a reference may be.
public enum BookingReference {
    /// The longest reference.
    public static let limit = 32

    /// A reference as vuoro keeps it: 4 to 32 letters A-Z, digits and `-`, upper-cased; nil for anything else, and
    /// for what looks like a Finnish personal identity code (DDMMYY, a century sign, three digits and a check
    /// character), so that an integration cannot use one as the reference.
    public static func parse(_ s: String) -> String? {
        let u = Array(s.utf8)
        guard (4...limit).contains(u.count) else { return nil }
        for b in u {
            let ok = (b | 0x20 >= 97 && b | 0x20 <= 122) || (b >= 48 && b <= 57) || b == 45
            if !ok { return nil }
        }
        let upper = s.uppercased()
        return looksLikeIdentityCode(upper) ? nil : upper
    }

    /// `131052-308T`: six digits, a century sign (`+ - A B C D E F Y X W V U`), three digits, a check character.
    public static func looksLikeIdentityCode(_ s: String) -> Bool {
        let u = Array(s.uppercased().utf8)
        guard u.count == 11 else { return false }
        let digit = { (b: UInt8) in b >= 48 && b <= 57 }
        let signs = Array("+-ABCDEFYXWVU".utf8)
        return u[0..<6].allSatisfy(digit) && signs.contains(u[6]) && u[7..<10].allSatisfy(digit)
            && (digit(u[10]) || (u[10] >= 65 && u[10] <= 90))
    }
}

/// A booking's due time as sent: `2026-12-04T10:30` (the site's local time), with optional seconds, and
/// optionally an offset (`Z`, `+02:00`) as RFC 3339 writes it.
public struct DueTime: Equatable, Sendable {
    /// `YYYY-MM-DD`.
    public var date: String
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Seconds east of UTC, when the time says; nil: the site's time.
    public var offset: Int?

    public init?(_ s: String) {
        let u = Array(s.utf8)
        guard u.count >= 16, u.count <= 25, isCalendarDate(String(decoding: u[0..<10], as: UTF8.self)),
            u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "), u[13] == UInt8(ascii: ":")
        else { return nil }
        func two(_ i: Int) -> Int? {
            guard i + 1 < u.count, (48...57).contains(u[i]), (48...57).contains(u[i + 1]) else { return nil }
            return Int(u[i] - 48) * 10 + Int(u[i + 1] - 48)
        }
        guard let h = two(11), let m = two(14), h < 24, m < 60 else { return nil }
        var i = 16
        var sec = 0
        if i < u.count, u[i] == UInt8(ascii: ":") {
            guard let v = two(i + 1), v < 60 else { return nil }
            sec = v
            i += 3
        }
        var offset: Int?
        if i < u.count {
            if u[i] == UInt8(ascii: "Z") && i + 1 == u.count {
                offset = 0
            } else {
                guard u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-"), u.count == i + 6,
                    u[i + 3] == UInt8(ascii: ":"), let oh = two(i + 1), let om = two(i + 4), oh < 24, om < 60
                else { return nil }
                offset = (oh * 3600 + om * 60) * (u[i] == UInt8(ascii: "-") ? -1 : 1)
            }
        }
        date = String(decoding: u[0..<10], as: UTF8.self)
        hour = h
        minute = m
        second = sec
        self.offset = offset
    }
}

/// Whether `s` is a due time `BOOK` takes.
public func isLocalTime(_ s: String) -> Bool { DueTime(s) != nil }
