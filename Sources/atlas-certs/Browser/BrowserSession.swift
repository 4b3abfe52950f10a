import AtlasAPI
import CertBrowser
import Foundation
import NcursesTerminal

/// One run of the browser: the state, the loop, and the effects in flight.
@MainActor
final class BrowserSession {
    private let terminal: NcursesTerminal
    private let clipboard: Clipboard
    private let loads: LoadRunner
    private let inbox = ActionInbox()
    private var state: State
    private var running: [RequestID: Task<Void, Never>] = [:]
    private var copies: [Task<Void, Never>] = []
    /// Certificates being created: never cancelled, and awaited before the browser
    /// returns, so a key Atlas issued is always written.
    private var creations: [Task<Void, Never>] = []
    private let creator: CertificateCreator
    private var quitting = false
    private let startWithAllCertificates: Bool
    private let restored: Action?

    init(terminal: NcursesTerminal, clipboard: Clipboard, client: AtlasClient, policy: ExpiryPolicy,
         startWithAllCertificates: Bool = false, restored: Action? = nil, history: CertificateHistory = CertificateHistory()) {
        self.startWithAllCertificates = startWithAllCertificates
        self.restored = restored
        self.terminal = terminal
        self.clipboard = clipboard
        self.loads = LoadRunner(client: client, inbox: inbox)
        self.creator = CertificateCreator(client: client)
        self.state = State(policy: policy, viewport: terminal.size, outputDirectory: FileManager.default.currentDirectoryPath,
                           history: history)
    }

    /// Runs until quit or a termination signal.
    /// - Returns: the termination signal that ended the run, if one did.
    func run() async -> Int32? {
        dispatch(.resize(terminal.size))
        if let restored { dispatch(restored) }
        dispatch(.start)
        if startWithAllCertificates { dispatch(.openAllCertificates) }
        paint()
        let clock = ContinuousClock()
        let tick = Duration.milliseconds(Int64(terminal.tickMilliseconds))
        var lastTick = clock.now
        var lastPaint = clock.now
        var owesPaint = false
        var signal: Int32?
        while !quitting {
            if let received = terminal.receivedSignal {
                signal = received
                break
            }
            // Wait for a key, a result or the next tick; a frame owed for results
            // shortens the wait to when it may be drawn.
            var wait = tick - (clock.now - lastTick)
            if owesPaint { wait = min(wait, Self.resultFrameInterval - (clock.now - lastPaint)) }
            var keyHandled = false
            if case .event(let event) = terminal.nextEvent(upTo: Self.milliseconds(wait), wakingOn: inbox.wakeDescriptor) {
                handle(event)
                keyHandled = true
                // A burst (a paste, key repeat, a test typing fast) is one batch and
                // one repaint.
                var burst = 0
                while !quitting, burst < 256, let more = terminal.pendingEvent() {
                    handle(more)
                    burst += 1
                }
            }
            if clock.now - lastTick >= tick {
                dispatch(.tick)
                lastTick = clock.now
                owesPaint = true
            }
            let arrived = inbox.drain()
            if !arrived.isEmpty && !quitting {
                dispatch(arrived)
                owesPaint = true
            }
            // A key is answered by a frame at once; results are drawn at most once per
            // `resultFrameInterval`, however fast they arrive.
            if !quitting, keyHandled || (owesPaint && clock.now - lastPaint >= Self.resultFrameInterval) {
                paint()
                lastPaint = clock.now
                owesPaint = false
            }
            // Let main-actor work (copies in flight) run between frames.
            await Task.yield()
        }
        for task in running.values { task.cancel() }
        for task in copies { task.cancel() }
        for task in creations { await task.value }
        return signal
    }

    /// The shortest time between two frames drawn for results alone: a scan delivers
    /// hundreds of results a second, and over SSH every frame costs bytes.
    static let resultFrameInterval = Duration.milliseconds(16)

    static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: Int64(max(0, duration / .milliseconds(1))))
    }

    /// What the cache should keep when the browser closes, if anything fresh arrived.
    var metadataToCache: MetadataSnapshot? { state.metadataToCache }

    /// The certificates this run loaded from Atlas, for the history file.
    var certificatesSeen: [CertificateRow] { state.certificatesSeen }

    private func handle(_ event: TerminalEvent) {
        switch event {
        case .key(let key): dispatch(.key(key))
        case .resize(let size): dispatch(.resize(size))
        }
    }

    private func dispatch(_ action: Action) {
        if let answered = action.answeredRequest { running[answered] = nil }
        let effects = state.apply(action, now: Date())
        for effect in effects { perform(effect) }
    }

    /// Results that arrived between two frames, applied as one batch.
    private func dispatch(_ actions: [Action]) {
        for action in actions {
            if let answered = action.answeredRequest { running[answered] = nil }
        }
        let effects = state.apply(actions, now: Date())
        for effect in effects { perform(effect) }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .load:
            if let (id, task) = loads.start(effect) { running[id] = task }
        case .createCertificate(let id, let user, let months, let path):
            let creator = creator
            let inbox = inbox
            creations.append(Task.detached { inbox.post(await creator.create(id, user: user, months: months, path: path)) })
        case .cancel(let id):
            running.removeValue(forKey: id)?.cancel()
        case .copy(let text, let what):
            let clipboard = clipboard
            let inbox = inbox
            copies.append(Task { @MainActor in
                switch await clipboard.copy(text, what: what) {
                case .copied(let message): inbox.post(.copied(message: message))
                case .failed(let message): inbox.post(.copyFailed(message: message))
                }
            })
        case .quit:
            quitting = true
        }
    }

    private func paint() {
        let size = terminal.size
        terminal.paint(render(state, size: size, now: Date(), options: terminal.renderOptions))
    }
}
