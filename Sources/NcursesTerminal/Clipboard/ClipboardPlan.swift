/// One way to put text on the clipboard.
public enum ClipboardMethod: Sendable, Hashable {
    /// Write OSC 52 to the terminal; wrapped for tmux passthrough when inside tmux.
    case osc52(tmuxPassthrough: Bool)
    /// Run a native clipboard tool with the text on stdin.
    case native(NativeClipboardTool)
    /// Run the user's shell command with the text on stdin.
    case command(String)

    /// How the footer names this method.
    public var label: String {
        switch self {
        case .osc52(let tmux): tmux ? "OSC 52 via tmux passthrough" : "OSC 52"
        case .native(let tool): tool.name
        case .command: "the clipboard command"
        }
    }
}

/// A native clipboard program and how to call it.
public struct NativeClipboardTool: Sendable, Hashable {
    public var name: String
    public var arguments: [String]

    public init(name: String, arguments: [String]) {
        self.name = name
        self.arguments = arguments
    }

    public static let wlCopy = NativeClipboardTool(name: "wl-copy", arguments: [])
    public static let xclip = NativeClipboardTool(name: "xclip", arguments: ["-selection", "clipboard"])
    public static let xsel = NativeClipboardTool(name: "xsel", arguments: ["--clipboard", "--input"])
    public static let pbcopy = NativeClipboardTool(name: "pbcopy", arguments: [])
}

/// The methods to try, in order, and why there are none when there are none.
public struct ClipboardPlan: Sendable, Hashable {
    public var mode: ClipboardMode
    public var methods: [ClipboardMethod]
    /// Why `methods` is empty, for the footer.
    public var problem: String?

    public init(mode: ClipboardMode, methods: [ClipboardMethod], problem: String? = nil) {
        self.mode = mode
        self.methods = methods
        self.problem = problem
    }

    /// Chooses the methods for `mode` in `environment`.
    ///
    /// - auto: OSC 52 alone over SSH (a native tool there writes the remote machine's
    ///   clipboard and "succeeds", so nothing would ever fall back). Otherwise the native
    ///   tools in gitui's order, each only where it can work (wl-copy with Wayland, xclip
    ///   and xsel with X11, pbcopy wherever it exists), then OSC 52 unless TERM is dumb.
    /// - osc52, native, command: only that kind.
    /// - Parameter findExecutable: the path of a program on PATH, or nil; injected so
    ///   tests decide which tools exist.
    public static func choose(mode: ClipboardMode, environment: ClipboardEnvironment,
                              findExecutable: (String) -> String?) -> ClipboardPlan {
        let osc = ClipboardMethod.osc52(tmuxPassthrough: environment.isTmux)
        switch mode {
        case .osc52:
            return ClipboardPlan(mode: mode, methods: [osc])
        case .command:
            guard let command = environment.command else {
                return ClipboardPlan(mode: mode, methods: [],
                                     problem: "clipboard mode 'command' needs \(ClipboardMode.commandVariable) (a shell command that reads the text on stdin)")
            }
            return ClipboardPlan(mode: mode, methods: [.command(command)])
        case .native:
            let tools = nativeTools(environment, findExecutable)
            return ClipboardPlan(mode: mode, methods: tools,
                                 problem: tools.isEmpty ? "no clipboard tool found (wl-copy, xclip, xsel or pbcopy); try --clipboard osc52" : nil)
        case .auto:
            if environment.isSSH { return ClipboardPlan(mode: mode, methods: [osc]) }
            var methods = nativeTools(environment, findExecutable)
            if !environment.isDumbTerminal { methods.append(osc) }
            return ClipboardPlan(mode: mode, methods: methods,
                                 problem: methods.isEmpty ? "no clipboard tool found and TERM cannot take OSC 52; set \(ClipboardMode.commandVariable)" : nil)
        }
    }

    static func nativeTools(_ environment: ClipboardEnvironment, _ findExecutable: (String) -> String?) -> [ClipboardMethod] {
        var candidates: [NativeClipboardTool] = []
        if environment.hasWayland { candidates.append(.wlCopy) }
        if environment.hasX11 { candidates += [.xclip, .xsel] }
        candidates.append(.pbcopy)
        return candidates.filter { findExecutable($0.name) != nil }.map(ClipboardMethod.native)
    }
}
