// Web Push message encryption (RFC 8291): the keying material comes from ECDH between a key made for the message
// and the browser's P-256 key, mixed with the subscription's authentication secret, then RFC 8188's aes128gcm.
import Crypto

/// A browser's push subscription: where to send, and its keys. Nothing else about anyone.
public struct PushSubscription: Equatable, Sendable {
    public var endpoint: String
    /// The browser's P-256 public key, uncompressed (65 bytes).
    public var p256dh: [UInt8]
    /// The authentication secret (16 bytes).
    public var auth: [UInt8]

    public init(endpoint: String, p256dh: [UInt8], auth: [UInt8]) {
        self.endpoint = endpoint
        self.p256dh = p256dh
        self.auth = auth
    }

    /// Checks what a page sent: an https endpoint (http only to this machine, for tests), a key that is a point on
    /// P-256, a 16-byte secret. The reason, or nil.
    public var problem: String? {
        let loopback = endpoint.hasPrefix("http://127.0.0.1:") || endpoint.hasPrefix("http://[::1]:")
        guard endpoint.hasPrefix("https://") || loopback, endpoint.utf8.count <= 1024, !endpoint.contains(" ") else {
            return "the endpoint must be an https:// address"
        }
        guard p256dh.count == 65, (try? P256.KeyAgreement.PublicKey(x963Representation: p256dh)) != nil else {
            return "p256dh is not a P-256 public key"
        }
        guard auth.count == 16 else { return "auth is not 16 bytes" }
        return nil
    }
}

public enum WebPushMessage {
    /// Encrypts `plaintext` for `subscription`. `sender` and `salt` are made anew for each message; a test passes
    /// the RFC's.
    public static func encrypt(
        _ plaintext: [UInt8], for subscription: PushSubscription,
        sender: P256.KeyAgreement.PrivateKey = P256.KeyAgreement.PrivateKey(),
        salt: [UInt8] = (0..<16).map { _ in UInt8.random(in: 0...255) }
    ) throws -> [UInt8] {
        let ua = try P256.KeyAgreement.PublicKey(x963Representation: subscription.p256dh)
        let asPublic = Array(sender.publicKey.x963Representation)
        let ikm = try keyingMaterial(
            secret: sender.sharedSecretFromKeyAgreement(with: ua), auth: subscription.auth,
            uaPublic: subscription.p256dh, asPublic: asPublic)
        return try ContentEncoding.encrypt(plaintext, ikm: ikm, salt: salt, keyID: asPublic)
    }

    /// What the browser does: decrypts with its private key and secret (for the tests' push service stand-in).
    public static func decrypt(_ body: [UInt8], with key: P256.KeyAgreement.PrivateKey, auth: [UInt8]) throws -> [UInt8] {
        try ContentEncoding.decrypt(body) { keyID in
            let asPublic = try P256.KeyAgreement.PublicKey(x963Representation: keyID)
            return try keyingMaterial(
                secret: key.sharedSecretFromKeyAgreement(with: asPublic), auth: auth,
                uaPublic: Array(key.publicKey.x963Representation), asPublic: keyID)
        }
    }

    /// IKM = HKDF(salt: auth, ECDH secret, "WebPush: info" || 0 || ua_public || as_public, 32) (RFC 8291, 3.4).
    static func keyingMaterial(secret: SharedSecret, auth: [UInt8], uaPublic: [UInt8], asPublic: [UInt8]) throws
        -> [UInt8]
    {
        let info = Array("WebPush: info".utf8) + [0] + uaPublic + asPublic
        let key = secret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: auth, sharedInfo: info, outputByteCount: 32)
        return key.withUnsafeBytes { Array($0) }
    }
}
