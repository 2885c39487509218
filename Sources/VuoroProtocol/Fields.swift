// Writing and reading the words and key=value fields of replies and events; text with spaces is quoted.

/// Builds one reply or event line: words, then `key=value` fields, quoting values that need it.
public struct LineWriter {
    public private(set) var text: String

    public init(_ head: String) { text = head }

    public mutating func word(_ w: String) {
        text.append(" ")
        text.append(w)
    }

    public mutating func field(_ key: String, _ value: String) {
        text.append(" ")
        text.append(key)
        text.append("=")
        if LineWriter.needsQuotes(value) { LineWriter.appendQuoted(value, to: &text) } else { text.append(value) }
    }

    /// A field whose value is always quoted: names and other text meant for people.
    public mutating func text(_ key: String, _ value: String) {
        text.append(" ")
        text.append(key)
        text.append("=")
        LineWriter.appendQuoted(value, to: &text)
    }

    public mutating func field(_ key: String, _ value: Int) {
        text.append(" ")
        text.append(key)
        text.append("=")
        text.append(String(value))
    }

    static func needsQuotes(_ s: String) -> Bool {
        if s.isEmpty { return true }
        for b in s.utf8 where b <= 32 || b == 34 || b == 61 || b == 92 || b == 127 { return true }
        return false
    }

    static func appendQuoted(_ s: String, to out: inout String) {
        out.append("\"")
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default: out.unicodeScalars.append(ch)
            }
        }
        out.append("\"")
    }
}

/// A line split into positional words and `key=value` fields, quotes undone.
public struct Fields: Equatable, Sendable {
    public var words: [String]
    public var values: [String: String]
    /// Keys in the order they came, duplicates included.
    public var keys: [String]

    public subscript(key: String) -> String? { values[key] }

    public func int(_ key: String) -> Int? { values[key].flatMap { Int($0) } }

    /// Splits on runs of spaces. A token with `=` is a field; its value may be quoted with `"` and `\` escapes.
    /// Returns nil when a quote is left open.
    public static func split<S: StringProtocol>(_ line: S) -> Fields? {
        var words: [String] = []
        var values: [String: String] = [:]
        var keys: [String] = []
        var chars = Substring(line).unicodeScalars[...]
        while true {
            while chars.first == " " { chars.removeFirst() }
            guard !chars.isEmpty else { break }
            var token = ""
            var key: String?
            var quoted = false
            while let c = chars.first, c != " " {
                chars.removeFirst()
                if c == "=" && key == nil {
                    key = token
                    token = ""
                    if chars.first == "\"" {
                        chars.removeFirst()
                        quoted = true
                        var closed = false
                        while let q = chars.first {
                            chars.removeFirst()
                            if q == "\"" {
                                closed = true
                                break
                            }
                            if q == "\\", let e = chars.first {
                                chars.removeFirst()
                                switch e {
                                case "n": token.append("\n")
                                case "r": token.append("\r")
                                case "t": token.append("\t")
                                default: token.unicodeScalars.append(e)
                                }
                            } else {
                                token.unicodeScalars.append(q)
                            }
                        }
                        if !closed { return nil }
                    }
                    continue
                }
                if quoted { return nil }  // text after a closing quote
                token.unicodeScalars.append(c)
            }
            if let key {
                keys.append(key)
                values[key] = token
            } else {
                words.append(token)
            }
        }
        return Fields(words: words, values: values, keys: keys)
    }
}
