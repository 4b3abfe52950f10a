import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

@Suite("Reducer: loading and navigation")
struct ReducerNavigationTests {
    @Test func startLoadsProjectsThenFansOutToManagedUsersOnly() {
        var state = State()
        let first = state.apply(.start, now: Fixture.now)
        guard case .load(let id, .projects)? = first.first, first.count == 1 else {
            Issue.record("expected one loadProjects, got \(first)")
            return
        }
        #expect(state.isScreenLoading)
        let usersEffects = state.apply(.projectsLoaded(id, organizations: [Fixture.organization], projects: Fixture.projects), now: Fixture.now)
        let projectIDs = usersEffects.compactMap { effect -> String? in
            if case .load(_, .users(let projectID)) = effect { return projectID }
            return nil
        }
        #expect(projectIDs == Fixture.projects.map(\.id))

        guard case .load(let usersID, .users(_))? = usersEffects.first else { return }
        let certEffects = state.apply(.usersLoaded(usersID, projectID: Fixture.payments.id, users: Fixture.users[Fixture.payments.id] ?? []), now: Fixture.now)
        let usernames = certEffects.compactMap { effect -> String? in
            if case .load(_, .certificates(let user)) = effect { return user.username }
            return nil
        }
        // svc-reporting (NONE) and carol (CUSTOMER) are never queried.
        #expect(usernames == ["alice", Fixture.hostileUsername, "田中太郎"])
    }

    @Test func countsFillInAsResultsArrive() throws {
        var state = State()
        var effects = state.apply(.start, now: Fixture.now)
        guard case .load(let id, .projects)? = effects.first else { return }
        effects = state.apply(.projectsLoaded(id, organizations: [Fixture.organization], projects: [Fixture.payments]), now: Fixture.now)
        var row = try #require(state.projectsTable.rows.first)
        #expect(row.managedUsers == nil)
        #expect(!row.complete)

        guard case .load(let usersID, .users(_))? = effects.first else { return }
        effects = state.apply(.usersLoaded(usersID, projectID: Fixture.payments.id, users: Fixture.users[Fixture.payments.id] ?? []), now: Fixture.now)
        row = try #require(state.projectsTable.rows.first)
        #expect(row.managedUsers == 3)
        #expect(row.expiries.isEmpty)

        guard case .load(let certID, .certificates(let user))? = effects.first else { return }
        _ = state.apply(.certificatesLoaded(certID, user: user, certificates: Fixture.certificates["alice"] ?? []), now: Fixture.now)
        row = try #require(state.projectsTable.rows.first)
        #expect(row.expiries.count == 3)
        #expect(!row.complete)
        let context = CellContext(now: Fixture.now, policy: .default, ascii: false)
        #expect(row.count([.expired, .critical], context) == 2)
        #expect(row.count([.ok], context) == 1)
    }

    @Test func drillsInAndBackWithBreadcrumbs() {
        var state = Fixture.loaded()
        #expect(state.screen == .projects)
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        #expect(state.screen == .users(projectID: Fixture.payments.id))
        let alice = UserKey(Fixture.alice, projectID: Fixture.payments.id)
        Fixture.select(.user(alice), on: &state)
        Fixture.press(.character("l"), on: &state)
        #expect(state.screen == .certificates(alice))
        Fixture.press(.right, on: &state)
        guard case .detail(alice, _) = state.screen else {
            Issue.record("expected the detail view, got \(state.screen)")
            return
        }
        let canvas = render(state, size: Size(width: 100, height: 30), now: Fixture.now)
        #expect(canvas.line(0).hasPrefix(" Acme Corp › Payments › alice › "))

        Fixture.press(.escape, on: &state)
        #expect(state.screen == .certificates(alice))
        Fixture.press(.character("h"), on: &state)
        #expect(state.screen == .users(projectID: Fixture.payments.id))
        #expect(state.usersTable?.selectedKey == .user(alice))
        Fixture.press(.backspace, on: &state)
        #expect(state.screen == .projects)
        #expect(state.projectsTable.selectedKey == .project(Fixture.payments.id))
        Fixture.press(.left, on: &state)
        #expect(state.screen == .projects)
    }

    @Test func usersWithoutManagedCertificatesAreNotOpened() {
        var state = Fixture.loaded()
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        Fixture.select(.user(UserKey(Fixture.reporting, projectID: Fixture.payments.id)), on: &state)
        let effects = state.apply(.key(.enter), now: Fixture.now)
        #expect(effects.isEmpty)
        #expect(state.screen == .users(projectID: Fixture.payments.id))
        #expect(state.message?.text.contains("not an Atlas-managed X.509 user") == true)
    }

    @Test func staleResultsAreIgnored() {
        var state = State()
        let first = state.apply(.start, now: Fixture.now)
        guard case .load(let oldID, .projects)? = first.first else { return }
        // Refresh before the first answer: the old request is cancelled and replaced.
        let second = state.apply(.key(.character("R")), now: Fixture.now)
        #expect(second.contains(.cancel(oldID)))
        guard case .load(let newID, .projects)? = second.last else { return }
        #expect(newID != oldID)

        let late = state.apply(.projectsLoaded(oldID, organizations: [Fixture.organization], projects: [Fixture.payments]), now: Fixture.now)
        #expect(late.isEmpty)
        #expect(state.projects.isEmpty)
        _ = state.apply(.loaded(oldID, .failed(.projects, AtlasError(kind: .serverError, message: "boom"))), now: Fixture.now)
        #expect(state.message == nil)

        _ = state.apply(.projectsLoaded(newID, organizations: [Fixture.organization], projects: [Fixture.payments]), now: Fixture.now)
        #expect(state.projects == [Fixture.payments])
    }

