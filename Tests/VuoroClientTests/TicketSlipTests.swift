// The printed ticket: golden ESC/POS bytes, decoded into printer commands and CP858 text.
import Foundation
import Testing
import VuoroClient
import VuoroTestSupport

/// Splits an ESC/POS stream into the commands vuoro uses and runs of CP858 text.
enum EscPos: Equatable {
    case initialize
    case codePage(UInt8)
    case align(UInt8)
    case bold(UInt8)
    case size(UInt8)
    case feedAndCut(UInt8)
    /// `GS ( k`, a QR code function (65 model, 67 module size, 69 error correction, 80 store, 81 print) and
    /// what follows it.
    case qr(UInt8, [UInt8])
    /// `GS v 0`, a raster image: its rows of dots.
    case raster([[Bool]])
    /// `ESC !`: the print mode (1 the small font).
    case font(UInt8)
    case text(String)
    case newline

    static func decode(_ bytes: [UInt8]) -> [EscPos]? {
        var out: [EscPos] = []
        var i = 0
        var text: [UInt8] = []
        var page: UInt8 = 19
        func flush() {
            if !text.isEmpty { out.append(.text(page == 17 ? CP866.decode(text) : CP858.decode(text))) }
            text.removeAll()
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x1B, 0x1D:
                flush()
                guard i + 1 < bytes.count else { return nil }
                switch (b, bytes[i + 1]) {
                case (0x1B, 0x40):
                    out.append(.initialize)
                    i += 2
                case (0x1B, 0x74):
                    page = bytes[i + 2]
                    out.append(.codePage(bytes[i + 2]))
                    i += 3
                case (0x1B, 0x61):
                    out.append(.align(bytes[i + 2]))
                    i += 3
                case (0x1B, 0x45):
                    out.append(.bold(bytes[i + 2]))
                    i += 3
                case (0x1D, 0x21):
                    out.append(.size(bytes[i + 2]))
                    i += 3
                case (0x1D, 0x28):
                    guard bytes[i + 2] == 0x6B, i + 7 <= bytes.count, bytes[i + 5] == 0x31 else { return nil }
                    let n = Int(bytes[i + 3]) + Int(bytes[i + 4]) * 256
                    guard n >= 2, i + 5 + n <= bytes.count else { return nil }
                    out.append(.qr(bytes[i + 6], Array(bytes[(i + 7)..<(i + 5 + n)])))
                    i += 5 + n
                case (0x1D, 0x76):
                    guard let image = rasterImage(bytes, at: i) else { return nil }
                    out.append(.raster(image))
                    i += 8 + (Int(bytes[i + 4]) + Int(bytes[i + 5]) * 256) * image.count
                case (0x1B, 0x21):
                    out.append(.font(bytes[i + 2]))
                    i += 3
                case (0x1D, 0x56):
                    guard bytes[i + 2] == 0x42 else { return nil }
                    out.append(.feedAndCut(bytes[i + 3]))
                    i += 4
                default: return nil
                }
            case 0x0A:
                flush()
                out.append(.newline)
                i += 1
            default:
                guard b >= 0x20 else { return nil }
                text.append(b)
                i += 1
            }
        }
        flush()
        return out
    }
}

@Suite struct TicketSlipTests {
    let slip = TicketSlip(
        site: "Iso Omena", queueName: "Hälsostation", number: "H004", position: 4, wait: 960,
        issuedAt: Date(timeIntervalSince1970: 1_795_420_800), timeZone: TimeZone(identifier: "Europe/Helsinki")!,
        lang: "sv")

    @Test func cp858EncodesNordicLettersAndEuro() {
        #expect(CP858.encode("äöåÄÖÅéü€") == [0x84, 0x94, 0x86, 0x8E, 0x99, 0x8F, 0x82, 0x81, 0xD5])
        #expect(CP858.encode("K≠") == [0x4B, 0x3F])
        #expect(CP858.decode(CP858.encode("Hälsostation på väg €5")) == "Hälsostation på väg €5")
        #expect(CP858.high.count == 128)
    }

