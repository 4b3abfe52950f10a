import CertBrowser
import Foundation
import Testing
@testable import NcursesTerminal

/// A pseudo-terminal the test owns: the terminal under test uses the secondary side,
/// the test reads what it drew and types keys on the primary side.
final class PseudoTerminal {
    let primary: Int32
    let secondary: Int32
    private(set) var output: [UInt8] = []

    init(width: UInt16 = 40, height: UInt16 = 12) throws {
        var primary: Int32 = -1
        var secondary: Int32 = -1
        var size = winsize(ws_row: height, ws_col: width, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&primary, &secondary, nil, nil, &size) == 0 else { throw POSIXError(.ENODEV) }
        self.primary = primary
        self.secondary = secondary
    }

    deinit {
        close(primary)
        close(secondary)
    }

    /// Reads whatever is available within `milliseconds`.
    func drain(milliseconds: Int32 = 20) {
        var descriptor = pollfd(fd: primary, events: Int16(POLLIN), revents: 0)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while poll(&descriptor, 1, milliseconds) > 0 {
            let count = read(primary, &buffer, buffer.count)
            if count <= 0 { return }
            output += buffer[0..<count]
        }
    }

    /// Reads until `bytes` appear in the output or the deadline passes.
    func waitFor(_ bytes: [UInt8], deadline: Duration = .seconds(5)) -> Bool {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            if contains(bytes) { return true }
            drain()
        }
        return contains(bytes)
    }

    func contains(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, output.count >= bytes.count else { return false }
        for start in 0...(output.count - bytes.count) where output[start] == bytes[0] {
            if Array(output[start..<(start + bytes.count)]) == bytes { return true }
        }
        return false
    }

    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(primary, $0.baseAddress, $0.count) }
    }

    func clearOutput() { output.removeAll() }
}

/// The real adapter on a pseudo-terminal inside the test process. Serialized: curses
/// has one current screen per process.
@Suite("NcursesTerminal on a pseudo-terminal", .serialized)
@MainActor
struct PseudoTerminalTests {
    func configuration(_ pty: PseudoTerminal, term: String = "xterm-256color", color: ColorMode = .always) -> NcursesTerminal.Configuration {
        NcursesTerminal.Configuration(colorMode: color, environment: ["TERM": term], inputDescriptor: pty.secondary,
                                      outputDescriptor: pty.secondary, tickMilliseconds: 20, ownsProcess: false)
    }

    @Test("Paints cells with their roles, reads keys, and restores the terminal")
    func paintReadRestore() throws {
        let pty = try PseudoTerminal()
        let terminal = try NcursesTerminal.start(configuration(pty))
        defer { terminal.restore() }
        #expect(terminal.size == Size(width: 40, height: 12))
        #expect(terminal.renderOptions.color)
        #expect(pty.waitFor(Array("\u{1B}[?1049h".utf8)), "entered the alternate screen")

        var canvas = Canvas(width: 40, height: 12)
        canvas.write("CERT-OK", x: 2, y: 1, role: .critical)
        terminal.paint(canvas)
        #expect(pty.waitFor(Array("CERT-OK".utf8)))
        // Critical is bold red: the bold SGR must precede the text.
        #expect(pty.contains(Array("\u{1B}[1m".utf8)) || pty.contains(Array(";1m".utf8)) || pty.contains(Array("\u{1B}[1;".utf8)))

        // Moving the text repaints only the difference: far fewer bytes than a screen.
        pty.clearOutput()
        canvas.write("CERT-OX", x: 2, y: 1, role: .critical)
        terminal.paint(canvas)
        #expect(pty.waitFor(Array("X".utf8)))
        #expect(pty.output.count < 60, "repaint sent \(pty.output.count) bytes")

        // keypad(TRUE) put the terminal in application mode, where Up is ESC O A.
        pty.type("\u{1B}OA")
        #expect(nextKey(terminal) == .key(.up))
        pty.type("q")
        #expect(nextKey(terminal) == .key(.character("q")))
        pty.type("\u{03}")
        #expect(nextKey(terminal) == .key(.ctrl("c")), "raw mode: Ctrl-C is a key")

        pty.clearOutput()
        terminal.restore()
        #expect(pty.waitFor(Array("\u{1B}[?1049l".utf8)), "left the alternate screen")
        #expect(pty.contains(Array("\u{1B}[?25h".utf8)), "cursor visible again")
        #expect(!terminal.writeRaw([0x41]), "no raw writes after restore")
    }

