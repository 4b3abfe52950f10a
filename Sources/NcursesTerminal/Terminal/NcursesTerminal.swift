#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import CertBrowser

/// The terminal, driven through ncursesw: the only type that calls curses.
///
/// curses is not thread-safe, so the type is `@MainActor` and every curses call happens
/// on that one actor. Start it with `start`, paint canvases, read events, and call
/// `restore` on every way out (the runtime does so in a `defer`). Termination signals
/// set `receivedSignal`; crash signals restore the terminal themselves.
@MainActor
public final class NcursesTerminal {
    /// How to set up the terminal.
    public struct Configuration: Sendable {
        public var colorMode: ColorMode
        public var palette: PaletteVariant
        /// Force ASCII drawing (true) or UTF-8 (false); nil decides from the locale.
        public var ascii: Bool?
        /// How much of the selected row is highlighted.
        public var selection: SelectionStyle
        /// Read for TERM and NO_COLOR.
        public var environment: [String: String]
        public var inputDescriptor: Int32
        public var outputDescriptor: Int32
        /// How long a read waits before reporting a tick.
        public var tickMilliseconds: Int32
        /// Capture stderr and trap signals: on for the program, off for tests that run a
        /// terminal on a pseudo-terminal inside the test process.
        public var ownsProcess: Bool

        public init(colorMode: ColorMode = .auto, palette: PaletteVariant = .standard, ascii: Bool? = nil,
                    selection: SelectionStyle = .cell, environment: [String: String], inputDescriptor: Int32 = STDIN_FILENO,
                    outputDescriptor: Int32 = STDOUT_FILENO, tickMilliseconds: Int32 = 100, ownsProcess: Bool = true) {
            self.colorMode = colorMode
            self.palette = palette
            self.ascii = ascii
            self.selection = selection
            self.environment = environment
            self.inputDescriptor = inputDescriptor
            self.outputDescriptor = outputDescriptor
            self.tickMilliseconds = tickMilliseconds
            self.ownsProcess = ownsProcess
        }
    }

    /// Only one curses screen at a time: curses keeps global state.
    private static var isActive = false

    /// What `render` needs to know about this terminal.
    public let renderOptions: RenderOptions
    /// Colours the terminal reported (0 when colour is off).
    public let colorCount: Int
    /// True when the locale's character set is UTF-8.
    public let isUTF8: Bool

    let configuration: Configuration
    private let screen: OpaquePointer
    private let inputFile: UnsafeMutablePointer<FILE>
    private let outputFile: UnsafeMutablePointer<FILE>
    let styles: StyleTable
    private var isRestored = false

    private init(configuration: Configuration, screen: OpaquePointer, inputFile: UnsafeMutablePointer<FILE>,
                 outputFile: UnsafeMutablePointer<FILE>, renderOptions: RenderOptions, colorCount: Int,
                 isUTF8: Bool, styles: StyleTable) {
        self.configuration = configuration
        self.screen = screen
        self.inputFile = inputFile
        self.outputFile = outputFile
        self.renderOptions = renderOptions
        self.colorCount = colorCount
        self.isUTF8 = isUTF8
        self.styles = styles
    }