    @Test func cp866EncodesRussianAndUkrainian() {
        #expect(CP866.high.count == 128 && Set(CP866.high).count == 128)
        #expect(CP866.encode("Жд№") == [0x86, 0xA4, 0xFC])
        #expect(CP866.encode("Київ").map(CP866.decode) == "Київ")
        #expect(CP866.encode("Відкрито").map(CP866.decode) == "Вiдкрито")  // і as the Latin i it looks like
        #expect(CP866.decode(CP866.encode("Очередь в окно 3")!) == "Очередь в окно 3")
        #expect(CP866.encode("Hälsostation") == nil)
    }

    /// A visitor who chose Russian gets a slip the printer can print: its Cyrillic lines in PC866, the rest in
    /// PC858. It printed question marks.
    @Test func aRussianSlipSwitchesCodePages() throws {
        let ru = TicketSlip(
            site: "Iso Omena", queueName: "Лаборатория", number: "L004", position: 2, wait: 300,
            issuedAt: Date(timeIntervalSince1970: 1_795_420_800), timeZone: TimeZone(identifier: "Europe/Helsinki")!,
            lang: "ru")
        let decoded = try #require(EscPos.decode(ru.escpos))
        #expect(!decoded.contains(.text("???????????")))
        let texts = decoded.compactMap { if case .text(let t) = $0 { t } else { nil } }
        #expect(
            texts == [
                "Iso Omena", "Лаборатория", "L004", "Место в очереди: 2", "Примерное ожидание: 5 мин",
                "2026-11-23 10:00", "Ваш номер показывается на экранах.", "Имена никогда не объявляются.",
            ])
        #expect(decoded.filter { if case .codePage = $0 { true } else { false } } == [.codePage(19), .codePage(17)])
        // A Finnish slip never leaves PC858.
        #expect(
            EscPos.decode(slip.escpos)?.filter { if case .codePage = $0 { true } else { false } } == [.codePage(19)])
    }

    @Test func escposMatchesTheGoldenFile() throws {
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "golden/H004-sv.escpos")
        #expect(slip.escpos == Array(try Data(contentsOf: golden)))
    }

    @Test func escposDecodesIntoCommandsAndText() throws {
        let commands = try #require(EscPos.decode(slip.escpos))
        #expect(
            commands == [
                .initialize, .codePage(19), .align(1), .bold(1), .text("Iso Omena"), .newline, .bold(0), .size(0x11),
                .text("Hälsostation"), .newline, .size(0x33), .text("H004"), .newline, .size(0),
                .text("Plats i kön: 4"),
                .newline, .text("Beräknad väntetid: 16 min"), .newline, .text("2026-11-23 10:00"), .newline, .newline,
                .text("Ditt nummer visas på skärmarna."), .newline, .text("Namn ropas aldrig upp."), .newline,
                .feedAndCut(3),
            ])
    }

    /// With `--web-url`, the slip ends with a QR code of the ticket's page, and the address in the small font. By
    /// default the code is an image, which a phone (here zbarimg) reads as the address.
    @Test(.enabled(if: zbarimg != nil, "zbarimg (zbar-tools) is not installed"))
    func aSlipWithItsPageHasAQRCodeImage() throws {
        var withPage = slip
        let url = "https://jono.example.fi/t/0123456789abcdef"
        withPage.url = url
        #expect(withPage.escpos == withPage.escpos(qr: .image))
        let commands = try #require(EscPos.decode(withPage.escpos))
        let follow = try #require(commands.firstIndex(of: .text("Följ din tur i telefonen:")))
        guard case .raster(let image) = commands[follow + 2] else {
            Issue.record("no image after the words: \(commands[follow...])")
            return
        }
        // 29 modules of version 3 and a quiet zone of 4 on each side, 6 dots each: 222 dots (28 bytes a row), about
        // 28 mm at 203 dpi.
        #expect(image.count == 222 && image[0].count == 224)
        #expect(try decodeQR(image, scale: 1) == url)
        #expect(
            Array(commands[(follow + 3)...]) == [
                .newline, .font(1), .text(url), .newline, .font(0), .feedAndCut(3),
            ])
        // The longest key (64 characters) still fits half the roll, and reads.
        let long = "https://palvelut.espoo.example.fi/jono/t/" + String(repeating: "f", count: 64)
        withPage.url = long
        let all = try #require(EscPos.decode(withPage.escpos))
        let images = all.compactMap { c -> [[Bool]]? in if case .raster(let i) = c { i } else { nil } }
        #expect(images.count == 1 && images[0].count <= 384, "\(images.map(\.count))")
        #expect(try decodeQR(images[0], scale: 1) == long)
    }

    /// `--qr printer`: the printer's own QR command instead of an image.
    @Test func aSlipWithItsPageHasThePrintersQRCode() throws {
        var withPage = slip
        let url = "https://jono.example.fi/t/0123456789abcdef"
        withPage.url = url
        let commands = try #require(EscPos.decode(withPage.escpos(qr: .printer)))
        let follow = try #require(commands.firstIndex(of: .text("Följ din tur i telefonen:")))
        #expect(
            Array(commands[follow...]) == [
                .text("Följ din tur i telefonen:"), .newline, .qr(65, [50, 0]), .qr(67, [6]), .qr(69, [49]),
                .qr(80, [0x30] + Array(url.utf8)), .qr(81, [0x30]), .newline, .font(1), .text(url), .newline,
                .font(0), .feedAndCut(3),
            ])
        #expect(withPage.text.hasSuffix("Namn ropas aldrig upp.\n\nFölj din tur i telefonen:\n\(url)\n"))
        // Without one, the slip is as it was (the golden file).
        #expect(!slip.text.contains("http"))
    }

    /// A long service name at double width (24 characters a line) is broken between words, not where the paper
    /// ends.
    @Test func longNamesBreakBetweenWords() throws {
        var lab = slip
        lab.queueName = "Laboratorio ja kuvantaminen"
        let commands = try #require(EscPos.decode(lab.escpos))
        let name = try #require(commands.firstIndex(of: .size(0x11)))
        #expect(
            Array(commands[name...].prefix(5)) == [
                .size(0x11), .text("Laboratorio ja"), .newline, .text("kuvantaminen"), .newline,
            ])
        #expect(TicketSlip.wrap("Äitiys- ja lastenneuvola", width: 24) == ["Äitiys- ja lastenneuvola"])
        #expect(TicketSlip.wrap("Maahanmuuttajien neuvonta", width: 24) == ["Maahanmuuttajien", "neuvonta"])
        #expect(TicketSlip.wrap(String(repeating: "x", count: 30), width: 24).map(\.count) == [24, 6])
        #expect(TicketSlip.wrap("", width: 24) == [""])
        #expect(TicketSlip.wrap("Kela", width: 24) == ["Kela"])
    }

    @Test func textSaysTheSameInUTF8() {
        #expect(
            slip.text
                == "Iso Omena\nHälsostation\n\nH004\n\nPlats i kön: 4\nBeräknad väntetid: 16 min\n2026-11-23 10:00\n\nDitt nummer visas på skärmarna.\nNamn ropas aldrig upp.\n"
        )
        var fi = slip
        fi.lang = "fi"
        #expect(fi.text.contains("Nimiä ei koskaan kuuluteta."))
        var other = slip
        other.lang = "de"
        #expect(other.text.contains("Names are never called out."))
    }

    /// The signs' words for a closed queue's next opening: the time alone today, with the weekday after.
    @Test func openingTextNamesTheDayOnlyWhenNotToday() {
        let sunday2330 = Date(timeIntervalSince1970: 1_795_383_000)  // 2026-11-22 23:30 in Helsinki (+02:00)
        #expect(Opening.text("2026-11-23T08:00:00+02:00", lang: "fi", now: sunday2330) == "avautuu ma 08:00")
        #expect(Opening.text("2026-11-23T08:00:00+02:00", lang: "sv", now: sunday2330) == "öppnar mån 08:00")
        #expect(Opening.text("2026-11-22T23:45:00+02:00", lang: "en", now: sunday2330) == "opens 23:45")
        #expect(Opening.text("2026-11-23T08:00:00+02:00", lang: "de", now: sunday2330) == "opens Mon 08:00")
        #expect(Opening.text(nil, lang: "fi") == nil)
        #expect(Opening.text("tomorrow", lang: "fi") == nil)
    }

    @Test func bigTextSpellsTicketsAndCounters() {
        let rows = BigText.render("K1", scale: 1)
        #expect(rows.count == 5)
        #expect(rows[0] == "█ █  █ ")
    }
}