    @Test("Raw bytes reach the terminal untouched")
    func rawWrite() throws {
        let pty = try PseudoTerminal()
        let terminal = try NcursesTerminal.start(configuration(pty))
        defer { terminal.restore() }
        let sequence = try OSC52.sequence(for: "12345")
        #expect(terminal.writeRaw(sequence))
        #expect(pty.waitFor(sequence))
    }

    @Test("Without colour nothing asks for a colour")
    func noColor() throws {
        let pty = try PseudoTerminal()
        let terminal = try NcursesTerminal.start(configuration(pty, color: .never))
        defer { terminal.restore() }
        #expect(!terminal.renderOptions.color)
        #expect(terminal.colorCount == 0)
        var canvas = Canvas(width: 40, height: 12)
        canvas.write("PLAIN", x: 0, y: 0, role: .critical)
        terminal.paint(canvas)
        #expect(pty.waitFor(Array("PLAIN".utf8)))
        #expect(!pty.contains(Array("\u{1B}[31m".utf8)) && !pty.contains(Array("\u{1B}[38;5;".utf8)))
    }

    @Test("An unknown TERM is a friendly error, not an exit")
    func unknownTerm() throws {
        let pty = try PseudoTerminal()
        #expect {
            _ = try NcursesTerminal.start(configuration(pty, term: "no-such-terminal-xyz"))
        } throws: { error in
            (error as? TerminalError)?.message.contains("'no-such-terminal-xyz' is unknown") == true
        }
        // The failure left no screen behind: a good terminal starts afterwards.
        let terminal = try NcursesTerminal.start(configuration(pty))
        terminal.restore()
    }

    @Test("Missing TERM and non-terminals are refused before curses starts")
    func refusals() throws {
        let pty = try PseudoTerminal()
        var missing = configuration(pty)
        missing.environment = [:]
        #expect(throws: TerminalError.self) { try NcursesTerminal.start(missing) }
        // terminfo knows `dumb`, but curses could draw only the footer on it.
        #expect {
            _ = try NcursesTerminal.start(configuration(pty, term: "dumb"))
        } throws: { error in
            (error as? TerminalError)?.message.hasPrefix("TERM=dumb cannot show a full-screen browser") == true
        }
        var pipe: [Int32] = [-1, -1]
        #expect(Foundation.pipe(&pipe) == 0)
        defer { close(pipe[0]); close(pipe[1]) }
        var notATerminal = configuration(pty)
        notATerminal.inputDescriptor = pipe[0]
        #expect { try NcursesTerminal.start(notATerminal) } throws: { error in
            (error as? TerminalError)?.message.contains("needs a terminal") == true
        }
    }

    @Test("A wait ends at once when the wake pipe is written, with a key when one is typed, and times out otherwise")
    func waitWakesOnThePipe() throws {
        let pty = try PseudoTerminal()
        let terminal = try NcursesTerminal.start(configuration(pty))
        defer { terminal.restore() }
        var pipe: [Int32] = [-1, -1]
        #expect(Foundation.pipe(&pipe) == 0)
        defer { close(pipe[0]); close(pipe[1]) }
        // Nothing: the wait runs out.
        #expect(terminal.nextEvent(upTo: 0, wakingOn: pipe[0]) == .timedOut)
        // A byte in the pipe ends a wait of a minute at once (the test would take a
        // minute otherwise, and report the wait as timed out).
        var byte: UInt8 = 1
        #expect(write(pipe[1], &byte, 1) == 1)
        let start = ContinuousClock.now
        #expect(terminal.nextEvent(upTo: 60_000, wakingOn: pipe[0]) == .woken)
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(read(pipe[0], &byte, 1) == 1)
        // A key wins over the wake: it is reported first, the wake after it.
        #expect(write(pipe[1], &byte, 1) == 1)
        pty.type("q")
        var events: [TerminalWait] = []
        for _ in 0..<2 { events.append(terminal.nextEvent(upTo: 60_000, wakingOn: pipe[0])) }
        #expect(events.first == .event(.key(.character("q"))) || events == [.woken, .event(.key(.character("q")))])
        // Without a wake descriptor it behaves as a plain timed read.
        pty.type("j")
        #expect(terminal.nextEvent(upTo: 60_000, wakingOn: -1) == .event(.key(.character("j"))))
    }

    /// Polls the terminal (each read waits one 20 ms tick) until a key arrives.
    func nextKey(_ terminal: NcursesTerminal) -> TerminalEvent? {
        let end = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < end {
            if let event = terminal.nextEvent() { return event }
        }
        return nil
    }
}
