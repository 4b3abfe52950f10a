import Testing
@testable import AtlasAPI

@Suite struct MacKeychainOutputTests {
    private func value(_ decoded: MacKeychainOutput.Decoded) -> String? {
        if case .value(let secret) = decoded { return secret.withValue { $0 } }
        return nil
    }

    @Test func plainValueIsTrimmed() {
        #expect(value(MacKeychainOutput.decode(status: 0, stdout: "abcdefgh\n", stderr: "")) == "abcdefgh")
    }

    @Test func base64PrefixIsDecoded() {
        // go-keyring writes "go-keyring-base64:" + base64("a0b1-c2d3") for values it must encode.
        #expect(value(MacKeychainOutput.decode(status: 0, stdout: "go-keyring-base64:YTBiMS1jMmQz\n", stderr: "")) == "a0b1-c2d3")
    }

    @Test func hexPrefixIsDecoded() {
        #expect(value(MacKeychainOutput.decode(status: 0, stdout: "go-keyring-encoded:6b65792d31\n", stderr: "")) == "key-1")
    }

    @Test func badEncodingsAreFailuresWithoutTheValue() {
        let badHex = MacKeychainOutput.decode(status: 0, stdout: "go-keyring-encoded:6b6", stderr: "")
        let badBase64 = MacKeychainOutput.decode(status: 0, stdout: "go-keyring-base64:!!!", stderr: "")
        for decoded in [badHex, badBase64] {
            guard case .failure(let failure) = decoded else { Issue.record("expected a failure"); continue }
            #expect(!failure.description.contains("6b6"))
            #expect(!failure.description.contains("!!!"))
        }
    }

    @Test func recordedNotFound() {
        let stderr = "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n"
        #expect(MacKeychainOutput.decode(status: 44, stdout: "", stderr: stderr) == .notFound)
    }

    @Test func recordedLockedKeychain() {
        let stderr = "security: SecKeychainSearchCopyNext: User interaction is not allowed.\n"
        #expect(MacKeychainOutput.decode(status: 36, stdout: "", stderr: stderr) == .failure(.locked("the macOS login keychain")))
    }
}
