import Foundation
import Testing
@testable import AtlasAPI

private func jwt(_ payload: String) -> String {
    let encoded = Data(payload.utf8).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
    return "eyJhbGciOiJSUzI1NiJ9.\(encoded).c2lnbmF0dXJl"
}

@Suite("Browser-login access token expiry (JWT exp, untrusted)")
struct AccessTokenExpiryTests {
    @Test func readsExp() throws {
        let token = Secret(jwt(#"{"sub":"someone","exp":1700000000}"#))
        #expect(try AccessTokenExpiry.expiry(of: token) == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func refreshWhenPastOrWithinMargin() throws {
        let token = Secret(jwt(#"{"exp":1000}"#))
        #expect(try AccessTokenExpiry.needsRefresh(token, now: Date(timeIntervalSince1970: 1001)))
        #expect(try AccessTokenExpiry.needsRefresh(token, now: Date(timeIntervalSince1970: 950), margin: 60))
        #expect(try !AccessTokenExpiry.needsRefresh(token, now: Date(timeIntervalSince1970: 900), margin: 60))
    }

    @Test(arguments: [
        ("", AccessTokenExpiry.Failure.notThreeParts),
        ("abc", .notThreeParts),
        ("a.b", .notThreeParts),
        ("a.b.c.d", .notThreeParts),
        ("a..c", .notThreeParts),
        ("a.!!!.c", .payloadNotBase64URL),
        ("a.abcde.c", .payloadNotBase64URL),
        (jwt("not json"), .payloadNotJSONObject),
        (jwt("[1,2]"), .payloadNotJSONObject),
        (jwt(#"{"sub":"x"}"#), .noExpClaim),
        (jwt(#"{"exp":"1700000000"}"#), .expNotANumber),
        (jwt(#"{"exp":true}"#), .expNotANumber),
        (jwt(#"{"exp":-5}"#), .expNotANumber),
        (jwt(#"{"exp":1e300}"#), .expNotANumber),
        (jwt(#"{"exp":{"a":1}}"#), .expNotANumber),
    ])
    func malformedTokensGiveAClearError(token: String, expected: AccessTokenExpiry.Failure) {
        #expect(throws: expected) { try AccessTokenExpiry.expiry(of: Secret(token)) }
        #expect(!expected.description.contains(token) || token.isEmpty)
    }

    @Test func hugeTokenRefusedBeforeDecoding() {
        let token = Secret(String(repeating: "a", count: 70_000) + ".b.c")
        #expect(throws: AccessTokenExpiry.Failure.notThreeParts) { try AccessTokenExpiry.expiry(of: token) }
    }
}

@Suite("config.toml targeted token edit")
struct ConfigTokenEditTests {
    static let original = """
        # Atlas CLI config, edited by hand
        version = 2
        profile = "work"

        [default]
          access_token = "default-access" # keep me
          refresh_token = 'default-refresh'
          auth_type = "user_account"

        [work]
        # the work account
        access_token = "old-access"   # trailing comment
        auth_type = "user_account"
        refresh_token="old-refresh"\r
        org_id = "5f0000000000000000000001"

        ["with space"]
        public_api_key = "abc"

        """

    @Test func replacesOnlyTheTwoValuesOfTheProfile() throws {
        let edited = try ConfigTokenEdit.replacingTokens(
            in: Self.original, profile: "work", accessToken: Secret("new.access.tok"), refreshToken: Secret("new-refresh"))
        let expected = Self.original
            .replacingOccurrences(of: #"access_token = "old-access""#, with: #"access_token = "new.access.tok""#)
            .replacingOccurrences(of: #"refresh_token="old-refresh""#, with: #"refresh_token="new-refresh""#)
        #expect(edited == expected)
        #expect(edited.contains("default-access"))
        #expect(edited.contains("refresh_token=\"new-refresh\"\r\n"))
    }

    @Test func editsTheDefaultTableAndKeepsItsLiteralStringComment() throws {
        let edited = try ConfigTokenEdit.replacingTokens(
            in: Self.original, profile: "default", accessToken: Secret("a2"), refreshToken: Secret("r2"))
        #expect(edited.contains(#"  access_token = "a2" # keep me"#))
        #expect(edited.contains(#"  refresh_token = "r2""#))
        #expect(edited.contains("old-access") && edited.contains("old-refresh"))
    }

    @Test func refusesWhatItCannotEditSafely() {
        let access = Secret("a"), refresh = Secret("r")
        #expect(throws: ConfigTokenEdit.Failure.tableNotFound(profile: "other")) {
            try ConfigTokenEdit.replacingTokens(in: Self.original, profile: "other", accessToken: access, refreshToken: refresh)
        }
        #expect(throws: ConfigTokenEdit.Failure.keyNotFound(key: "access_token", profile: "with space")) {
            try ConfigTokenEdit.replacingTokens(in: Self.original, profile: "with space", accessToken: access, refreshToken: refresh)
        }
        let multiline = "[p]\naccess_token = \"\"\"\nx\"\"\"\nrefresh_token = \"r\"\n"
        #expect(throws: ConfigTokenEdit.Failure.valueNotASingleLineString(key: "access_token", profile: "p")) {
            try ConfigTokenEdit.replacingTokens(in: multiline, profile: "p", accessToken: access, refreshToken: refresh)
        }
        let twice = "[p]\naccess_token = \"a\"\nrefresh_token = \"r\"\n[p]\n"
        #expect(throws: ConfigTokenEdit.Failure.tableRepeated(profile: "p")) {
            try ConfigTokenEdit.replacingTokens(in: twice, profile: "p", accessToken: access, refreshToken: refresh)
        }
        let ok = "[p]\naccess_token = \"a\"\nrefresh_token = \"r\"\n"
        #expect(throws: ConfigTokenEdit.Failure.tokenNotPrintable(key: "access_token")) {
            try ConfigTokenEdit.replacingTokens(in: ok, profile: "p", accessToken: Secret("a\"b"), refreshToken: refresh)
        }
    }

    @Test func writeBackIsAtomicMode0600AndRefusesAChangedFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/config.toml"
        try Self.original.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)

        let snapshot = try ConfigTokenWriteBack.check(path, profile: "work")
        try ConfigTokenWriteBack.write(path, snapshot: snapshot, profile: "work", accessToken: Secret("A1"), refreshToken: Secret("R1"))
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == (try ConfigTokenEdit.replacingTokens(in: Self.original, profile: "work", accessToken: Secret("A1"), refreshToken: Secret("R1"))))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["config.toml"])

        let stale = try ConfigTokenWriteBack.read(path)
        try (written + "# changed by atlas\n").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: ConfigTokenWriteBack.Failure.changedMeanwhile) {
            try ConfigTokenWriteBack.write(path, snapshot: stale, profile: "work", accessToken: Secret("A2"), refreshToken: Secret("R2"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("# changed by atlas\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["config.toml"])

        let link = directory + "/link.toml"
        #expect(symlink(path, link) == 0)
        #expect(throws: ConfigTokenWriteBack.Failure.notARegularFile) { try ConfigTokenWriteBack.read(link) }
        #expect(ConfigTokenWriteBack.Failure.changedMeanwhile.description.contains("run `atlas auth login`"))
    }
}
