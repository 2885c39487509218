// The JSON writer's escapes: plain strings are written whole, everything RFC 8259 requires (and what would close
// an HTML tag or end a line in JavaScript) is escaped, and Foundation reads back what was written.
import Foundation
import Testing
import VuoroHTTP

@Suite struct JSONTests {
    @Test func plainAndEscapedStrings() throws {
        #expect(JSON.string("K012").serialized() == "\"K012\"")
        #expect(JSON.string("Neuvonta ÅÄÖ äö").serialized() == "\"Neuvonta ÅÄÖ äö\"")
        #expect(JSON.string("a\"b\\c").serialized() == "\"a\\\"b\\\\c\"")
        #expect(JSON.string("</script>&").serialized() == "\"\\u003c/script\\u003e\\u0026\"")
        #expect(JSON.string("x\u{01}\n\t\r").serialized() == "\"x\\u0001\\n\\t\\r\"")
        #expect(JSON.string("a\u{2028}b\u{2029}€").serialized() == "\"a\\u2028b\\u2029€\"")
        let object = JSON.object([("k", .string("lähtö\"<")), ("n", .number(-3)), ("a", .array([.null, .bool(true)]))])
        let text = object.serialized()
        #expect(text == "{\"k\":\"lähtö\\\"\\u003c\",\"n\":-3,\"a\":[null,true]}")
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(back?["k"] as? String == "lähtö\"<")
    }
}