    @Test func resultForTheWrongTargetIsIgnored() {
        var state = State()
        let effects = state.apply(.start, now: Fixture.now)
        guard case .load(let id, .projects)? = effects.first else { return }
        let misrouted = state.apply(.usersLoaded(id, projectID: "x", users: [Fixture.alice]), now: Fixture.now)
        #expect(misrouted.isEmpty)
        #expect(state.users.isEmpty)
        #expect(state.pending[id] == .projects)
    }

    @Test func escCancelsASlowLoadThenGoesBack() {
        var state = Fixture.loaded()
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        let refresh = state.apply(.key(.ctrl("r")), now: Fixture.now)
        guard case .load(let id, .users(_))? = refresh.last else {
            Issue.record("expected a users reload, got \(refresh)")
            return
        }
        #expect(state.isScreenLoading)
        let cancel = state.apply(.key(.escape), now: Fixture.now)
        #expect(cancel == [.cancel(id)])
        #expect(state.screen == .users(projectID: Fixture.payments.id))
        #expect(!state.isScreenLoading)
        // The rows stay, marked stale.
        #expect(state.usersTable?.rows.count == 5)
        #expect(state.usersLoad[Fixture.payments.id]?.isCancelled == true)
        let canvas = render(state, size: Size(width: 80, height: 24), now: Fixture.now)
        #expect(canvas.styleOverlay.contains("T"))
        #expect(canvas.line(0).contains("STALE"))
        // A late answer to the cancelled request changes nothing.
        _ = state.apply(.usersLoaded(id, projectID: Fixture.payments.id, users: []), now: Fixture.now)
        #expect(state.usersTable?.rows.count == 5)
        // The next Esc goes back.
        _ = state.apply(.key(.escape), now: Fixture.now)
        #expect(state.screen == .projects)
    }

    @Test func failureKeepsRowsAndShowsTheMessage() {
        var state = Fixture.loaded()
        let refresh = state.apply(.key(.character("R")), now: Fixture.now)
        guard case .load(let id, .projects)? = refresh.last else { return }
        _ = state.apply(.loaded(id, .failed(.projects, AtlasError(kind: .unauthorized, message: "Atlas rejected the API key (401). Check ATLAS_PUBLIC_KEY."))), now: Fixture.now.addingTimeInterval(5))
        #expect(state.projectsTable.rows.count == 4)
        #expect(state.projectsLoad.failureMessage?.contains("401") == true)
        #expect(state.message?.isError == true)
        let canvas = render(state, size: Size(width: 120, height: 30), now: Fixture.now.addingTimeInterval(5))
        #expect(canvas.plainText.contains("Could not load projects: Atlas rejected the API key (401)."))
        #expect(canvas.line(0).contains("STALE"))
    }

    @Test func refreshKeepsTheSelectionByID() {
        var state = Fixture.loaded()
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        let alice = UserKey(Fixture.alice, projectID: Fixture.payments.id)
        Fixture.select(.user(alice), on: &state)
        Fixture.press(.enter, on: &state)
        let target = RowKey.certificate(CertificateID(1_234_567_890_123_456_789))
        Fixture.select(target, on: &state)
        #expect(state.certificatesTable?.selectedKey == target)

        // Reload with the certificates in a different order and a new one added first.
        let effects = state.apply(.key(.character("R")), now: Fixture.now)
        guard case .load(let id, .certificates(let user))? = effects.last else { return }
        var list = Array((Fixture.certificates["alice"] ?? []).reversed())
        list.insert(Fixture.cert(1, "CN=alice", Fixture.payments, expiresIn: -3 * Fixture.day), at: 0)
        _ = state.apply(.certificatesLoaded(id, user: user, certificates: list), now: Fixture.now)
        #expect(state.certificatesTable?.rows.count == 4)
        #expect(state.certificatesTable?.selectedKey == target)
        #expect(state.certificatesTable?.selectedRow?.certificate.id.value == 1_234_567_890_123_456_789)
    }

    @Test func quitKeys() {
        var state = Fixture.loaded()
        #expect(state.apply(.key(.character("q")), now: Fixture.now) == [.quit])
        #expect(state.apply(.key(.ctrl("c")), now: Fixture.now) == [.quit])
        Fixture.press(.character("/"), on: &state)
        #expect(state.apply(.key(.ctrl("c")), now: Fixture.now) == [.quit])
    }

    @Test func tickAdvancesTheSpinnerOnly() {
        var state = Fixture.loaded()
        let before = state
        #expect(state.apply(.tick, now: Fixture.now).isEmpty)
        #expect(state.spinnerFrame == before.spinnerFrame + 1)
        state.spinnerFrame = before.spinnerFrame
        #expect(state == before)
    }

    @Test func resizeChangesThePageSize() {
        var state = Fixture.loaded()
        _ = state.apply(.resize(Size(width: 100, height: 40)), now: Fixture.now)
        #expect(state.pageHeight == 36)
        #expect(state.apply(.key(.resize), now: Fixture.now).isEmpty)
    }
}
