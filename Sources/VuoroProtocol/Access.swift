// Roles and tokens: who may send which request. A display cannot call tickets, a kiosk cannot close queues.

/// What a connection may do. Display, kiosk, counter and admin each include the ones before them; `booking` (a
/// booking system) may read what a display reads and keep appointments, nothing else. Admin may do everything.
public enum Role: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case display, kiosk, counter, admin, booking

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }

    public init?(name: String) {
        guard let r = Role.allCases.first(where: { $0.description == name }) else { return nil }
        self = r
    }

    public var description: String {
        switch self {
        case .display: "display"
        case .kiosk: "kiosk"
        case .counter: "counter"
        case .admin: "admin"
        case .booking: "booking"
        }
    }

    /// Whether this role may send the request.
    public func may(_ r: Request) -> Bool {
        let needed = r.requiredRole
        switch (self, needed) {
        case (.admin, _), (.booking, .display), (.booking, .booking): return true
        case (.booking, _), (_, .booking): return false
        default: return self >= needed
        }
    }
}

/// One configured secret and what it grants.
public struct AccessToken: Equatable, Sendable {
    public var role: Role
    public var secret: [UInt8]
    /// For counter tokens: the only counters it may act for; nil means any.
    public var counters: Set<String>?

    public init(role: Role, secret: String, counters: Set<String>? = nil) {
        self.role = role
        self.secret = Array(secret.utf8)
        self.counters = counters
    }
}

/// The `[access]` table and the `[[token]]` entries of the configuration.
public struct AccessConfig: Equatable, Sendable {
    /// The role of a connection before `AUTH`.
    public var defaultRole: Role
    public var tokens: [AccessToken]

    public init(defaultRole: Role = .display, tokens: [AccessToken] = []) {
        self.defaultRole = defaultRole
        self.tokens = tokens
    }

    /// Without tokens every connection is admin (and vuorod listens on loopback only).
    public var isOpen: Bool { tokens.isEmpty }

    /// The role of a new connection.
    public var initialRole: Role { isOpen ? .admin : defaultRole }

    /// The token whose secret this is, compared in constant time over every token.
    public func token(for secret: String) -> AccessToken? {
        let given = Array(secret.utf8)
        var found: AccessToken?
        for t in tokens where AccessConfig.constantTimeEqual(t.secret, given) && found == nil { found = t }
        return found
    }

    /// Equal contents, in time that depends only on the longer length.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let n = max(a.count, b.count)
        var diff = UInt(a.count ^ b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= UInt(x ^ y)
        }
        return diff == 0
    }
}

extension Request {
    /// The lowest role that may send this request.
    public var requiredRole: Role {
        switch self {
        case .ping, .queues, .status, .counters, .called, .ticket, .watch, .quit, .auth, .site, .kiosks: .display
        case .issue, .cancel, .cancelIssue, .kiosk, .checkIn: .kiosk
        case .call, .recall, .done, .noshow, .transfer, .serve, .pause, .stepBack, .stepBackIssue, .park,
            .transferToCounter:
            .counter
        case .open, .close, .backup, .stats: .admin
        case .book, .unbook, .bookings: .booking
        }
    }

    /// The counter a counter command acts for.
    public var counterID: String? {
        switch self {
        case .call(let c, _), .recall(let c), .done(let c), .noshow(let c), .transfer(let c, _, _), .serve(let c, _),
            .pause(let c), .park(let c), .transferToCounter(let c, _):
            c
        default: nil
        }
    }
}
