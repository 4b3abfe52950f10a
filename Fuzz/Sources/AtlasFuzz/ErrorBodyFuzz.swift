@_spi(Fuzzing) import AtlasAPI

/// The error-body decoder: the first line is the status (and optionally an
/// `X-Error-Code` after a space), the rest is the body. Whatever the body, the
/// `AtlasError` keeps the status and holds only safe text.
enum ErrorBodyFuzz {
    static func run(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let head = Array(bytes[..<newline]).text.split(separator: " ", maxSplits: 1)
        let body = newline < bytes.endIndex ? Array(bytes[(newline + 1)...]) : []
        var status = head.first.flatMap { Int($0) } ?? 500
        if !(100...599).contains(status) { status = 400 + abs(status % 200) }
        let headers: [(name: String, value: String)] = head.count > 1 ? [("X-Error-Code", String(head[1]))] : []
        let error = ParserEntryPoints.responseError(status: status, reason: "", headers: headers, body: body,
                                                    usingServiceAccount: bytes.count % 2 == 0)
        Invariant.require(error.status == status, "status \(status) became \(String(describing: error.status))")
        Invariant.require(!error.message.isEmpty, "an empty message")
        Invariant.requireTerminalSafe(error.message, "the message")
        Invariant.requireTerminalSafe(error.detail ?? "", "the detail")
        Invariant.requireTerminalSafe(error.errorCode ?? "", "the error code")
        for parameter in error.parameters { Invariant.requireTerminalSafe(parameter, "a parameter") }
    }
}
