import CNcursesw
import CertBrowser

extension NcursesTerminal {
    /// The next key or resize, waiting at most one tick; nil when the tick passed (or a
    /// signal interrupted the wait) with nothing to report.
    public func nextEvent() -> TerminalEvent? {
        read(timeout: configuration.tickMilliseconds)
    }

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
