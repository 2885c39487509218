// The units for the centre's devices (a kiosk PC, a lobby screen): they verify, are hardened, and the options of
// their example environment files start the programs as the units would.
import Foundation
import Testing
import VuoroTestSupport

@Suite(.serialized) struct DeviceUnitTests {
    /// The value of `key` in an environment file, as systemd reads it (no quotes used in ours).
    func setting(_ key: String, in file: String) throws -> String {
        let text = try String(contentsOfFile: packageRoot + "/config/" + file, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(key + "=") }, "\(key) in \(file)")
        return String(line.dropFirst(key.count + 1))
    }

    @Test(.enabled(if: findProgram("systemd-analyze") != nil, "systemd-analyze is not installed"))
    func theDeviceUnitsVerifyAndAreHardened() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for unit in ["vuoro-kiosk.service", "vuoro-display.service"] {
            let text = try String(contentsOfFile: packageRoot + "/systemd/" + unit, encoding: .utf8)
            // verify checks that ExecStart exists: point it at the built executables.
            let bin = URL(fileURLWithPath: executable("vuoro-ticket")).deletingLastPathComponent().path + "/"
            try text.replacingOccurrences(of: "/usr/local/bin/", with: bin).write(
                toFile: dir + "/" + unit, atomically: true, encoding: .utf8)
            let (rc, out) = try run(findProgram("systemd-analyze")!, ["verify", dir + "/" + unit])
            #expect(rc == 0, "\(unit): \(out)")
            let (_, security) = try run(
                findProgram("systemd-analyze")!, ["security", "--offline=yes", dir + "/" + unit])
            let line = try #require(security.split(separator: "\n").first { $0.contains("Overall exposure level") })
            let level = try #require(Double(line.split(separator: ":")[1].split(separator: " ")[0]))
            #expect(level <= 1.7, "\(line)")
            // On the console, in place of its login prompt, and back whenever it ends.
            for needed in ["TTYPath=/dev/tty1", "Conflicts=getty@tty1.service", "Restart=always", "DynamicUser=yes"] {
                #expect(text.contains("\n" + needed + "\n"), "\(unit) lacks \(needed)")
            }
        }
        let kiosk = try String(contentsOfFile: packageRoot + "/systemd/vuoro-kiosk.service", encoding: .utf8)
        #expect(kiosk.contains("\nSupplementaryGroups=lp\n") && kiosk.contains("\nDeviceAllow=char-usb rw\n"))
    }

    /// The example environment files' options, as the units pass them: the kiosk starts in Finnish and reports
    /// itself as ovi-1 (its printer, /dev/usb/lp0, is not on this machine: paper=out); the display shows the
    /// address of the web pages.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theExampleOptionsStartThePrograms() async throws {
        let server = try await TestServer()
        let options = try setting("VUORO_KIOSK_OPTIONS", in: "kiosk.env.example")
        let kiosk = try Tmux(
            "VUORO_SERVER=127.0.0.1:\(server.port) \(executable("vuoro-ticket")) --kiosk \(options) --report-every 1")
        #expect(try kiosk.waitFor("Valitse palvelu"), kiosk.dump)
        let c = try server.client()
        var listed: [String] = []
        for _ in 0..<50 where listed.first?.hasPrefix("ovi-1 paper=out ") != true {
            listed = try c.list("KIOSKS")
            usleep(100_000)
        }
        #expect(listed.first?.hasPrefix("ovi-1 paper=out ") == true, "\(listed)")
        let display = try Tmux(
            "VUORO_SERVER=127.0.0.1:\(server.port) \(executable("vuoro-display")) "
                + (try setting("VUORO_DISPLAY_OPTIONS", in: "display.env.example")))
        #expect(try display.waitFor("Jonotilanne puhelimeesi: jono.example.fi"), display.dump)
        try kiosk.keys("C-c")
        try display.keys("q")
        await server.stop()
    }
}
