// Replays every session of protocol.md against the real server over loopback TCP, line for line.
import Foundation
import Testing
import VuoroTestSupport

/// The `session` blocks of protocol.md, each a list of its lines.
func protocolSessions() throws -> [[String]] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("protocol.md"), encoding: .utf8)
    var sessions: [[String]] = []
    var current: [String]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line == "```session" {
            current = []
        } else if line == "```", let c = current {
            sessions.append(c)
            current = nil
        } else if current != nil {
            current!.append(line)
        }
    }
    return sessions
}

@Suite struct ProtocolSessionTests {
    @Test func protocolDocumentHasSessions() throws {
        #expect(try protocolSessions().count >= 4)
    }

    @Test(arguments: 0..<4)
    func replaysSession(index: Int) async throws {
        let sessions = try protocolSessions()
        try #require(index < sessions.count)
        let server = try await TestServer()
        var clients: [String: LineClient] = [:]
        func client(_ name: String) throws -> LineClient {
            if let c = clients[name] { return c }
            let c = try server.client()
            clients[name] = c
            return c
        }
        for (n, line) in sessions[index].enumerated() where !line.isEmpty {
            if line.hasPrefix("# wait "), let s = Double(line.dropFirst(7).split(separator: " ")[0]) {
                server.clock.advance(seconds: s)
            } else if let r = line.range(of: "> "), !line[..<r.lowerBound].contains(" ") {
                try client(String(line[..<r.lowerBound])).send(String(line[r.upperBound...]))
            } else if let r = line.range(of: "< "), !line[..<r.lowerBound].contains(" ") {
                let got = try client(String(line[..<r.lowerBound])).readLine()
                #expect(got == String(line[r.upperBound...]), "session \(index + 1), line \(n + 1)")
            } else {
                Issue.record("session \(index + 1), line \(n + 1) is not a session line: \(line)")
            }
        }
        await server.stop()
    }
}
