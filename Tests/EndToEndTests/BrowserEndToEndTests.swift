import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// The real `atlas-certs` binary in tmux against the simulator. Serialized: each test
/// runs a simulator, a tmux server and the program, which is plenty for a small CI box.
@Suite("atlas-certs in tmux", .serialized)
struct BrowserEndToEndTests {
    /// Filters the projects to the target's ID, opens it, filters to the user, opens it.
    /// - Returns: the user's live certificates, soonest expiry first.
    func openCertificates(_ harness: TmuxHarness, _ fixture: BrowserFixture) async throws -> [Certificate] {
        let (project, user) = try #require(fixture.target, "the generated data has a managed svc- user")
        await harness.waitForScreen(containing: "PROJECT", project.name)
        try harness.type("/" + project.id)
        try harness.press("Enter")
        // The filter narrows the table to the one project whose ID matches.
        let others = fixture.data.projects.filter { $0.id != project.id }.map(\.id)
        let filtered = await harness.waitUntil {
            let shown = harness.screen()
            return shown.contains(project.id) && !others.contains { shown.contains($0) }
        }
        #expect(filtered, "only the filtered project is listed:\n\(harness.screen())")
        try harness.press("Enter")
        await harness.waitForScreen(containing: "USERNAME", "› " + project.name, user.username)
        try harness.type("/" + user.username)
        try harness.press("Enter")
        try harness.press("Enter")
        let certificates = fixture.liveCertificates(of: user).sorted { ($0.notAfter, $0.id.decimal) < ($1.notAfter, $1.id.decimal) }
        await harness.waitForScreen(containing: "› " + user.username)
        await harness.waitForScreen(containing: certificates[0].id.decimal, certificates[certificates.count - 1].id.decimal)
        return certificates
    }

    /// Runs `body` with a fresh simulator and tmux server, and ends both whatever happens.
    func withBrowser(_ body: (BrowserFixture, TmuxHarness) async throws -> Void) async throws {
        try await BrowserFixture.withBrowser(body)
    }

    /// The program exited with `status` and gave the terminal back: alternate screen
    /// left (tmux's own flag), and in the raw output the cursor shown and the keypad
    /// put back in normal mode after the last time they were changed. (tmux hides the
    /// cursor of a dead pane itself, so its cursor flag cannot tell.)
    func expectRestored(_ harness: TmuxHarness, status: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        // Generous: on a loaded 2-core CI machine closing connections can take a while;
        // a program that never exits still fails.
        let exited = await harness.waitForExit(timeout: .seconds(60))
        #expect(exited, "the program exited", sourceLocation: sourceLocation)
        #expect(harness.format("#{pane_dead_status}") == status, sourceLocation: sourceLocation)
        #expect(harness.format("#{alternate_on}") == "0", "left the alternate screen", sourceLocation: sourceLocation)
        let raw = harness.rawOutput
        let shown = raw.lastIndex(of: Array("\u{1B}[?25h".utf8)) ?? -1
        let hidden = raw.lastIndex(of: Array("\u{1B}[?25l".utf8)) ?? -1
        #expect(shown > hidden, "cursor made visible last", sourceLocation: sourceLocation)
        let keypadOff = raw.lastIndex(of: Array("\u{1B}[?1l".utf8)) ?? -1
        let keypadOn = raw.lastIndex(of: Array("\u{1B}[?1h".utf8)) ?? -1
        #expect(keypadOff > keypadOn, "keypad transmit mode off last", sourceLocation: sourceLocation)
        #expect(!raw.contains(subsequence: Array("\u{1B}[?1000h".utf8)), "mouse reporting never turned on", sourceLocation: sourceLocation)
    }

