// Roles and tokens, and the limits that keep hostile or broken clients from hurting the others.
import Foundation
import Testing
import VuoroProtocol
import VuoroServer
import VuoroTestSupport

let tokens = AccessConfig(
    defaultRole: .display,
    tokens: [
        AccessToken(role: .kiosk, secret: "kiosk-secret-0001"),
        AccessToken(role: .counter, secret: "counter-secret-01"),
        AccessToken(role: .counter, secret: "counter3-only-001", counters: ["3"]),
        AccessToken(role: .admin, secret: "admin-secret-0001"),
        AccessToken(role: .booking, secret: "booking-secret-01"),
    ])

/// One request of each command, and the lowest role that may send it.
let everyCommand: [(String, Role)] = [
    ("PING", .display), ("SITE", .display), ("QUEUES", .display), ("STATUS", .display), ("COUNTERS", .display),
    ("CALLED", .display),
    ("TICKET K001", .display), ("WATCH", .display), ("ISSUE kela", .kiosk), ("CANCEL K001", .kiosk),
    ("CANCEL id=k1", .kiosk),
    ("KIOSK ovi-1 paper=ok", .kiosk), ("KIOSKS", .display),
    ("CALL 1", .counter), ("STEPBACK K001", .counter), ("STEPBACK id=k1", .counter), ("RECALL 1", .counter), ("DONE 1", .counter), ("NOSHOW 1", .counter),
    ("TRANSFER 1 lab", .counter), ("SERVE 1 kela", .counter), ("PAUSE 1", .counter), ("OPEN kela", .admin),
    ("CLOSE kela", .admin), ("BACKUP /nonexistent-dir/b.db", .admin), ("QUIT", .display),
    ("CHECKIN AB12", .kiosk), ("PARK 1", .counter), ("TRANSFER 1 counter=6", .counter),
    ("BOOK AB12 kela 2026-11-23T11:00", .booking), ("UNBOOK AB12", .booking), ("BOOKINGS", .booking),
]

