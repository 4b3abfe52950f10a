import Foundation
import Testing
@testable import NcursesTerminal

@Suite("Copying through each back-end")
@MainActor
struct ClipboardTests {
    final class TerminalRecorder {
        var written: [[UInt8]] = []
    }

    func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("clip-\(UUID().uuidString)")
    }

    func clipboard(_ methods: [ClipboardMethod], recorder: TerminalRecorder = TerminalRecorder(), accepts: Bool = true,
                   maxEncodedBytes: Int = OSC52.defaultMaxEncodedBytes, tools: @escaping (String) -> String? = { _ in nil }) -> Clipboard {
        Clipboard(plan: ClipboardPlan(mode: .auto, methods: methods), timeout: .seconds(5), maxEncodedBytes: maxEncodedBytes,
                  findExecutable: tools, writeToTerminal: { bytes in
                      recorder.written.append(bytes)
                      return accepts
                  })
    }

    @Test("The command mode gets the exact text on stdin")
    func commandReceivesText() async throws {
        let file = temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let board = clipboard([.command("cat > '\(file.path)'")])
        let result = await board.copy("8714123456789012345", what: "certificate ID 8714123456789012345")
        #expect(result == .copied("Copied certificate ID 8714123456789012345 via clipboard command."))
        #expect(try String(contentsOf: file, encoding: .utf8) == "8714123456789012345")
    }

    @Test("A failing command is a message with its status")
    func failingCommand() async {
        let result = await clipboard([.command("exit 3")]).copy("1", what: "certificate ID 1")
        #expect(result == .failed("Could not copy certificate ID 1: the clipboard command: exited with status 3."))
    }

    @Test("OSC 52 writes the sequence to the terminal and says it cannot be confirmed")
    func osc52() async {
        let recorder = TerminalRecorder()
        let result = await clipboard([.osc52(tmuxPassthrough: false)], recorder: recorder).copy("12345", what: "certificate ID 12345")
        #expect(recorder.written == [[0x1B] + Array("]52;c;MTIzNDU=".utf8) + [0x07]])
        #expect(result.message.contains("OSC 52"))
        #expect(result == .copied("Copied certificate ID 12345 via OSC 52 (terminal cannot confirm)."))
    }

    @Test("Inside tmux the sequence is wrapped and the message names allow-passthrough")
    func osc52InTmux() async {
        let recorder = TerminalRecorder()
        let result = await clipboard([.osc52(tmuxPassthrough: true)], recorder: recorder).copy("hi", what: "x")
        #expect(recorder.written == [[0x1B] + Array("Ptmux;".utf8) + [0x1B, 0x1B] + Array("]52;c;aGk=".utf8) + [0x07, 0x1B, 0x5C]])
        #expect(result.message.contains("allow-passthrough"))
    }

    @Test("Over the cap nothing is written and the message says why")
    func overCap() async {
        let recorder = TerminalRecorder()
        let result = await clipboard([.osc52(tmuxPassthrough: false)], recorder: recorder, maxEncodedBytes: 8)
            .copy(String(repeating: "x", count: 100), what: "row as JSON")
        #expect(recorder.written.isEmpty)
        #expect(result == .failed("Could not copy row as JSON: OSC 52: too large for OSC 52 (136 bytes encoded, limit 8)."))
    }

    @Test("A failed native tool falls back to the next method")
    func fallback() async {
        let recorder = TerminalRecorder()
        let board = clipboard([.native(NativeClipboardTool(name: "false", arguments: [])), .osc52(tmuxPassthrough: false)],
                              recorder: recorder, tools: { ExecutableSearch.find($0, path: "/bin:/usr/bin") })
        let result = await board.copy("7", what: "certificate ID 7")
        #expect(recorder.written.count == 1)
        if case .copied = result {} else { Issue.record("expected a copy, got \(result)") }
    }

    @Test("A missing tool and a refused terminal write end in one failure message")
    func everythingFails() async {
        let board = clipboard([.native(.xclip), .osc52(tmuxPassthrough: false)], accepts: false)
        let result = await board.copy("7", what: "certificate ID 7")
        #expect(result == .failed("Could not copy certificate ID 7: xclip: not installed; OSC 52: the terminal could not be written."))
    }

    @Test("An empty plan reports its problem")
    func emptyPlan() async {
        let board = Clipboard(plan: ClipboardPlan(mode: .native, methods: [], problem: "no clipboard tool found"),
                              findExecutable: { _ in nil }, writeToTerminal: { _ in true })
        #expect(await board.copy("7", what: "certificate ID 7") == .failed("Could not copy certificate ID 7: no clipboard tool found."))
    }
}

@Suite("Helper processes")
struct ProcessRunnerTests {
    @Test("Exit status is reported")
    func exitStatus() async {
        #expect(await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", "exit 0"], input: "", timeout: .seconds(10)) == .exited(0))
        #expect(await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", "exit 7"], input: "", timeout: .seconds(10)) == .exited(7))
    }

    @Test("A program that hangs is stopped at the deadline")
    func timeout() async {
        // Had the deadline not fired, the outcome would be the program's exit after 30 s.
        let outcome = await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", "exec sleep 30"], input: "", timeout: .milliseconds(300))
        #expect(outcome == .timedOut)
    }

    @Test("A missing program is a failure to start, not a crash")
    func missing() async {
        let outcome = await ProcessRunner.run(executable: "/nonexistent/tool", arguments: [], input: "x", timeout: .seconds(5))
        if case .failedToStart = outcome {} else { Issue.record("expected failedToStart, got \(outcome)") }
    }

    @Test("A program that ignores its input does not break the copy")
    func ignoresInput() async {
        let big = String(repeating: "x", count: 1 << 20)
        #expect(await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", "exit 0"], input: big, timeout: .seconds(10)) == .exited(0))
    }
}