    func row(of text: String, in screen: String) -> Int? {
        screen.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }
    }

    @Test("Drill from projects to a user's certificates, sort, filter, copy the exact ID, quit restored")
    func drillSortCopyQuit() async throws {
        try await withBrowser { fixture, harness in
            try harness.start(try fixture.command(harness: harness))

            // Filtering on the project ID leaves only that project.
            let (project, _) = try #require(fixture.target)
            await harness.waitForScreen(containing: "PROJECT", project.name)
            let others = fixture.data.projects.filter { $0.id != project.id }.map(\.id)
            #expect(others.contains { harness.screen().contains($0) }, "every project is listed before filtering")

            let certificates = try await openCertificates(harness, fixture)
            let soonest = certificates[0].id.decimal
            let latest = certificates[certificates.count - 1].id.decimal
            var screen = harness.screen()
            #expect(screen.contains("EXPIRES (UTC) ▲"), "default sort is soonest expiry first:\n\(screen)")
            #expect(try #require(row(of: soonest, in: screen)) < (try #require(row(of: latest, in: screen))))

            // Select the second certificate (the user has now chosen a row, so it is
            // followed across sorts), then reverse: the header shows ▼, the rows swap.
            let chosen = certificates[1].id.decimal
            try harness.press("j")
            await harness.waitForScreen(containing: "2/\(certificates.count)")
            try harness.press("r")
            await harness.waitForScreen(containing: "▼")
            screen = harness.screen()
            #expect(try #require(row(of: soonest, in: screen)) > (try #require(row(of: latest, in: screen))))
            #expect(screen.contains("›" + chosen), "the selection stayed on \(chosen):\n\(screen)")

            // Copy it: the exact digits arrive through the clipboard command.
            try harness.press("y")
            let copied = await harness.waitUntil { (try? String(contentsOf: harness.clipboardFile, encoding: .utf8)) == chosen }
            #expect(copied, "clipboard file holds \((try? String(contentsOf: harness.clipboardFile, encoding: .utf8)) ?? "nothing")")
            await harness.waitForScreen(containing: "Copied certificate ID \(chosen)")

            try harness.press("q")
            await expectRestored(harness, status: "0")
        }
    }

    @Test("Resize re-lays out at once, shows the needed size when too small, and recovers")
    func resize() async throws {
        try await withBrowser { fixture, harness in
            try harness.start(try fixture.command(harness: harness))
            await harness.waitForScreen(containing: "PROJECT", "SOONEST EXPIRY")

            try harness.resize(width: 60, height: 15)
            let narrow = await harness.waitUntil {
                var shown = harness.screen()
                while shown.hasSuffix("\n") { shown.removeLast() }
                let lines = shown.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.count == 15 && lines.allSatisfy { $0.count <= 60 }
                    && lines.contains { $0.contains("PROJECT") } && lines.last?.contains("Enter open") == true
            }
            #expect(narrow, "re-laid out for 60x15:\n\(harness.screen())")
            // The low-priority ID column dropped; the expiry column stayed.
            #expect(!fixture.data.projects.contains { harness.screen().contains($0.id) })
            #expect(harness.screen().contains("SOONEST EXPIRY"))

            try harness.resize(width: 30, height: 8)
            await harness.waitForScreen(containing: "Terminal too small", "is 30×8", "needs 40×10")

            try harness.resize(width: 100, height: 30)
            await harness.waitForScreen(containing: "PROJECT", "SOONEST EXPIRY")
            #expect(!harness.screen().contains("too small"))
            try harness.press("q")
            await expectRestored(harness, status: "0")
        }
    }

    @Test("Hostile names are shown escaped and never reach the terminal raw")
    func hostileNames() async throws {
        try await withBrowser { fixture, harness in
            let hostile = try #require(fixture.hostileProject)
            try harness.start(try fixture.command(harness: harness))
            await harness.waitForScreen(containing: "PROJECT", #"prod\x1B[31m-ALER"#)
            try harness.type("/" + hostile.id)
            try harness.press("Enter")
            try harness.press("Enter")
            await harness.waitForScreen(containing: "USERNAME", #"mallory\x1B]52;c;ZWNo"#)

            let raw = harness.rawOutput
            #expect(!raw.contains(subsequence: [0x1B] + Array("]52;".utf8)), "no OSC 52 from the username")
            #expect(!raw.contains(subsequence: [0x1B] + Array("[31m-ALERT".utf8)), "no CSI from the project name")
            #expect(!raw.contains(subsequence: [0xE2, 0x80, 0xAE]), "no raw right-to-left override")
            #expect(!raw.contains(0x07), "no BEL")
            try harness.press("q")
            await expectRestored(harness, status: "0")
        }
    }

    @Test("In osc52 mode the copy is an OSC 52 sequence, wrapped for tmux, in the pane's raw output")
    func osc52Copy() async throws {
        try await withBrowser { fixture, harness in
            try harness.start(try fixture.command(harness: harness, clipboard: "osc52"))
            let certificates = try await openCertificates(harness, fixture)
            let id = certificates[0].id.decimal
            try harness.press("y")
            let encoded = Data(id.utf8).base64EncodedString()
            let expected: [UInt8] = [0x1B] + Array("Ptmux;".utf8) + [0x1B, 0x1B] + Array("]52;c;\(encoded)".utf8) + [0x07, 0x1B, 0x5C]
            let arrived = await harness.waitUntil { harness.rawOutput.contains(subsequence: expected) }
            #expect(arrived, "the wrapped OSC 52 sequence for \(id) reached the pane")
            await harness.waitForScreen(containing: "via OSC 52 in tmux")
            #expect(!FileManager.default.fileExists(atPath: harness.clipboardFile.path), "the command was not used")
            try harness.press("q")
            await expectRestored(harness, status: "0")
        }
    }

    /// One visible character of a `capture-pane -e` line, and whether it is in reverse video.
    struct StyledCharacter {
        var character: Character
        var reverse: Bool
    }

    /// The visible characters of a `capture-pane -e` line with their reverse-video state
    /// (SGR 7 on; 27, 0 or a bare reset off).
    func reverseVideo(of line: Substring) -> [StyledCharacter] {
        var cells: [StyledCharacter] = []
        var reverse = false
        var rest = line[...]
        while let first = rest.first {
            if first == "\u{1B}", rest.dropFirst().first == "[", let end = rest.firstIndex(where: { $0.isLetter }) {
                if rest[end] == "m" {
                    let parameters = rest[rest.index(rest.startIndex, offsetBy: 2)..<end].split(separator: ";", omittingEmptySubsequences: false)
                    for parameter in parameters {
                        if parameter == "7" { reverse = true }
                        if parameter == "27" || parameter == "0" || parameter.isEmpty { reverse = false }
                    }
                }
                rest = rest[rest.index(after: end)...]
            } else {
                cells.append(StyledCharacter(character: first, reverse: reverse))
                rest = rest.dropFirst()
            }
        }
        return cells
    }

    @Test("--selection row reverses the whole selected row; by default only the mark and the first column", arguments: ["cell", "row"])
    func selectionStyle(_ style: String) async throws {
        try await withBrowser { fixture, harness in
            let arguments = style == "row" ? ["--selection", "row"] : []
            try harness.start(try fixture.command(harness: harness, extraArguments: arguments))
            await harness.waitForScreen(containing: "PROJECT", "USERS")
            // Wait for the counts, so the selected row has text after its first column.
            let projects = fixture.data.projects.count
            await harness.waitForScreen(containing: "1/\(projects)")
            let line = try #require(harness.screen(escapes: true).split(separator: "\n").first { $0.contains("›") },
                                    "a selected row:\n\(harness.screen())")
            let cells = reverseVideo(of: line)
            let mark = try #require(cells.firstIndex { $0.character == "›" })
            let firstGap = try #require(cells[mark...].firstIndex { $0.character == " " })
            // The mark and the first column, then the characters after the column gap.
            var firstColumn = (reversed: 0, count: 0)
            var later = (reversed: 0, count: 0)
            for (index, cell) in cells.enumerated() where index >= mark && cell.character != " " {
                if index < firstGap {
                    firstColumn.count += 1
                    if cell.reverse { firstColumn.reversed += 1 }
                } else {
                    later.count += 1
                    if cell.reverse { later.reversed += 1 }
                }
            }
            #expect(firstColumn.count > 1 && firstColumn.reversed == firstColumn.count,
                    "the mark and the first column are reversed: \(line.debugDescription)")
            #expect(later.count > 0, "the row has text after its first column: \(line.debugDescription)")
            if style == "row" {
                #expect(later.reversed == later.count, "every character of the row is reversed: \(line.debugDescription)")
            } else {
                #expect(later.reversed == 0, "the rest of the row keeps its own style: \(line.debugDescription)")
            }
            try harness.press("q")
            await expectRestored(harness, status: "0")
        }
    }

    /// SIGQUIT went to Swift's backtracer, which painted "Program crashed" over the screen
    /// and let the browser run on; now it ends the browser like SIGTERM.
    @Test("SIGTERM and SIGQUIT restore the terminal and exit 128 + the signal", arguments: [(SIGTERM, "143"), (SIGQUIT, "131")])
    func terminationSignal(signal: Int32, status: String) async throws {
        try await withBrowser { fixture, harness in
            try harness.start(try fixture.command(harness: harness))
            await harness.waitForScreen(containing: "PROJECT")
            #expect(harness.format("#{alternate_on}") == "1")
            let pid = try #require(Int32(harness.format("#{pane_pid}")))
            #expect(kill(pid, signal) == 0)
            await expectRestored(harness, status: status)
            #expect(!harness.screen().contains("crashed"))
        }
    }
}
