import Testing
@testable import NcursesTerminal

@Suite("OSC 52 sequences")
struct OSC52Tests {
    @Test("BEL-terminated sequence has the exact bytes")
    func belSequence() throws {
        let bytes = try OSC52.sequence(for: "12345")
        #expect(bytes == [0x1B] + Array("]52;c;MTIzNDU=".utf8) + [0x07])
    }

    @Test("ST-terminated sequence ends with ESC backslash")
    func stSequence() throws {
        let bytes = try OSC52.sequence(for: "12345", terminator: .st)
        #expect(bytes == [0x1B] + Array("]52;c;MTIzNDU=".utf8) + [0x1B, 0x5C])
    }

    @Test("Hostile text only ever appears as base64")
    func hostileTextIsEncoded() throws {
        let text = "\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}\\\u{9B}2J\u{202E}"
        let bytes = try OSC52.sequence(for: text)
        let payload = bytes.dropFirst(7).dropLast()
        #expect(bytes.filter { $0 == 0x1B }.count == 1)
        #expect(bytes.filter { $0 == 0x07 }.count == 1)
        let alphabet = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8))
        #expect(payload.allSatisfy { alphabet.contains($0) })
    }

    @Test("tmux wrapping doubles every ESC and adds the DCS envelope")
    func tmuxWrapping() throws {
        let inner = try OSC52.sequence(for: "12345", terminator: .st)
        let wrapped = OSC52.wrappedForTmux(inner)
        let expected: [UInt8] = [0x1B] + Array("Ptmux;".utf8) + [0x1B, 0x1B] + Array("]52;c;MTIzNDU=".utf8)
            + [0x1B, 0x1B, 0x5C] + [0x1B, 0x5C]
        #expect(wrapped == expected)
    }

    @Test("tmux wrapping of a BEL sequence")
    func tmuxWrappingBEL() throws {
        let wrapped = OSC52.wrappedForTmux(try OSC52.sequence(for: "hi"))
        #expect(wrapped == [0x1B] + Array("Ptmux;".utf8) + [0x1B, 0x1B] + Array("]52;c;aGk=".utf8) + [0x07, 0x1B, 0x5C])
    }

    @Test("The cap allows exactly the limit and refuses one more")
    func cap() throws {
        // 3 bytes encode to 4; 6 bytes to 8.
        #expect(try OSC52.sequence(for: "abcdef", maxEncodedBytes: 8).count == 7 + 8 + 1)
        #expect(throws: OSC52.TooLarge(encodedBytes: 12, limit: 8)) {
            try OSC52.sequence(for: "abcdefghi", maxEncodedBytes: 8)
        }
    }

    @Test("The default cap is k9s's 74,994 encoded bytes")
    func defaultCap() throws {
        // 74,994 is not a multiple of 4: the largest payload that fits encodes to 74,992.
        let fits = String(repeating: "a", count: 74_994 / 4 * 3)
        #expect(try OSC52.sequence(for: fits).count == 74_992 + 8)
        let tooBig = String(repeating: "a", count: 74_994 / 4 * 3 + 1)
        do {
            _ = try OSC52.sequence(for: tooBig)
            Issue.record("expected TooLarge")
        } catch {
            #expect(error.encodedBytes == 74_996)
            #expect(error.message.contains("limit 74994"))
        }
    }
}
