import Foundation

/// Why Atlas's answer to create cannot be written as a usable PEM file. `details` is the
/// issued certificate when its block could be read (its serial is the certificate's ID),
/// nil otherwise. The reason never holds any of the PEM.
public struct IssuedAnswerProblem: Error, Sendable, CustomStringConvertible {
    public var details: IssuedCertificateDetails?
    public var reason: String

    public init(details: IssuedCertificateDetails?, reason: String) {
        self.details = details
        self.reason = reason
    }

    public var description: String { reason }
}

/// Checks Atlas's answer to create before anything is written: PEM blocks and nothing else
/// (whitespace aside), each `BEGIN`/`END` pair with the same label and a base64 body, a
/// certificate block that parses as X.509 (the first), and exactly one private key block.
/// HTML, JSON, a truncated or corrupt PEM, or a certificate without its key are refused:
/// such an answer is a failure, not a file to write.
public enum IssuedAnswerCheck {
    public static func check(_ issued: IssuedCertificatePEM) -> Result<IssuedCertificateDetails, IssuedAnswerProblem> {
        let details = Result { try IssuedCertificateDetails(issued) }
        let known = try? details.get()
        let labels: [String]
        switch issued.withPEM({ blockLabels(of: $0) }) {
        case .success(let found): labels = found
        case .failure(let problem): return .failure(IssuedAnswerProblem(details: known, reason: problem.reason))
        }
        guard labels.first == "CERTIFICATE" else {
            return .failure(IssuedAnswerProblem(details: known, reason: "Atlas's answer does not start with a PEM certificate block."))
        }
        switch details {
        case .failure(let error):
            let reason = (error as? AtlasError)?.message ?? TerminalSafe.sanitize(String(describing: error), maxCharacters: 200)
            return .failure(IssuedAnswerProblem(details: nil, reason: "the certificate in Atlas's answer cannot be read: \(reason)"))
        case .success(let details):
            let keys = labels.filter { $0.hasSuffix("PRIVATE KEY") }.count
            guard keys == 1 else {
                return .failure(IssuedAnswerProblem(
                    details: details,
                    reason: keys == 0 ? "Atlas's answer holds no private key." : "Atlas's answer holds \(keys) private keys, not one."))
            }
            return .success(details)
        }
    }

    struct Malformed: Error {
        var reason: String
    }

    /// The labels of the PEM blocks of `text`, in order; a failure when anything but
    /// whitespace lies outside the blocks, or a block is unterminated, mislabelled or not base64.
    static func blockLabels(of text: String) -> Result<[String], Malformed> {
        var labels: [String] = []
        var open: (label: String, body: String)?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if var block = open {
                if line.hasPrefix("-----END ") {
                    guard line == "-----END \(block.label)-----" else {
                        return .failure(Malformed(reason: "a PEM block in Atlas's answer ends under another label."))
                    }
                    guard !block.body.isEmpty, Data(base64Encoded: block.body) != nil else {
                        return .failure(Malformed(reason: "a PEM block in Atlas's answer is empty or not base64 (corrupt)."))
                    }
                    labels.append(block.label)
                    open = nil
                } else if line.hasPrefix("-----") {
                    return .failure(Malformed(reason: "a PEM block in Atlas's answer is not terminated."))
                } else {
                    block.body += line
                    open = block
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                open = (String(line.dropFirst(11).dropLast(5)), "")
            } else if !line.isEmpty {
                return .failure(Malformed(reason: labels.isEmpty
                    ? "Atlas's answer is not PEM text (HTML, JSON or other text around the blocks)."
                    : "Atlas's answer has text that is not PEM after a block."))
            }
        }
        if open != nil { return .failure(Malformed(reason: "Atlas's answer ends inside a PEM block (cut short).")) }
        if labels.isEmpty { return .failure(Malformed(reason: "Atlas's answer holds no PEM block.")) }
        return .success(labels)
    }
}
