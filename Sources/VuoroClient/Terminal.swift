// The terminal for the full-screen clients: raw keys, size, and ANSI drawing.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Raw-mode keyboard input and full-screen output on the controlling terminal.
public final class Terminal {
    private var saved = termios()
    private var raw = false

    public init() {}

    /// Ctrl-C, which arrives as a key (`ISIG` is off in full screen), so that the program ends through its own
    /// code and gives the terminal back as it found it; also what a hung-up terminal reads as.
    public static let interrupt: Character = "\u{03}"

    /// The keys that end the staff's programs (the display, the desk): `q` and Ctrl-C.
    public static func quits(_ key: Character?) -> Bool { key == "q" || key == interrupt }

    /// Keys arrive one by one, unechoed, Ctrl-C among them; the screen switches to the alternate buffer.
    public func enterFullScreen() {
        if tcgetattr(0, &saved) == 0 {
            var t = saved
            t.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
            withUnsafeMutableBytes(of: &t.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            tcsetattr(0, TCSANOW, &t)
            raw = true
        }
        write("\u{1B}[?1049h\u{1B}[?25l")
    }

    public func leaveFullScreen() {
        write("\u{1B}[?25h\u{1B}[?1049l")
        if raw { tcsetattr(0, TCSANOW, &saved) }
        raw = false
    }

    deinit { if raw { leaveFullScreen() } }

    /// Columns and rows; 80×24 when not a terminal.
    public var size: (columns: Int, rows: Int) {
        var w = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0, w.ws_row > 0 { return (Int(w.ws_col), Int(w.ws_row)) }
        return (80, 24)
    }

    /// Waits up to `seconds` for a key on stdin or data on `other`; returns the key, if one came.
    public func waitForKey(seconds: Double, orReadable other: Int32? = nil) -> Character? {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0)]
        if let other { fds.append(pollfd(fd: other, events: Int16(POLLIN), revents: 0)) }
        guard poll(&fds, nfds_t(fds.count), Int32(seconds * 1000)) > 0 else { return nil }
        // The terminal hung up: as good as Ctrl-C, rather than a poll that returns at once for ever.
        if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && fds[0].revents & Int16(POLLIN) == 0 {
            return Terminal.interrupt
        }
        guard fds[0].revents & Int16(POLLIN) != 0 else { return nil }
        var b: UInt8 = 0
        guard read(0, &b, 1) == 1 else { return Terminal.interrupt }
        return Character(Unicode.Scalar(b))
    }

    /// Writes to the screen. When the terminal is gone (its window closed, the session ended), the program ends
    /// quietly: there is nobody left to show anything to.
    public func write(_ s: String) {
        if writeAll(STDOUT_FILENO, Array(s.utf8)) != nil {
            if raw { tcsetattr(0, TCSANOW, &saved) }
            exit(1)
        }
    }

    /// Lines drawn over the screen's own from `row` and `column` (from 0).
    public struct Overlay: Equatable, Sendable {
        public let row: Int
        public let column: Int
        public let lines: [String]
        public init(row: Int, column: Int, lines: [String]) {
            self.row = row
            self.column = column
            self.lines = lines
        }
    }

    /// Replaces the whole screen with `lines`, and `overlay` over them.
    public func draw(_ lines: [String], overlay: Overlay? = nil) {
        var s = "\u{1B}[H\u{1B}[2J" + lines.joined(separator: "\r\n")
        if let o = overlay {
            for (i, line) in o.lines.enumerated() { s += "\u{1B}[\(o.row + i + 1);\(o.column + 1)H" + line }
        }
        write(s)
    }

    /// The columns `s` takes on screen: its characters less its escape sequences.
    public static func visibleWidth(_ s: String) -> Int {
        var n = 0
        var escape = false
        for c in s.unicodeScalars {
            if escape {
                if c.properties.isAlphabetic && c != "[" { escape = false }
            } else if c == "\u{1B}" {
                escape = true
            } else {
                n += 1
            }
        }
        return n
    }

    public static func bold(_ s: String) -> String { "\u{1B}[1m\(s)\u{1B}[0m" }
    public static func reverse(_ s: String) -> String { "\u{1B}[7m\(s)\u{1B}[0m" }
    public static func dim(_ s: String) -> String { "\u{1B}[2m\(s)\u{1B}[0m" }

    /// `s` centred in `width` columns.
    public static func center(_ s: String, _ width: Int) -> String {
        let pad = max(0, (width - s.count) / 2)
        return String(repeating: " ", count: pad) + s
    }
}

