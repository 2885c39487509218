// The clerk's desk with bookings: a visitor put aside and called back, one sent to a named counter, a booked
// visitor checked in at the information desk; and vuoroctl's day list of appointments from CSV.
import Foundation
import Testing
import VuoroClient
import VuoroCore
import VuoroProtocol
import VuoroTestSupport

@Suite(.serialized) struct DeskBookingTests {
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func parkSendToACounterAndCheckIn() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        #expect(try c.request("ISSUE health").hasPrefix("OK H001 "))
        #expect(try c.request("ISSUE health").hasPrefix("OK H002 "))
        #expect(try c.request("BOOK AB12CD kela 2026-11-23T10:10").hasPrefix("OK AB12CD "))
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 4 --server \(addr) --lang en")
        #expect(try desk.waitFor("Room 4   (open)"), desk.dump)
        #expect(try desk.screen().contains("a aside   o send to counter   i check in booking"), desk.dump)
        try desk.keys("n")
        #expect(try desk.waitFor("Serving H001"), desk.dump)
        // Aside: listed at the desk, and the next visitor called.
        try desk.keys("a")
        #expect(try desk.waitFor("H001 put aside (call back: c)"), desk.dump)
        #expect(try desk.waitFor("Aside: H001"), desk.dump)
        usleep(5_500_000)  // past the guard against a double press
        try desk.keys("n")
        #expect(try desk.waitFor("Serving H002"), desk.dump)
        // Sent to the sampling room's own line: the menu names the counters.
        try desk.keys("o")
        #expect(try desk.waitFor("Send to counter:"), desk.dump)
        #expect(try desk.screen().contains("Sampling room 6 (6)"), desk.dump)
        let keys = try desk.screen().split(separator: "\n").first { $0.contains("(6)") }?
            .trimmingCharacters(in: .whitespaces).first
        try desk.keys(String(try #require(keys)))
        #expect(try desk.waitFor("H002 transferred to Counter 6, position 1"), desk.dump)
        #expect(try c.request("TICKET H002").hasPrefix("OK H002 state=waiting queue=lab"))
        // Called back from aside, by its number.
        try desk.keys("c")
        for k in ["H", "0", "0", "1", "Enter"] { try desk.keys(k) }
        #expect(try desk.waitFor("Serving H001"), desk.dump)
        #expect(try c.request("TICKET H001") == "OK H001 state=called queue=health counter=4")
        // The information desk checks a booked visitor in by the reference.
        try desk.keys("i")
        #expect(try desk.waitFor("Booking reference: _"), desk.dump)
        for k in ["a", "b", "1", "2", "c", "d", "Enter"] { try desk.keys(k) }
        #expect(try desk.waitFor("K001 (Kela 10:10) checked in"), desk.dump)
        #expect(try c.list("COUNTERS").contains { $0.hasPrefix("4 state=open ticket=H001") && !$0.contains("parked=") })
        try desk.keys("q")
        await server.stop()
    }

    @Test func aDaysListFromCSV() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let file = server.directory + "/day.csv"
        let good = """
            ref,queue,due,counter,minutes
            AB12CD,kela,2026-11-23T10:30,,20
            LAB-0042,lab,2026-11-23T10:45+02:00,6,
            EF56,health,2026-11-23T11:00,4,30

            """
        try good.write(toFile: file, atomically: true, encoding: .utf8)
        var (rc, out, err) = try runClient("vuoroctl", ["book", "--csv", file], server: addr)
        #expect(rc == 0, "\(err)")
        #expect(String(decoding: out, as: UTF8.self) == "\(file): 3 booked or moved, 0 unchanged, 0 refused\n")
        // Sent again with one moved: one change, the rest unchanged.
        try good.replacingOccurrences(of: "11:00", with: "11:30").write(toFile: file, atomically: true, encoding: .utf8)
        (rc, out, err) = try runClient("vuoroctl", ["book", "--csv", file], server: addr)
        #expect(String(decoding: out, as: UTF8.self) == "\(file): 1 booked or moved, 2 unchanged, 0 refused\n")
        let c = try server.client()
        #expect(try c.list("BOOKINGS health") == ["EF56 queue=health due=2026-11-23T11:30:00+02:00 counter=4 minutes=30 state=booked"])
        // A file with a mistake is refused whole, naming the line, and nothing is booked.
        for (text, said) in [
            ("ref,queue,due,name\nGH78,kela,2026-11-23T12:00,Matti\n", "unknown column 'name'"),
            ("ref,queue,due\nGH78,kela,2026-11-23T12:00\nGH78,lab,2026-11-23T12:00\n", "line 3: GH78 is on line 2 already"),
            ("ref,queue,due\nGH78,kela,2026-11-23T12:00\nIJ90,dentist,2026-11-23T12:00\n", "line 3: IJ90: no queue 'dentist'"),
            ("ref,queue,due\nGH78,kela,noon\n", "line 2: due must be a time"),
            ("ref,queue,due\n131052-308T,kela,2026-11-23T12:00\n", "must not be a personal identity code"),
        ] {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            (rc, _, err) = try runClient("vuoroctl", ["book", "--csv", file], server: addr)
            #expect(rc == 1 && err.contains(said) && err.contains("nothing was booked"), "\(err)")
        }
        #expect(try c.list("BOOKINGS").count == 3)
        (rc, out, err) = try runClient("vuoroctl", ["unbook", "ef56"], server: addr)
        #expect(rc == 0 && String(decoding: out, as: UTF8.self) == "EF56 state=cancelled\n", "\(err)")
        (rc, out, _) = try runClient("vuoroctl", ["bookings", "--json"], server: addr)
        #expect(String(decoding: out, as: UTF8.self).contains("\"ref\" : \"LAB-0042\""))
        await server.stop()
    }
}
