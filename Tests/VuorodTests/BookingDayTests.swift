// A morning of booked and walk-in visits through the real programs: appointments over the booking API, checked in
// at the kiosk under tmux (one typed, one scanned), called by the counter program at their time ahead of walk-ins,
// and counted apart in vuoroctl's statistics.
import Foundation
import Testing
import VuoroClient
import VuoroCore
import VuoroProtocol
import VuoroTestSupport

@Suite(.serialized) struct BookingDayTests {
    func put(_ port: Int, _ ref: String, _ json: String) throws -> VuoroTestSupport.HTTPResponse {
        try httpRequest(
            port: port, "/api/v1/appointments/\(ref)", method: "PUT",
            headers: ["Content-Type": "application/json", "Content-Length": "\(json.utf8.count)"], body: json)
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aMorningOfBookedAndWalkInVisits() async throws {
        let server = try await TestServer()  // the demo centre, Monday 2026-11-23 10:00 in Helsinki
        let addr = "127.0.0.1:\(server.port)"
        let api = try #require(try await server.server.startAPI(host: "127.0.0.1", port: 0)?.port)
        // The booking system's list: Kela at 10:30, and the laboratory's sampling room 6 at 10:45.
        let a = try put(api, "AB12CD", #"{"queue": "kela", "due": "2026-11-23T10:30", "minutes": 20}"#)
        #expect(a.status == 201, "\(a.body)")
        #expect(try put(api, "LAB-0042", #"{"queue": "lab", "due": "2026-11-23T10:45:00+02:00", "counter": "6"}"#).status == 201)
        let refused = try put(api, "EF56", #"{"queue": "kela", "due": "2026-11-23T11:00", "email": "a@example.fi"}"#)
        #expect(refused.status == 400 && refused.body.contains(#""field":"email""#), "\(refused.body)")

        // Two walk-ins before anyone with a booking arrives.
        for _ in 0..<2 { #expect(try runClient("vuoro-ticket", ["kela"], server: addr).0 == 0) }
        server.clock.advance(seconds: 20 * 60)

        let slips = server.directory + "/slips.txt"
        let kiosk = try Tmux("\(executable("vuoro-ticket")) --kiosk --server \(addr) --output \(slips) --lang en")
        #expect(try kiosk.waitFor("Choose a service"), kiosk.dump)
        #expect(try kiosk.screen().contains("V  Booking: type or scan your booking reference"), kiosk.dump)
        // Typed: v, the reference, Enter.
        try kiosk.keys("v")
        #expect(try kiosk.waitFor("Booking reference: _"), kiosk.dump)
        for k in ["a", "b", "1", "2", "c", "d"] { try kiosk.keys(k) }
        #expect(try kiosk.waitFor("Booking reference: AB12CD_"), kiosk.dump)
        try kiosk.keys("Enter")
        #expect(try kiosk.waitFor("Booked for 10:30. Please wait to be called."), kiosk.dump)
        let slip = try String(contentsOfFile: slips, encoding: .utf8)
        #expect(slip.contains("K003") && slip.contains("Booked: 10:30"), "\(slip)")
        #expect(!slip.contains("Position in queue"), "a booked slip gives the time, not a place")
        // Scanned: the scanner types the code and Enter at once, without v. At 10:20 for 10:45 it is early: called
        // from 10:30, the start of its window.
        usleep(3_000_000)
        try kiosk.keys("LAB-0042\r")
        #expect(try kiosk.waitFor("You are early: you will be called at 10:30 at the earliest."), kiosk.dump)
        let both = try String(contentsOfFile: slips, encoding: .utf8)
        #expect(both.contains("L001") && both.contains("Called at the earliest 10:30"), "\(both)")
        #expect(both.contains("You will be called to: sampling room 6"), "\(both)")
        // A reference nobody booked: said in the visitor's language, nothing issued.
        usleep(3_000_000)
        try kiosk.keys("ZZ99\r")
        #expect(try kiosk.waitFor("No booking was found. Check the reference"), kiosk.dump)
        try kiosk.keys("C-c")

        // At 10:20 the counter calls the first walk-in; at 10:30 the booking, ahead of the second walk-in.
        let next = { () throws -> String in
            let (rc, out, err) = try runClient("vuoro-counter", ["--counter", "1", "--lang", "en", "next"], server: addr)
            #expect(rc == 0, "\(err)")
            return String(decoding: out, as: UTF8.self)
        }
        #expect(try next().hasPrefix("K001"))
        server.clock.advance(seconds: 10 * 60)
        #expect(try next().hasPrefix("K003"), "the booking at its time")
        server.clock.advance(seconds: 15 * 60)
        #expect(try next().hasPrefix("K002"))
        let lab = try runClient("vuoro-counter", ["--counter", "6", "next"], server: addr)
        #expect(String(decoding: lab.1, as: UTF8.self).hasPrefix("L001"), "\(lab)")

        // The statistics count the booked visits apart: K003 waited 10 minutes from check-in and was called on
        // time; the walk-ins waited 20 and 45 minutes.
        let (rc, out, err) = try runClient("vuoroctl", ["stats", "--csv"], server: addr)
        #expect(rc == 0, "\(err)")
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = try #require(lines.first)
        let kela = try #require(lines.first { $0.first == "kela" })
        let value = { (name: String) in header.firstIndex(of: name).map { kela[$0] } }
        #expect(value("issued") == "3" && value("booked") == "1" && value("booked_noshow") == "0", "\(lines)")
        #expect(value("booked_wait_mean") == "600" && value("booked_delay_mean") == "0", "\(lines)")
        #expect(value("walkin_wait_mean") == "1950", "\(lines)")
        let labRow = try #require(lines.first { $0.first == "lab" })
        #expect(header.firstIndex(of: "booked").map { labRow[$0] } == "1")
        await server.stop()
    }
}
