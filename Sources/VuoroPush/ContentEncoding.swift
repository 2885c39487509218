// The aes128gcm content coding (RFC 8188) that Web Push messages are encrypted with, and base64url: built on
// swift-crypto's HKDF and AES-GCM, not on a cipher of our own.
import Crypto
import Foundation

/// base64url without padding (RFC 4648, section 5), as Web Push writes keys and JWTs.
public enum Base64URL {
    public static func encode<D: DataProtocol>(_ bytes: D) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Nil for text that is not base64url (padding is accepted).
    public static func decode(_ text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        s = s.replacingOccurrences(of: "=", with: "")
        guard s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") }) else { return nil }
        s += String(repeating: "=", count: (4 - s.count % 4) % 4)
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }
}

/// Why a message could not be encrypted or decrypted.
public struct PushCryptoError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// RFC 8188's aes128gcm: a header (salt, record size, key id) and records sealed with AES-128-GCM under a key and
/// nonce derived by HKDF-SHA-256 from the input keying material and the salt.
public enum ContentEncoding {
    /// The content-encryption key and the nonce of record 0 (RFC 8188, section 2.2 and 2.3).
    public static func keys(ikm: [UInt8], salt: [UInt8]) -> (cek: [UInt8], nonce: [UInt8]) {
        let prk = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: ikm), salt: salt)
        let cek = HKDF<SHA256>.expand(
            pseudoRandomKey: prk, info: Array("Content-Encoding: aes128gcm".utf8) + [0], outputByteCount: 16)
        let nonce = HKDF<SHA256>.expand(
            pseudoRandomKey: prk, info: Array("Content-Encoding: nonce".utf8) + [0], outputByteCount: 12)
        return (cek.withUnsafeBytes { Array($0) }, nonce.withUnsafeBytes { Array($0) })
    }

    /// One record (what a push message is): the header, then `plaintext` with the last record's delimiter (2) and
    /// `padding` zeros, sealed.
    public static func encrypt(
        _ plaintext: [UInt8], ikm: [UInt8], salt: [UInt8], keyID: [UInt8] = [], recordSize: UInt32 = 4096,
        padding: Int = 0
    ) throws -> [UInt8] {
        guard salt.count == 16, keyID.count < 256 else { throw PushCryptoError("a salt is 16 bytes, a key id < 256") }
        guard plaintext.count + 1 + padding + 16 <= Int(recordSize) else {
            throw PushCryptoError("\(plaintext.count) bytes do not fit one record of \(recordSize)")
        }
        let (cek, nonce) = keys(ikm: ikm, salt: salt)
        let box = try AES.GCM.seal(
            plaintext + [2] + [UInt8](repeating: 0, count: padding), using: SymmetricKey(data: cek),
            nonce: AES.GCM.Nonce(data: nonce))
        var header = salt
        header += withUnsafeBytes(of: recordSize.bigEndian, Array.init)
        header.append(UInt8(keyID.count))
        header += keyID
        return header + Array(box.ciphertext) + Array(box.tag)
    }

    /// The header of an aes128gcm body: salt, record size, key id, and where the records start.
    public static func header(_ body: [UInt8]) throws -> (salt: [UInt8], recordSize: Int, keyID: [UInt8], start: Int) {
        guard body.count >= 21 else { throw PushCryptoError("shorter than a header") }
        let rs = Int(body[16]) << 24 | Int(body[17]) << 16 | Int(body[18]) << 8 | Int(body[19])
        let idlen = Int(body[20])
        guard rs >= 18, body.count >= 21 + idlen else { throw PushCryptoError("a bad header") }
        return (Array(body[0..<16]), rs, Array(body[21..<(21 + idlen)]), 21 + idlen)
    }

    /// Opens every record; `ikm` gives the keying material for the header's key id.
    public static func decrypt(_ body: [UInt8], ikm: ([UInt8]) throws -> [UInt8]) throws -> [UInt8] {
        let h = try header(body)
        let (cek, nonce) = keys(ikm: try ikm(h.keyID), salt: h.salt)
        var out: [UInt8] = []
        var offset = h.start
        var seq: UInt64 = 0
        while offset < body.count {
            let end = min(body.count, offset + h.recordSize)
            let record = Array(body[offset..<end])
            guard record.count > 16 else { throw PushCryptoError("a record shorter than its tag") }
            // Each record's nonce is the first XORed with its sequence number (RFC 8188, section 2.3).
            var n = nonce
            for i in 0..<8 { n[11 - i] ^= UInt8(truncatingIfNeeded: seq >> (8 * UInt64(i))) }
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: n), ciphertext: record.dropLast(16), tag: record.suffix(16))
            var plain = Array(try AES.GCM.open(box, using: SymmetricKey(data: cek)))
            while plain.last == 0 { plain.removeLast() }
            let last = end == body.count
            guard let delimiter = plain.popLast(), delimiter == (last ? 2 : 1) else {
                throw PushCryptoError("a record without its delimiter")
            }
            out += plain
            offset = end
            seq += 1
        }
        return out
    }
}
