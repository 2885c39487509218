// Web Push's cryptography against the RFCs' own examples: RFC 8188's two aes128gcm bodies, RFC 8291's message
// to the byte, and a VAPID JWT that its public key verifies.
import Crypto
import Foundation
import Testing
import VuoroPush

func b64(_ s: String) -> [UInt8] { Base64URL.decode(s)! }

@Suite struct PushCryptoTests {
    /// RFC 8188, 3.1: "I am the walrus" in one record, and its intermediate keys.
    @Test func rfc8188FirstExample() throws {
        let ikm = b64("yqdlZ-tYemfogSmv7Ws5PQ")
        let salt = b64("I1BsxtFttlv3u_Oo94xnmw")
        let keys = ContentEncoding.keys(ikm: ikm, salt: salt)
        #expect(keys.cek == b64("_wniytB-ofscZDh4tbSjHw") && keys.nonce == b64("Bcs8gkIRKLI8GeI8"))
        let body = try ContentEncoding.encrypt(Array("I am the walrus".utf8), ikm: ikm, salt: salt)
        #expect(Base64URL.encode(body) == "I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg")
        #expect(try ContentEncoding.decrypt(body) { _ in ikm } == Array("I am the walrus".utf8))
    }

    /// RFC 8188, 3.2: two records of 25 bytes with padding, and the key id "a1".
    @Test func rfc8188SecondExample() throws {
        let body = b64("uNCkWiNYzKTnBN9ji3-qWAAAABkCYTHOG8chz_gnvgOqdGYovxyjuqRyJFjEDyoF1Fvkj6hQPdPHI51OEUKEpgz3SsLWIqS_uA")
        let plain = try ContentEncoding.decrypt(body) { id in
            #expect(id == Array("a1".utf8))
            return b64("BO3ZVPxUlnLORbVGMpbT1Q")
        }
        #expect(plain == Array("I am the walrus".utf8))
        var tampered = body
        tampered[tampered.count - 1] ^= 1
        #expect(throws: (any Error).self) { try ContentEncoding.decrypt(tampered) { _ in b64("BO3ZVPxUlnLORbVGMpbT1Q") } }
    }

    /// RFC 8291, section 5 and appendix A: the message to the byte, and what the browser reads from it.
    @Test func rfc8291Example() throws {
        let subscription = PushSubscription(
            endpoint: "https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
            p256dh: b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
            auth: b64("BTBZMqHH6r4Tts7J_aSIgg"))
        #expect(subscription.problem == nil)
        let sender = try P256.KeyAgreement.PrivateKey(rawRepresentation: b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"))
        #expect(
            Base64URL.encode(sender.publicKey.x963Representation)
                == "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8")
        let plaintext = Array("When I grow up, I want to be a watermelon".utf8)
        let body = try WebPushMessage.encrypt(
            plaintext, for: subscription, sender: sender, salt: b64("DGv6ra1nlYgDCS1FRnbzlw"))
        #expect(
            Base64URL.encode(body)
                == "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        )
        let browser = try P256.KeyAgreement.PrivateKey(rawRepresentation: b64("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"))
        #expect(try WebPushMessage.decrypt(body, with: browser, auth: subscription.auth) == plaintext)
        // A message with a fresh key and salt each time: never the same bytes twice, always readable.
        let again = try WebPushMessage.encrypt(plaintext, for: subscription)
        #expect(again != body)
        #expect(try WebPushMessage.decrypt(again, with: browser, auth: subscription.auth) == plaintext)
    }

    @Test func subscriptionsAreChecked() {
        let key = b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4")
        let auth = b64("BTBZMqHH6r4Tts7J_aSIgg")
        #expect(PushSubscription(endpoint: "http://push.example.net/x", p256dh: key, auth: auth).problem != nil)
        #expect(PushSubscription(endpoint: "http://127.0.0.1:9/x", p256dh: key, auth: auth).problem == nil)
        var notOnCurve = key
        notOnCurve[40] ^= 1
        #expect(PushSubscription(endpoint: "https://a/x", p256dh: notOnCurve, auth: auth).problem != nil)
        #expect(PushSubscription(endpoint: "https://a/x", p256dh: key, auth: [1, 2]).problem != nil)
    }

    /// RFC 8292: the JWT's header, audience and expiry, signed with ES256, verified by the key it names.
    @Test func vapidAuthorization() throws {
        let vapid = VAPID(key: P256.Signing.PrivateKey(), subject: "mailto:it@example.fi")
        let now = Date(timeIntervalSince1970: 1_795_420_800)
        let header = try vapid.authorization(for: "https://fcm.googleapis.com/fcm/send/abc", now: now)
        #expect(header.hasPrefix("vapid t=") && header.hasSuffix(", k=\(vapid.publicKey)"))
        let jwt = String(header.dropFirst(8).prefix { $0 != "," })
        let parts = jwt.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        #expect(String(decoding: b64(parts[0]), as: UTF8.self) == #"{"typ":"JWT","alg":"ES256"}"#)
        let claims = try JSONSerialization.jsonObject(with: Data(b64(parts[1]))) as! [String: Any]
        #expect(claims["aud"] as? String == "https://fcm.googleapis.com")
        #expect(claims["exp"] as? Int == 1_795_420_800 + 12 * 3600)
        #expect(claims["sub"] as? String == "mailto:it@example.fi")
        let key = try P256.Signing.PublicKey(x963Representation: b64(vapid.publicKey))
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: b64(parts[2]))
        #expect(key.isValidSignature(signature, for: Array((parts[0] + "." + parts[1]).utf8)))
    }
}
