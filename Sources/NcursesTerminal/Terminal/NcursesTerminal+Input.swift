import CNcursesw
import CertBrowser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a wait for input ended with.
public enum TerminalWait: Sendable, Equatable {
    /// A key or a resize.
    case event(TerminalEvent)
    /// The wake descriptor became readable: background work has something for the loop.
    case woken
    /// The time ran out (or a signal interrupted the wait) with nothing to report.
    case timedOut
}

extension NcursesTerminal {
    /// The next key or resize, waiting at most one tick; nil when the tick passed (or a
    /// signal interrupted the wait) with nothing to report.
    public func nextEvent() -> TerminalEvent? {
        read(timeout: configuration.tickMilliseconds)
    }

    /// The next key or resize, waiting at most `milliseconds`, or until `wake` (the read
    /// end of a pipe; -1 for none) becomes readable. Results of network requests post to
    /// that pipe, so the loop applies them (and starts the requests they lead to) at once
    /// instead of at the next tick: a scan's phases would otherwise each wait for a tick.
    public func nextEvent(upTo milliseconds: Int32, wakingOn wake: Int32) -> TerminalWait {
        // Typeahead curses has already read from the descriptor is not seen by poll.
        if let event = read(timeout: 0) { return .event(event) }
        var descriptors = [pollfd(fd: configuration.inputDescriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&descriptors, 2, max(0, milliseconds))
        // Input, or a signal (SIGWINCH: curses reports the resize on its next read).
        if ready < 0 || descriptors[0].revents != 0, let event = read(timeout: 0) { return .event(event) }
        if ready > 0, descriptors[1].revents & Int16(POLLIN) != 0 { return .woken }
        return .timedOut
    }

    /// How long `nextEvent()` waits before reporting a tick.
    public var tickMilliseconds: Int32 { configuration.tickMilliseconds }

    /// The next key or resize already waiting, without blocking; nil when there is none.
    /// The runtime drains these after a key so a burst (a paste, key repeat) is handled
    /// in one batch with one repaint.
    public func pendingEvent() -> TerminalEvent? {
        read(timeout: 0)
    }

    private func read(timeout: Int32) -> TerminalEvent? {
        let window = cncursesw_stdscr()
        wtimeout(window, timeout)
        // Keys the browser has no use for (a lone KEY_MOUSE, Shift-Tab) are skipped
        // without waiting again.
        for _ in 0..<64 {
            var value: wint_t = 0
            let status = wget_wch(window, &value)
            if status == ERR { return nil }
            guard let key = KeyDecoder.decode(status: status, value: UInt32(value)) else {
                wtimeout(window, 0)
                continue
            }
            if key == .resize { return .resize(size) }
            return .key(key)
        }
        return nil
    }
}
