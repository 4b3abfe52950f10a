@testable import AtlasAPI
import Testing

@Suite("Counting and grouping what a scan could not read")
struct ScanFailureSummaryTests {
    static func forbidden(_ project: String, _ user: String?) -> ScanFailure {
        ScanFailure(projectID: project, projectName: project, username: user,
                    error: AtlasError(kind: .forbidden, message: "HTTP 403 ACCESS_FORBIDDEN on \(project)", status: 403, errorCode: "ACCESS_FORBIDDEN"))
    }

    static func serverError(_ project: String, _ user: String?) -> ScanFailure {
        ScanFailure(projectID: project, projectName: project, username: user,
                    error: AtlasError(kind: .serverError, message: "HTTP 500 on \(project)", status: 500))
    }

    /// The bug: 8 failed users in 4 projects were "8 of 4 projects or users".
    @Test("users and projects are counted apart, each against its own total")
    func headline() {
        let failures = (1...8).map { Self.serverError("p\($0 % 4)", "u\($0)") } + [Self.forbidden("p9", nil)]
        let summary = ScanFailureSummary(failures)
        #expect(summary.projectsUnreadable == 1 && summary.usersUnreadable == 8)
        #expect(summary.headline(projectsScanned: 10, usersScanned: 300) == "1 of 10 projects and 8 of 300 users could not be read")
        #expect(ScanFailureSummary([Self.forbidden("p", "u")]).headline(projectsScanned: 4, usersScanned: 1) == "1 of 1 user could not be read")
    }

    @Test("few failures get a line each; many are grouped by cause, largest group first")
    func grouping() {
        let few = ScanFailureSummary([Self.forbidden("a", "x"), Self.serverError("b", nil)])
        #expect(few.lines() == few.failures.map(\.summary))

        let failures = [Self.serverError("a", nil)] + (1...30).map { Self.forbidden("p\($0 % 3)", "user\($0)") }
            + (1...5).map { Self.serverError("q", "v\($0)") }
        let many = ScanFailureSummary(failures)
        let lines = many.lines()
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("30 users for one reason (first: p1 / user1: HTTP 403 ACCESS_FORBIDDEN on p1)"))
        #expect(lines[1].hasPrefix("1 project and 5 users for one reason (first: a: HTTP 500 on a)"))
        #expect(many.lines(everyFailure: true).count == 36)
    }
}
