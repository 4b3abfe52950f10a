#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// How a helper program ended.
public enum ProcessOutcome: Sendable, Hashable {
    case exited(Int32)
    case signalled(Int32)
    case timedOut
    case failedToStart(String)
}

/// Runs a helper program with text on stdin and a deadline.
///
/// Clipboard tools and the user's clipboard command are external programs that can hang
/// (an X server that does not answer) or be missing; neither may freeze or crash the
/// browser. Their stdout and stderr go to /dev/null: output would land on the screen
/// curses owns, and xclip's background child would keep a pipe open forever.
public enum ProcessRunner {
    public static func run(executable: String, arguments: [String], input: String,
                           timeout: Duration) async -> ProcessOutcome {
        // Writing to a helper that exits without reading raises SIGPIPE, which would kill
        // the whole program; ignored process-wide, as SwiftNIO does, so the write just
        // fails and the helper's exit status decides.
        _ = signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let waiter = OutcomeWaiter()
        process.terminationHandler = { ended in
            switch ended.terminationReason {
            case .exit: waiter.finish(.exited(ended.terminationStatus))
            case .uncaughtSignal: waiter.finish(.signalled(ended.terminationStatus))
            @unknown default: waiter.finish(.exited(ended.terminationStatus))
            }
        }
        do {
            try process.run()
        } catch {
            return .failedToStart(TerminalText.visible(error.localizedDescription))
        }
        let writer = stdin.fileHandleForWriting
        try? writer.write(contentsOf: Data(input.utf8))
        try? writer.close()
        let running = UncheckedProcess(process)
        // The deadline runs on a Dispatch timer, not as a sleeping task: when the
        // cooperative thread pool is busy (two threads on a 2-core machine), a task's sleep
        // can end far too late, and a hung helper would outlive its deadline.
        let deadline = DispatchWorkItem {
            if waiter.finish(.timedOut) { running.process.terminate() }
        }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: deadline)
        let outcome = await waiter.outcome()
        deadline.cancel()
        return outcome
    }
}

/// The first outcome wins: the exit or the deadline, whichever comes first.
private final class OutcomeWaiter: Sendable {
    private enum Slot {
        case empty
        case waiting(CheckedContinuation<ProcessOutcome, Never>)
        case done(ProcessOutcome)
        case delivered
    }

    private let slot = Mutex<Slot>(.empty)

    /// Records `outcome` unless one was already recorded; true if this one counted.
    @discardableResult
    func finish(_ outcome: ProcessOutcome) -> Bool {
        let (counted, waiting) = slot.withLock { slot -> (Bool, CheckedContinuation<ProcessOutcome, Never>?) in
            switch slot {
            case .empty:
                slot = .done(outcome)
                return (true, nil)
            case .waiting(let continuation):
                slot = .delivered
                return (true, continuation)
            case .done, .delivered:
                return (false, nil)
            }
        }
        waiting?.resume(returning: outcome)
        return counted
    }

    func outcome() async -> ProcessOutcome {
        await withCheckedContinuation { continuation in
            let ready = slot.withLock { slot -> ProcessOutcome? in
                if case .done(let outcome) = slot {
                    slot = .delivered
                    return outcome
                }
                slot = .waiting(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// `Process` is not Sendable; the deadline task only calls `terminate`, which is safe
/// from any thread.
private struct UncheckedProcess: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}
