#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import Synchronization

/// Signal handling while curses owns the screen.
///
/// Termination signals (SIGINT, SIGTERM, SIGHUP, and SIGQUIT, which Swift's backtracer
/// would otherwise report as a crash over the screen and then let the program run on)
/// only set a flag: the input loop wakes
/// at least every tick, sees it and leaves through the normal path, which restores the
/// terminal. Crash signals cannot wait for the loop, so their handler calls `endwin`,
/// puts back the real stderr (with whatever was captured), runs the previous handler
/// (Swift's backtracer, which then prints on a normal screen) and dies of the signal,
/// as htop does.
///
/// All state is in atomics or in memory allocated once and never freed, because a
/// signal handler may read nothing that could be moving.
enum SignalTrap {
    static let termination: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    static let crash: [Int32] = [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT]
    /// Slots for previous actions: termination first, then crash, then SIGPIPE.
    static let slotCount = 11
    static let pipeSlot = 10

    /// The termination signal received, or 0.
    static let received = Atomic<Int32>(0)
    /// The real stderr, while stderr points at the capture file; -1 otherwise.
    static let savedStderr = Atomic<Int32>(-1)
    /// The capture file's descriptor, or -1.
    static let capturedStderr = Atomic<Int32>(-1)

    nonisolated(unsafe) static let previous: UnsafeMutablePointer<sigaction> = {
        let slots = UnsafeMutablePointer<sigaction>.allocate(capacity: slotCount)
        slots.initialize(repeating: sigaction(), count: slotCount)
        return slots
    }()

    /// Index of `signal` in `previous`; a switch so the handler touches no array.
    static func slot(_ signal: Int32) -> Int {
        switch signal {
        case SIGINT: 0
        case SIGTERM: 1
        case SIGHUP: 2
        case SIGSEGV: 3
        case SIGBUS: 4
        case SIGFPE: 5
        case SIGILL: 6
        case SIGTRAP: 7
        case SIGABRT: 8
        case SIGQUIT: 9
        default: pipeSlot
        }
    }

    @MainActor static func install() {
        received.store(0, ordering: .sequentiallyConsistent)
        for signal in termination {
            _ = cncursesw_install_signal_handler(signal, terminationHandler, previous + slot(signal))
        }
        for signal in crash {
            _ = cncursesw_install_crash_handler(signal, crashHandler, previous + slot(signal))
        }
        cncursesw_unblock_handled_signals()
        // A clipboard helper that exits before reading its input must not kill us.
        _ = cncursesw_ignore_signal(SIGPIPE, previous + pipeSlot)
    }

    @MainActor static func uninstall() {
        for signal in termination + crash {
            _ = cncursesw_restore_signal_handler(signal, previous + slot(signal))
        }
        _ = cncursesw_restore_signal_handler(SIGPIPE, previous + pipeSlot)
    }

    /// Puts the real stderr back and replays what was written to it meanwhile.
    /// Async-signal-safe: atomics, dup2, close, and the shim's read/write loop.
    static func releaseStderr() {
        let saved = savedStderr.exchange(-1, ordering: .sequentiallyConsistent)
        let captured = capturedStderr.exchange(-1, ordering: .sequentiallyConsistent)
        guard saved >= 0 else { return }
        _ = dup2(saved, STDERR_FILENO)
        _ = close(saved)
        cncursesw_replay_fd(captured, STDERR_FILENO)
    }
}

private let terminationHandler: @convention(c) (Int32) -> Void = { signal in
    SignalTrap.received.store(signal, ordering: .sequentiallyConsistent)
}

private let crashHandler: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { signal, info, context in
    _ = endwin()
    SignalTrap.releaseStderr()
    cncursesw_forward_crash(signal, info, context, SignalTrap.previous + SignalTrap.slot(signal))
}
