import Foundation

/// Reads what `/usr/bin/security find-generic-password -s <service> -a <account> -w` printed,
/// as zalando/go-keyring's darwin backend does: the output is trimmed; a value written with
/// the `go-keyring-base64:` prefix is standard base64, one with `go-keyring-encoded:` is hex.
/// Pure: the process is run elsewhere; this is unit-tested with recorded outputs.
public enum MacKeychainOutput {
    public static let base64Prefix = "go-keyring-base64:"
    public static let hexPrefix = "go-keyring-encoded:"
    /// `security`'s exit status for "The specified item could not be found in the keychain."
    public static let notFoundStatus: Int32 = 44

    public enum Decoded: Sendable, Equatable {
        case value(Secret)
        case notFound
        case failure(KeyringFailure)
    }

    public static func decode(status: Int32, stdout: String, stderr: String) -> Decoded {
        if status == notFoundStatus || stderr.contains("could not be found") { return .notFound }
        guard status == 0 else {
            if stderr.contains("User interaction is not allowed") || stderr.contains("locked") {
                return .failure(.locked("the macOS login keychain"))
            }
            return .failure(.failed("`security find-generic-password` exited with status \(status)"))
        }
        let trimmed = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix(base64Prefix) {
            guard let data = Data(base64Encoded: String(trimmed.dropFirst(base64Prefix.count))),
                  let text = String(data: data, encoding: .utf8) else {
                return .failure(.failed("a keychain value with the go-keyring base64 prefix is not valid base64"))
            }
            return .value(Secret(text))
        }
        if trimmed.hasPrefix(hexPrefix) {
            guard let text = hexDecode(trimmed.dropFirst(hexPrefix.count)) else {
                return .failure(.failed("a keychain value with the go-keyring hex prefix is not valid hex"))
            }
            return .value(Secret(text))
        }
        return .value(Secret(trimmed))
    }

    static func hexDecode(_ hex: Substring) -> String? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return String(bytes: bytes, encoding: .utf8)
    }
}
