// Code page 866 (PC866, Cyrillic), which Epson printers select with ESC t 17: a slip in Russian or Ukrainian,
// for a centre whose information point serves them. Linux Swift has no encoder for it either.

public enum CP866 {
    /// The characters of bytes 0x80 to 0xFF.
    public static let high: [Unicode.Scalar] = Array(
        ("АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмноп"
            + "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
            + "рстуфхцчшщъыьэюяЁёЄєЇїЎў°∙·√№¤■\u{A0}").unicodeScalars)

    static let index: [Unicode.Scalar: UInt8] = {
        var d: [Unicode.Scalar: UInt8] = [:]
        for (i, s) in high.enumerated() { d[s] = UInt8(0x80 + i) }
        // Letters PC866 lacks, printed as the ones that look the same: Ukrainian і and Belarusian/Ukrainian
        // І as Latin i and I, ґ as г.
        d["і"] = 0x69
        d["І"] = 0x49
        d["ґ"] = d["г"]
        d["Ґ"] = d["Г"]
        return d
    }()

    /// Encodes text, or nil when a character is in neither ASCII nor the code page.
    public static func encode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            if s.value < 0x80 {
                out.append(UInt8(s.value))
            } else if let b = index[s] {
                out.append(b)
            } else {
                return nil
            }
        }
        return out
    }

    /// Decodes bytes of the code page (for tests and the ESC/POS decoder).
    public static func decode(_ bytes: [UInt8]) -> String {
        var s = ""
        for b in bytes { s.unicodeScalars.append(b < 0x80 ? Unicode.Scalar(b) : high[Int(b) - 0x80]) }
        return s
    }
}
