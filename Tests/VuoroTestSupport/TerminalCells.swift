// Reads back a QR code drawn in a terminal with `▀` and colours (QRCode.terminalLines), from the lines as written
// or as `tmux capture-pane -e` gives them.

public enum TerminalCells {
    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The modules of the `▀` cells in `lines`: two rows per line, dark where the colour is black (30 or 40), light
    /// where it is white (37, 97, 47, 107). Other characters are skipped.
    public static func modules(_ lines: [String]) throws -> [[Bool]] {
        var rows: [[Bool]] = []
        for line in lines {
            var fg = 39
            var bg = 49
            var top: [Bool] = []
            var bottom: [Bool] = []
            var s = Substring(line)
            while let c = s.first {
                if c == "\u{1B}", s.dropFirst().first == "[" {
                    let body = s.dropFirst(2).prefix { !$0.isLetter }
                    let final = s.dropFirst(2 + body.count).first
                    s = s.dropFirst(3 + body.count)
                    guard final == "m" else { continue }
                    let codes = body.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
                    for code in codes.isEmpty ? [0] : codes {
                        switch code {
                        case 0: (fg, bg) = (39, 49)
                        case 30...39, 90...97: fg = code
                        case 40...49, 100...107: bg = code
                        default: break
                        }
                    }
                    continue
                }
                s = s.dropFirst()
                guard c == "▀" else { continue }
                top.append(try dark(fg, foreground: true))
                bottom.append(try dark(bg, foreground: false))
            }
            if !top.isEmpty { rows += [top, bottom] }
        }
        return rows
    }

    static func dark(_ code: Int, foreground: Bool) throws -> Bool {
        switch code {
        case 30, 40: return true
        case 37, 97, 47, 107: return false
        default: throw Unreadable(description: "a QR cell in colour \(code) (\(foreground ? "fg" : "bg"))")
        }
    }
}
