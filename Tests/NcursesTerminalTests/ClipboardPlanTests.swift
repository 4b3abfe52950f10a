import Testing
@testable import NcursesTerminal

@Suite("Clipboard mode choice")
struct ClipboardPlanTests {
    static let allTools: @Sendable (String) -> String? = { "/usr/bin/" + $0 }
    static let noTools: @Sendable (String) -> String? = { _ in nil }

    @Test("Environment variables are read into facts")
    func environmentFacts() {
        let facts = ClipboardEnvironment(environment: [
            "SSH_CONNECTION": "10.0.0.1 22 10.0.0.2 5555", "TMUX": "/tmp/tmux-1/default,1,0",
            "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "TERM": "xterm-256color",
            "ATLAS_CERTS_CLIPBOARD_COMMAND": "cat > /tmp/x",
        ])
        #expect(facts == ClipboardEnvironment(isSSH: true, isTmux: true, hasWayland: true, hasX11: true,
                                              isDumbTerminal: false, command: "cat > /tmp/x"))
        let bare = ClipboardEnvironment(environment: ["SSH_TTY": "", "TERM": "dumb", "ATLAS_CERTS_CLIPBOARD_COMMAND": "  "])
        #expect(bare == ClipboardEnvironment(isDumbTerminal: true))
        #expect(ClipboardEnvironment(environment: ["SSH_TTY": "/dev/pts/3"]).isSSH)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var mode: ClipboardMode
        var environment: ClipboardEnvironment
        var toolsInstalled: Bool
        var expected: [ClipboardMethod]
        var testDescription: String { "\(mode) \(environment) tools:\(toolsInstalled)" }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        let osc = ClipboardMethod.osc52(tmuxPassthrough: false)
        let oscTmux = ClipboardMethod.osc52(tmuxPassthrough: true)
        for ssh in [false, true] {
            for tmux in [false, true] {
                for wayland in [false, true] {
                    for x11 in [false, true] {
                        for dumb in [false, true] {
                            for tools in [false, true] {
                                let env = ClipboardEnvironment(isSSH: ssh, isTmux: tmux, hasWayland: wayland, hasX11: x11,
                                                               isDumbTerminal: dumb, command: "cat > /tmp/f")
                                let terminalMethod = tmux ? oscTmux : osc
                                var natives: [ClipboardMethod] = []
                                if tools {
                                    if wayland { natives.append(.native(.wlCopy)) }
                                    if x11 { natives += [.native(.xclip), .native(.xsel)] }
                                    natives.append(.native(.pbcopy))
                                }
                                let auto: [ClipboardMethod] = ssh ? [terminalMethod] : natives + (dumb ? [] : [terminalMethod])
                                cases.append(Case(mode: .auto, environment: env, toolsInstalled: tools, expected: auto))
                                cases.append(Case(mode: .osc52, environment: env, toolsInstalled: tools, expected: [terminalMethod]))
                                cases.append(Case(mode: .native, environment: env, toolsInstalled: tools, expected: natives))
                                cases.append(Case(mode: .command, environment: env, toolsInstalled: tools, expected: [.command("cat > /tmp/f")]))
                            }
                        }
                    }
                }
            }
        }
        return cases
    }()

    @Test("Every mode in every environment combination", arguments: cases)
    func choice(_ testCase: Case) {
        let plan = ClipboardPlan.choose(mode: testCase.mode, environment: testCase.environment,
                                        findExecutable: testCase.toolsInstalled ? Self.allTools : Self.noTools)
        #expect(plan.methods == testCase.expected)
        #expect((plan.problem == nil) == !testCase.expected.isEmpty)
    }

    @Test("Over SSH, auto never picks a native tool even when pbcopy exists")
    func sshPrefersOSC52() {
        let plan = ClipboardPlan.choose(mode: .auto, environment: ClipboardEnvironment(isSSH: true, hasX11: true),
                                        findExecutable: Self.allTools)
        #expect(plan.methods == [.osc52(tmuxPassthrough: false)])
    }

    @Test("Only installed tools are chosen, in gitui's order")
    func onlyInstalledTools() {
        let plan = ClipboardPlan.choose(mode: .auto, environment: ClipboardEnvironment(hasWayland: true, hasX11: true),
                                        findExecutable: { $0 == "xsel" || $0 == "wl-copy" ? "/bin/" + $0 : nil })
        #expect(plan.methods == [.native(.wlCopy), .native(.xsel), .osc52(tmuxPassthrough: false)])
    }

    @Test("Command mode without a command explains what to set")
    func commandWithoutCommand() {
        let plan = ClipboardPlan.choose(mode: .command, environment: ClipboardEnvironment(), findExecutable: Self.noTools)
        #expect(plan.methods.isEmpty)
        #expect(plan.problem?.contains("ATLAS_CERTS_CLIPBOARD_COMMAND") == true)
    }

    @Test("The flag wins over the environment, which wins over auto")
    func modeResolution() throws {
        #expect(try ClipboardMode.resolve(flag: .native, environment: ["ATLAS_CERTS_CLIPBOARD": "osc52"]) == .native)
        #expect(try ClipboardMode.resolve(flag: nil, environment: ["ATLAS_CERTS_CLIPBOARD": "OSC52"]) == .osc52)
        #expect(try ClipboardMode.resolve(flag: nil, environment: ["ATLAS_CERTS_CLIPBOARD": ""]) == .auto)
        #expect(try ClipboardMode.resolve(flag: nil, environment: [:]) == .auto)
    }

    @Test("An unknown mode in the environment is an error that names the choices, escaped")
    func unknownMode() {
        #expect(throws: ClipboardConfigurationError.self) {
            try ClipboardMode.resolve(flag: nil, environment: ["ATLAS_CERTS_CLIPBOARD": "x\u{1B}[2J"])
        }
        do {
            _ = try ClipboardMode.resolve(flag: nil, environment: ["ATLAS_CERTS_CLIPBOARD": "x\u{1B}[2J"])
        } catch {
            #expect(error.message.contains("auto, osc52, native, command"))
            #expect(!error.message.contains("\u{1B}"))
        }
    }

    @Test("PATH search finds executables and ignores names with slashes")
    func pathSearch() {
        #expect(ExecutableSearch.find("sh", path: "/nonexistent:/bin:/usr/bin") != nil)
        #expect(ExecutableSearch.find("definitely-not-a-tool-xyz", path: "/bin:/usr/bin") == nil)
        #expect(ExecutableSearch.find("../sh", path: "/bin") == nil)
    }
}
