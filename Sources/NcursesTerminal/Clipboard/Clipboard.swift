import Foundation

/// What a copy did, in one line for the footer.
public enum CopyResult: Sendable, Hashable {
    case copied(String)
    case failed(String)

    public var message: String {
        switch self {
        case .copied(let message), .failed(let message): message
        }
    }
}

/// Performs copies with a plan's methods, in order, until one works.
///
/// A failed copy is always a message, never a crash (lazygit#1114 crashed when xclip was
/// missing). OSC 52 is written through `writeToTerminal` because it must reach the same
/// tty curses uses, after curses has flushed, so curses cannot split or mangle it.
@MainActor
public final class Clipboard {
    public let plan: ClipboardPlan
    private let writeToTerminal: @MainActor ([UInt8]) -> Bool
    private let findExecutable: (String) -> String?
    private let timeout: Duration
    private let maxEncodedBytes: Int

    public init(plan: ClipboardPlan, timeout: Duration = .seconds(3), maxEncodedBytes: Int = OSC52.defaultMaxEncodedBytes,
                findExecutable: @escaping (String) -> String?,
                writeToTerminal: @escaping @MainActor ([UInt8]) -> Bool) {
        self.plan = plan
        self.timeout = timeout
        self.maxEncodedBytes = maxEncodedBytes
        self.findExecutable = findExecutable
        self.writeToTerminal = writeToTerminal
    }

    /// Copies `text`; `what` names it in the message ("certificate ID 123").
    public func copy(_ text: String, what: String) async -> CopyResult {
        guard !plan.methods.isEmpty else {
            return .failed("Could not copy \(what): \(plan.problem ?? "no clipboard method available").")
        }
        var failures: [String] = []
        for method in plan.methods {
            switch await attempt(method, text) {
            case .success(let note):
                return .copied("Copied \(what) \(note).")
            case .failure(let reason):
                failures.append("\(method.label): \(reason)")
            }
        }
        return .failed("Could not copy \(what): " + failures.joined(separator: "; ") + ".")
    }

    private enum Attempt {
        case success(String)
        case failure(String)
    }

    private func attempt(_ method: ClipboardMethod, _ text: String) async -> Attempt {
        switch method {
        case .osc52(let tmux):
            let sequence: [UInt8]
            do {
                sequence = try OSC52.sequence(for: text, maxEncodedBytes: maxEncodedBytes)
            } catch {
                return .failure(error.message)
            }
            guard writeToTerminal(tmux ? OSC52.wrappedForTmux(sequence) : sequence) else {
                return .failure("the terminal could not be written")
            }
            // Short enough for the footer; OSC 52 has no answer, so say so.
            return .success(tmux
                ? "via OSC 52 in tmux (needs allow-passthrough; unconfirmed)"
                : "via OSC 52 (terminal cannot confirm)")
        case .native(let tool):
            guard let path = findExecutable(tool.name) else { return .failure("not installed") }
            return describe(await ProcessRunner.run(executable: path, arguments: tool.arguments, input: text, timeout: timeout),
                            success: "via \(tool.name)")
        case .command(let command):
            return describe(await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", command], input: text, timeout: timeout),
                            success: "via clipboard command")
        }
    }

    private func describe(_ outcome: ProcessOutcome, success: String) -> Attempt {
        switch outcome {
        case .exited(0): .success(success)
        case .exited(let status): .failure("exited with status \(status)")
        case .signalled(let signal): .failure("killed by signal \(signal)")
        case .timedOut: .failure("no answer within \(timeout.components.seconds)s")
        case .failedToStart(let reason): .failure("could not start (\(reason))")
        }
    }
}