@Suite struct AccessTests {
    @Test(arguments: [Role.display, .kiosk, .counter, .admin, .booking])
    func eachRoleAgainstEachCommand(role: Role) async throws {
        let server = try await TestServer(options: ServerOptions(access: tokens))
        let secret = [
            "kiosk": "kiosk-secret-0001", "counter": "counter-secret-01", "admin": "admin-secret-0001",
            "booking": "booking-secret-01",
        ]
        for (request, needed) in everyCommand {
            let c = try server.client()
            if let s = secret[role.description] { #expect(try c.request("AUTH \(s)") == "OK role=\(role)") }
            let reply = try c.request(request)
            let command = String(request.split(separator: " ")[0])
            // Booking systems keep appointments and read what displays read; nothing else, and only they and
            // admins keep appointments.
            let allowed =
                role == .admin || (role == .booking ? needed == .display || needed == .booking : needed != .booking && needed <= role)
            if !allowed {
                let named = needed == .booking ? "booking or admin" : "\(needed)"
                #expect(reply == "ERR not-allowed \(command) needs the \(named) role", "\(role) \(request)")
            } else {
                #expect(!reply.hasPrefix("ERR not-allowed"), "\(role) \(request): \(reply)")
            }
        }
        await server.stop()
    }

    @Test func refusedRequestsChangeNoTicket() async throws {
        let server = try await TestServer(options: ServerOptions(access: tokens))
        let kiosk = try server.client()
        #expect(try kiosk.request("AUTH kiosk-secret-0001") == "OK role=kiosk")
        #expect(try kiosk.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try kiosk.request("CALL 1").hasPrefix("ERR not-allowed"))
        #expect(try kiosk.request("CLOSE kela").hasPrefix("ERR not-allowed"))
        let display = try server.client()
        #expect(try display.request("ISSUE kela").hasPrefix("ERR not-allowed ISSUE"))
        #expect(try display.request("CANCEL K001").hasPrefix("ERR not-allowed"))
        #expect(try display.request("TICKET K001").hasPrefix("OK K001 state=waiting"))
        #expect(try display.list("STATUS").first == "kela open=1 waiting=1 wait=320 counters=3 longest=0")
        await server.stop()
    }

    @Test func counterTokenActsOnlyForItsCounters() async throws {
        let server = try await TestServer(options: ServerOptions(access: tokens))
        let c = try server.client()
        #expect(try c.request("AUTH counter3-only-001") == "OK role=counter")
        #expect(try c.request("CALL 4") == "ERR not-allowed CALL for counter 4")
        #expect(try c.request("CALL 3") == "OK none")
        #expect(try c.request("PAUSE 4") == "ERR not-allowed PAUSE for counter 4")
        await server.stop()
    }

    @Test func failedAuthAnswersAndRepeatedFailuresClose() async throws {
        let server = try await TestServer(options: ServerOptions(access: tokens))
        let c = try server.client()
        #expect(try c.request("AUTH wrong-secret-xx") == "ERR auth-failed no token has that secret")
        #expect(try c.request("AUTH kiosk-secret-000") == "ERR auth-failed no token has that secret")
        #expect(try c.request("PING") == "OK PONG")
        #expect(try c.request("AUTH kiosk-secret-00011") == "ERR auth-failed no token has that secret")
        #expect(c.isClosedByServer())
        // A secret may hold = and ": it is taken as it is.
        #expect(try server.client().request("AUTH a=\"b") == "ERR auth-failed no token has that secret")
        await server.stop()
    }

    @Test func withoutTokensEveryConnectionIsAdmin() async throws {
        let server = try await TestServer()
        #expect(try server.client().request("CLOSE kela") == "OK kela open=0")
        #expect(try server.client().request("AUTH anything-at-all") == "ERR auth-failed no token has that secret")
        await server.stop()
    }

    @Test func idleConnectionsAreClosedButWatchersKept() async throws {
        let server = try await TestServer(options: ServerOptions(idleTimeout: 1))
        let idle = try server.client()
        let watcher = try server.client()
        #expect(try watcher.request("WATCH") == "OK watching")
        let talker = try server.client()
        #expect(try talker.request("PING") == "OK PONG")
        #expect(idle.isClosedByServer(timeout: 5))
        try await Task.sleep(nanoseconds: 1_500_000_000)
        #expect(try watcher.request("PING") == "OK PONG")
        #expect(try talker.request("PING") == "OK PONG")
        await server.stop()
    }

    @Test func watcherThatNeverReadsIsDroppedAndNobodyElseNotices() async throws {
        let server = try await TestServer(options: ServerOptions(maxPendingOutput: 64 * 1024))
        let stuck = try server.client()
        stuck.setReceiveBuffer(4096)
        #expect(try stuck.request("WATCH") == "OK watching")
        let display = try server.client()
        #expect(try display.request("WATCH") == "OK watching")
        let counter = try server.client()
        #expect(try counter.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try counter.request("CALL 1").hasPrefix("OK K001"))
        // Every RECALL is an event for each watcher; the stuck one never reads them.
        var seen = 0
        for _ in 0..<40 {
            counter.sendRaw(Array(String(repeating: "RECALL 1\n", count: 2000).utf8))
            for _ in 0..<2000 { #expect(try counter.readLine().hasPrefix("OK K001 queue=kela counter=1 calls=")) }
            while let line = try? display.readLine(timeout: 0.001) {
                if line.hasPrefix("EVENT recalled") { seen += 1 }
            }
        }
        while seen < 80_000, let line = try? display.readLine(timeout: 5) {
            if line.hasPrefix("EVENT recalled") { seen += 1 }
        }
        #expect(seen == 80_000)
        #expect(stuck.isClosedByServer(timeout: 10))
        #expect(try counter.request("TICKET K001") == "OK K001 state=called queue=kela counter=1")
        await server.stop()
    }

    @Test func pipelinedFloodWithoutReadingHurtsNoOne() async throws {
        let server = try await TestServer(options: ServerOptions(maxPendingOutput: 64 << 20))
        let other = try server.client()
        #expect(try other.request("ISSUE kela").hasPrefix("OK K001"))
        let flood = try server.client()
        let sent = flood.sendWithoutBlocking(Array(String(repeating: "PING\n", count: 1_000_000).utf8), seconds: 3)
        // While the flood's replies are unread, the server stops reading it; everybody else is served.
        #expect(try other.request("PING") == "OK PONG")
        #expect(try other.list("STATUS").first == "kela open=1 waiting=1 wait=320 counters=3 longest=0")
        // Reading now, the flood gets one reply per complete request it sent, in order, none lost.
        var replies = 0
        while replies < sent / 5, let line = try? flood.readLine(timeout: 10) {
            #expect(line == "OK PONG")
            replies += 1
        }
        #expect(replies == sent / 5)
        await server.stop()
    }

    @Test func floodOfConnectionsIsRefusedPastTheLimitAndServedAfter() async throws {
        let server = try await TestServer(options: ServerOptions(maxConnections: 50))
        var clients: [LineClient] = []
        for _ in 0..<50 { clients.append(try server.client()) }
        #expect(try clients[49].request("PING") == "OK PONG")
        var refused = 0
        for _ in 0..<30 {
            let c = try server.client()
            if (try? c.readLine())?.hasPrefix("ERR too-many-connections") == true { refused += 1 }
        }
        #expect(refused == 30)
        clients.removeAll()
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(try server.client().request("PING") == "OK PONG")
        await server.stop()
    }
}

@Suite struct UnixSocketTests {
    @Test func servesAUnixSocket() async throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try await TestServer()
        let path = dir + "/vuorod.sock"
        _ = try await server.server.start(listen: [.unix(path: path)])
        let c = try LineClient(unixPath: path)
        #expect(try c.request("ISSUE lab").hasPrefix("OK L001"))
        await server.stop()
    }
}
