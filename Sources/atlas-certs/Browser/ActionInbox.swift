import CertBrowser
import Foundation
import Synchronization

/// Where background work leaves its results for the input loop.
///
/// Network tasks run off the main actor and must never make the loop wait for them, so
/// they post actions here. The first post after a drain also writes one byte to a pipe
/// whose read end the loop waits on beside the terminal (`wakeDescriptor`): a result is
/// applied as soon as it arrives, and the requests it leads to start at once, instead of
/// at the next 100 ms tick (which cost a scan a tick per phase; docs/benchmarks.md).
final class ActionInbox: Sendable {
    private struct Pending {
        var actions: [Action] = []
        /// A byte is in the pipe (or on its way) for what `actions` holds.
        var signalled = false
    }

    private let pending = Mutex(Pending())
    /// The pipe's read end, non-blocking; -1 when no pipe could be made (the loop then
    /// finds results at its ticks, as before).
    let wakeDescriptor: Int32
    private let wakeWriter: Int32

    init() {
        var descriptors: [Int32] = [-1, -1]
        // pipe2 is a GNU extension Glibc's module does not export; fcntl does the same.
        if pipe(&descriptors) == 0 {
            for descriptor in descriptors {
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            }
            wakeDescriptor = descriptors[0]
            wakeWriter = descriptors[1]
        } else {
            wakeDescriptor = -1
            wakeWriter = -1
        }
    }

    deinit {
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
        if wakeWriter >= 0 { close(wakeWriter) }
    }

    func post(_ action: Action) {
        let wake = pending.withLock { state in
            state.actions.append(action)
            defer { state.signalled = true }
            return !state.signalled
        }
        guard wake, wakeWriter >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)  // a full pipe (EAGAIN) wakes the loop all the same
    }

    /// Everything posted so far, in order; empties the inbox and the pipe.
    func drain() -> [Action] {
        if wakeDescriptor >= 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(wakeDescriptor, &buffer, buffer.count) > 0 {}
        }
        return pending.withLock { state in
            defer {
                state.actions.removeAll(keepingCapacity: true)
                state.signalled = false
            }
            return state.actions
        }
    }
}
