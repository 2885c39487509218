// vuorod logs to the journal when its stderr is the journal stream: checked against a stand-in journal socket.
import Foundation
import Testing
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

let journalSocketPath = "/run/systemd/journal/socket"

/// Only where no real journald listens and the test may create /run/systemd/journal (root).
let canFakeJournal = getuid() == 0 && !FileManager.default.fileExists(atPath: journalSocketPath)

@Suite(.serialized) struct JournalTests {
    @Test(.enabled(if: canFakeJournal, "a real journal is running here, or not root: skipped"))
    func logsWithPrioritiesAndTicketFields() throws {
        try FileManager.default.createDirectory(atPath: "/run/systemd/journal", withIntermediateDirectories: true)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in journalSocketPath.utf8.enumerated() { p[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(rc == 0)
        defer {
            close(fd)
            unlink(journalSocketPath)
        }

        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // vuorod's stderr: a pipe whose device and inode JOURNAL_STREAM names, as systemd does.
        var ends: [CInt] = [0, 0]
        try #require(makePipe(&ends))
        defer { close(ends[0]) }
        var st = stat()
        fstat(ends[1], &st)
        var env = ProcessInfo.processInfo.environment
        env["JOURNAL_STREAM"] = "\(st.st_dev):\(st.st_ino)"
        let p = try Child(
            vuorodPath, ["--state-dir", dir, "--listen", "127.0.0.1:0", "--log-level", "debug"], environment: env,
            stderr: .descriptor(ends[1]))
        close(ends[1])
        defer {
            p.signal(SIGTERM)
            _ = try? p.wait(timeout: 30)
        }

        var messages: [String] = []
        func next() -> String? {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 10_000) > 0 else { return nil }
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &buf, buf.count, 0)
            guard n > 0 else { return nil }
            let m = String(decoding: buf[..<n], as: UTF8.self)
            messages.append(m)
            return m
        }
        var listening: String?
        while listening == nil, let m = next() { if m.contains("MESSAGE=listening on") { listening = m } }
        let line = try #require(listening, "\(messages)")
        #expect(line.contains("PRIORITY=5\n"))
        #expect(line.contains("SYSLOG_IDENTIFIER=vuorod\n"))
        let portText = try #require(line.split(separator: "\n").first { $0.hasPrefix("MESSAGE=") })
        let port = Int(portText.split(separator: ":")[1].prefix { $0.isNumber }) ?? 0
        let c = try LineClient(port: port)
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        var issued: String?
        while issued == nil, let m = next() { if m.contains("MESSAGE=issued") { issued = m } }
        let entry = try #require(issued)
        #expect(entry.contains("TICKET=K001\n"))
        #expect(entry.contains("QUEUE=kela\n"))
        #expect(entry.contains("PRIORITY=7\n"))
    }
}