/// Big block glyphs, 5 rows high, for ticket numbers and counters on the lobby screen.
public enum BigText {
    static let glyphs: [Character: [String]] = [
        "0": ["###", "# #", "# #", "# #", "###"], "1": [" # ", "## ", " # ", " # ", "###"],
        "2": ["###", "  #", "###", "#  ", "###"], "3": ["###", "  #", " ##", "  #", "###"],
        "4": ["# #", "# #", "###", "  #", "  #"], "5": ["###", "#  ", "###", "  #", "###"],
        "6": ["###", "#  ", "###", "# #", "###"], "7": ["###", "  #", " # ", " # ", " # "],
        "8": ["###", "# #", "###", "# #", "###"], "9": ["###", "# #", "###", "  #", "###"],
        "A": [" # ", "# #", "###", "# #", "# #"], "B": ["## ", "# #", "## ", "# #", "## "],
        "C": ["###", "#  ", "#  ", "#  ", "###"], "D": ["## ", "# #", "# #", "# #", "## "],
        "E": ["###", "#  ", "## ", "#  ", "###"], "F": ["###", "#  ", "## ", "#  ", "#  "],
        "G": ["###", "#  ", "# #", "# #", "###"], "H": ["# #", "# #", "###", "# #", "# #"],
        "I": ["###", " # ", " # ", " # ", "###"], "J": ["  #", "  #", "  #", "# #", "###"],
        "K": ["# #", "## ", "#  ", "## ", "# #"], "L": ["#  ", "#  ", "#  ", "#  ", "###"],
        "M": ["# #", "###", "###", "# #", "# #"], "N": ["## ", "# #", "# #", "# #", "# #"],
        "O": ["###", "# #", "# #", "# #", "###"], "P": ["###", "# #", "###", "#  ", "#  "],
        "Q": ["###", "# #", "# #", "###", "  #"], "R": ["## ", "# #", "## ", "# #", "# #"],
        "S": ["###", "#  ", "###", "  #", "###"], "T": ["###", " # ", " # ", " # ", " # "],
        "U": ["# #", "# #", "# #", "# #", "###"], "V": ["# #", "# #", "# #", "# #", " # "],
        "W": ["# #", "# #", "###", "###", "# #"], "X": ["# #", "# #", " # ", "# #", "# #"],
        "Y": ["# #", "# #", " # ", " # ", " # "], "Z": ["###", "  #", " # ", "#  ", "###"],
        "-": ["   ", "   ", "###", "   ", "   "], " ": ["   ", "   ", "   ", "   ", "   "],
        ">": ["#  ", " # ", "  #", " # ", "#  "],
    ]

    /// Five lines spelling `s`, each glyph cell `scale` columns wide per block.
    public static func render(_ s: String, scale: Int = 2) -> [String] {
        (0..<5).map { row in
            s.uppercased().map { ch -> String in
                let g = glyphs[ch] ?? glyphs[" "]!
                return g[row].map {
                    $0 == "#" ? String(repeating: "█", count: scale) : String(repeating: " ", count: scale)
                }
                .joined()
            }.joined(separator: String(repeating: " ", count: scale))
        }
    }
}

/// What is wrong with a list of queue ids a screen was told to show (`--queues`): the ones the daemon has no
/// queue for, named with the queues it has; nil when all exist. A typo would otherwise show nothing, for ever, on
/// a screen nobody at a desk looks at.
public func unknownQueues(_ asked: [String], known: [String]) -> String? {
    let unknown = asked.filter { !known.contains($0) }
    guard !unknown.isEmpty else { return nil }
    return "no queue \(unknown.map { "'\($0)'" }.joined(separator: ", ")); the queues are "
        + known.joined(separator: ", ")
}

/// Keys for choosing among a list of queues, in order: digits for the first ten (a centre like Iso Omena has ten
/// services), then letters, leaving out those the screen uses for something else.
public func choiceKeys(except used: String) -> [Character] {
    Array("1234567890abcdefghijklmnopqrstuvwxyz").filter { !used.contains($0) }
}

extension String {
    /// Exactly `width` columns: padded, or cut with "…" when longer.
    public func fitted(_ width: Int) -> String {
        count <= width ? self + String(repeating: " ", count: width - count) : prefix(max(0, width - 1)) + "…"
    }

    /// With its first letter capital, for a title: "huone 214" → "Huone 214".
    public var initialCapital: String { prefix(1).uppercased() + dropFirst() }

    /// Left-aligned in `width` columns, with at least one space after it.
    public func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

/// Writes all of `bytes` to `fd`, again after EINTR, and after EAGAIN once `fd` takes data again (poll, not a
/// busy loop). With `deadline` (a `monotonicSeconds()` value) it gives up then: ETIMEDOUT, with `written` telling
/// how much went. Returns the errno of a failure, or nil.
public func writeAll(_ fd: Int32, _ bytes: [UInt8], deadline: Double? = nil, written: UnsafeMutablePointer<Int>? = nil)
    -> Int32?
{
    var rest = bytes[...]
    defer { written?.pointee = bytes.count - rest.count }
    while !rest.isEmpty {
        let n = rest.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            rest = rest.dropFirst(n)
        } else if n < 0 && errno == EINTR {
            continue
        } else if n < 0 && errno == EAGAIN {
            guard waitWritable(fd, until: deadline) else { return ETIMEDOUT }
        } else {
            return n < 0 ? errno : EIO
        }
    }
    return nil
}

/// Waits until `fd` takes data (or reports an error, which the next write returns), at most until `deadline`
/// (`monotonicSeconds()`), or for ever without one. False when the deadline passed first.
public func waitWritable(_ fd: Int32, until deadline: Double?) -> Bool {
    while true {
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let left = deadline.map { max(0, Int32((($0 - monotonicSeconds()) * 1000).rounded(.up))) } ?? -1
        let r = poll(&p, 1, left)
        if r > 0 { return true }
        if r < 0 && errno == EINTR { continue }
        if r == 0 && left != 0 { continue }  // woke early: poll's timeout is in whole milliseconds
        return r < 0
    }
}

/// A number of seconds as people write it: "5", "0.3".
public func formatSeconds(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(s) }

/// Seconds on the monotonic clock, for deadlines.
public func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
