// Voluntary Application Server Identification (RFC 8292): each push request carries a JWT signed with ES256 by
// the daemon's own P-256 key, and that key's public half, so that push services know who sends.
import Crypto
import Foundation

public struct VAPID: Sendable {
    /// The private key's 32 bytes (swift-crypto's keys are not Sendable: the key is made from them when it signs).
    let raw: [UInt8]
    /// Who runs the daemon, for the push services' operators: `mailto:` or an https address.
    public let subject: String

    public init(key: P256.Signing.PrivateKey, subject: String) {
        raw = Array(key.rawRepresentation)
        self.subject = subject
    }

    public var key: P256.Signing.PrivateKey { try! P256.Signing.PrivateKey(rawRepresentation: raw) }

    /// The public key as browsers take it (`applicationServerKey`): uncompressed, base64url.
    public var publicKey: String { Base64URL.encode(key.publicKey.x963Representation) }

    /// The origin of an endpoint, the JWT's audience: `https://fcm.googleapis.com`.
    public static func audience(of endpoint: String) -> String? {
        guard let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host else { return nil }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// `vapid t=<JWT>, k=<public key>` for a request to `endpoint`, valid for 12 hours from `now`.
    public func authorization(for endpoint: String, now: Date = Date()) throws -> String {
        guard let aud = VAPID.audience(of: endpoint) else { throw PushCryptoError("no origin in \(endpoint)") }
        let header = Base64URL.encode(Array(#"{"typ":"JWT","alg":"ES256"}"#.utf8))
        let exp = Int(now.timeIntervalSince1970) + 12 * 3600
        let claims = "{\"aud\":\"\(aud)\",\"exp\":\(exp),\"sub\":\"\(subject)\"}"
        let signing = header + "." + Base64URL.encode(Array(claims.utf8))
        let signature = try key.signature(for: Array(signing.utf8))
        return "vapid t=\(signing).\(Base64URL.encode(signature.rawRepresentation)), k=\(publicKey)"
    }

    /// The daemon's key in `path` (its raw 32 bytes), made there (mode 0600) at first start.
    public static func loadOrCreate(at path: String, subject: String) throws -> VAPID {
        if let data = FileManager.default.contents(atPath: path) {
            return VAPID(key: try P256.Signing.PrivateKey(rawRepresentation: data), subject: subject)
        }
        let key = P256.Signing.PrivateKey()
        guard FileManager.default.createFile(atPath: path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o600])
        else { throw PushCryptoError("cannot write \(path)") }
        return VAPID(key: key, subject: subject)
    }
}