    /// Takes over the terminal.
    ///
    /// Uses `newterm`, not `initscr`, because `initscr` exits the process when the
    /// terminal cannot be set up; here that is a thrown error with one clear line.
    /// - Throws: `TerminalError` when the descriptors are not a terminal, TERM is unset
    ///   or unknown, or another terminal is active.
    public static func start(_ configuration: Configuration) throws(TerminalError) -> NcursesTerminal {
        guard !isActive else { throw TerminalError("The terminal is already in use by another screen.") }
        guard isatty(configuration.inputDescriptor) == 1, isatty(configuration.outputDescriptor) == 1 else {
            throw TerminalError("The browser needs a terminal (stdin and stdout are not one). For scripts use 'atlas-certs list'.")
        }
        guard let term = configuration.environment["TERM"], !term.isEmpty else {
            throw TerminalError("TERM is not set, so the terminal type is unknown. Set TERM (for example TERM=xterm-256color) or use 'atlas-certs list'.")
        }
        // terminfo knows `dumb`, but it cannot move the cursor: curses would draw only the
        // last line (the footer). Refused like a terminal terminfo does not know.
        guard term != "dumb" else {
            throw TerminalError("TERM=dumb cannot show a full-screen browser (no cursor movement). Set TERM (for example TERM=xterm-256color) or use 'atlas-certs list'.")
        }
        // Before curses: wide output and wcwidth depend on the locale.
        _ = cncursesw_setlocale_from_environment()
        let isUTF8 = cncursesw_codeset_is_utf8() != 0

        guard let outputFile = fdopen(dup(configuration.outputDescriptor), "w") else {
            throw TerminalError("Could not open the terminal for output.")
        }
        guard let inputFile = fdopen(dup(configuration.inputDescriptor), "r") else {
            fclose(outputFile)
            throw TerminalError("Could not open the terminal for input.")
        }
        if configuration.ownsProcess {
            // Our handlers go in first, so curses sees them and does not install its own
            // SIGINT/SIGTERM handlers (which would exit from inside curses).
            SignalTrap.install()
        }
        guard let screen = newterm(term, outputFile, inputFile) else {
            if configuration.ownsProcess { SignalTrap.uninstall() }
            fclose(inputFile)
            fclose(outputFile)
            let shown = TerminalText.visible(term)
            throw TerminalError("The terminal type '\(shown)' is unknown to this system's terminfo. Try TERM=xterm-256color, or install its terminfo entry.")
        }
        _ = set_term(screen)
        if configuration.ownsProcess { StderrCapture.begin() }

        let window = cncursesw_stdscr()
        var colorCount = 0
        if configuration.colorMode.usesColor(terminalHasColors: has_colors(), environment: configuration.environment) {
            _ = start_color()
            let defaults = use_default_colors() == OK
            colorCount = Int(cncursesw_COLORS())
            if colorCount < 8 { colorCount = 0 }
            let styles = StyleTable(palette: Palette(variant: configuration.palette, colors: colorCount),
                                    defaultColorsAvailable: defaults, pairLimit: Int(cncursesw_COLOR_PAIRS()))
            styles.allocatePairs()
            return finish(configuration, screen, inputFile, outputFile, window, colorCount, isUTF8, styles)
        }
        let styles = StyleTable(palette: Palette(variant: configuration.palette, colors: 0),
                                defaultColorsAvailable: false, pairLimit: 0)
        return finish(configuration, screen, inputFile, outputFile, window, colorCount, isUTF8, styles)
    }

    private static func finish(_ configuration: Configuration, _ screen: OpaquePointer, _ inputFile: UnsafeMutablePointer<FILE>,
                               _ outputFile: UnsafeMutablePointer<FILE>, _ window: UnsafeMutablePointer<WINDOW>?, _ colorCount: Int,
                               _ isUTF8: Bool, _ styles: StyleTable) -> NcursesTerminal {
        _ = noecho()
        _ = raw()                       // Ctrl-C, Ctrl-Z and Ctrl-S arrive as keys.
        _ = keypad(window, true)
        _ = curs_set(0)
        _ = set_escdelay(25)            // htop's value: Esc must feel instant as "back".
        _ = leaveok(window, true)
        wtimeout(window, configuration.tickMilliseconds)
        isActive = true
        let options = RenderOptions(color: colorCount > 0, ascii: configuration.ascii ?? !isUTF8,
                                    colorBlindSafe: configuration.palette == .colorBlindSafe, selection: configuration.selection)
        return NcursesTerminal(configuration: configuration, screen: screen, inputFile: inputFile, outputFile: outputFile,
                               renderOptions: options, colorCount: colorCount, isUTF8: isUTF8, styles: styles)
    }

    /// The screen size now (curses updates it before reporting KEY_RESIZE).
    public var size: Size {
        let window = cncursesw_stdscr()
        return Size(width: Int(cncursesw_getmaxx(window)), height: Int(cncursesw_getmaxy(window)))
    }

    /// The termination signal (SIGINT, SIGTERM, SIGHUP) that arrived, if any.
    public var receivedSignal: Int32? {
        let signal = SignalTrap.received.load(ordering: .sequentiallyConsistent)
        return signal == 0 ? nil : signal
    }

    /// Writes bytes straight to the terminal, bypassing curses: for OSC 52, which curses
    /// would otherwise treat as text. Call it after `paint` so curses has flushed.
    /// - Returns: false if the write failed.
    public func writeRaw(_ bytes: [UInt8]) -> Bool {
        guard !isRestored else { return false }
        fflush(outputFile)
        let descriptor = fileno(outputFile)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Gives the terminal back: cursor shown, echo and line mode back, keypad transmit
    /// mode off, alternate screen left; then stderr is restored and what was written to
    /// it meanwhile is printed. Safe to call more than once.
    public func restore() {
        guard !isRestored else { return }
        isRestored = true
        _ = curs_set(1)
        _ = endwin()
        delscreen(screen)
        fclose(inputFile)
        fclose(outputFile)
        if configuration.ownsProcess {
            StderrCapture.end()
            SignalTrap.uninstall()
        }
        NcursesTerminal.isActive = false
    }
}
