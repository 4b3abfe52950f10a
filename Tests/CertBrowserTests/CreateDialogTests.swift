import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

/// `n`: the create dialog, from the key to the new certificate in the table.
@Suite("Create dialog")
struct CreateDialogTests {
    static let alice = UserKey(Fixture.alice, projectID: Fixture.payments.id)

    /// The browser on Payments' users with `user` selected, writing into /work/certs.
    static func onUsers(selecting user: DatabaseUser) -> State {
        var state = Fixture.loaded()
        state.outputDirectory = "/work/certs"
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        Fixture.select(.user(UserKey(user, projectID: Fixture.payments.id)), on: &state)
        return state
    }

    @Test func nOpensADialogThatSaysWhatAndWhereAndMonthsStayWithinAtlasLimits() throws {
        var state = Self.onUsers(selecting: Fixture.alice)
        #expect(state.apply(.key(.character("n")), now: Fixture.now).isEmpty, "nothing happens before confirmation")
        let dialog = try #require(state.createDialog)
        #expect(dialog.user == Self.alice)
        #expect(dialog.months == 3)
        #expect(dialog.path == "/work/certs/alice-20260301-1200.pem")
        Fixture.press(.right, .character("+"), on: &state)
        #expect(state.createDialog?.months == 5)
        for _ in 0..<30 { Fixture.press(.right, on: &state) }
        #expect(state.createDialog?.months == 24)
        for _ in 0..<30 { Fixture.press(.left, on: &state) }
        #expect(state.createDialog?.months == 1)
        let screen = render(state, size: Size(width: 100, height: 30), now: Fixture.now).plainText
        #expect(screen.contains("Key file: /work/certs/alice-20260301-1200.pem"), "\(screen)")
        #expect(screen.contains("mode 0600"))
        #expect(screen.contains("Valid:    1 month, until about 2026-04-01 12:00 UTC"), "\(screen)")
    }

    @Test func escapeCreatesNothing() {
        var state = Self.onUsers(selecting: Fixture.alice)
        Fixture.press(.character("n"), on: &state)
        #expect(state.apply(.key(.escape), now: Fixture.now).isEmpty)
        #expect(state.createDialog == nil)
        #expect(state.message?.text == "No certificate was created.")
        #expect(state.screen == .users(projectID: Fixture.payments.id), "Esc closed the dialog, it did not go back")
    }

    @Test func usersWhoseCertificatesAtlasDoesNotManageAreRefused() {
        for user in [Fixture.reporting, Fixture.carol] {
            var state = Self.onUsers(selecting: user)
            #expect(state.apply(.key(.character("n")), now: Fixture.now).isEmpty)
            #expect(state.createDialog == nil)
            #expect(state.message?.isError == true)
            #expect(state.message?.text.contains("MANAGED") == true, "\(state.message?.text ?? "")")
        }
    }

    @Test func confirmingSendsOneRequestAndTheNewCertificateShowsAtOnce() throws {
        var state = Self.onUsers(selecting: Fixture.alice)
        Fixture.press(.enter, on: &state)  // into alice's certificates
        Fixture.press(.character("n"), .right, on: &state)
        let effects = state.apply(.key(.enter), now: Fixture.now)
        guard case .createCertificate(let id, let user, let months, let path)? = effects.first, effects.count == 1 else {
            Issue.record("one create effect, got \(effects)")
            return
        }
        #expect(user == Self.alice && months == 4 && path == "/work/certs/alice-20260301-1200.pem")
        // While the request is out, keys do nothing (not even q), and R cannot cancel it.
        #expect(state.apply(.key(.character("q")), now: Fixture.now).isEmpty)
        #expect(state.apply(.key(.escape), now: Fixture.now).isEmpty)
        #expect(state.createDialog?.phase == .creating(id))

        let created = Certificate(id: CertificateID(18_446_744_073_709_551_615), subject: "CN=alice", createdAt: Fixture.now,
                                  notAfter: Fixture.now.addingTimeInterval(120 * Fixture.day), groupId: Fixture.payments.id)
        let reload = state.apply(.certificateCreated(id, user: user, certificate: created, path: path), now: Fixture.now)
        #expect(state.createDialog == nil)
        #expect(state.certificatesTable?.selectedRow?.certificate.id == created.id, "the new certificate is selected")
        #expect(state.message?.text.contains("Created certificate 18446744073709551615") == true)
        #expect(state.message?.text.contains(path) == true)
        guard case .load(_, .certificates(Self.alice))? = reload.first else {
            Issue.record("the user's certificates are reloaded from Atlas")
            return
        }
    }

    @Test func aFailureIsShownAndNothingIsAdded() {
        var state = Self.onUsers(selecting: Fixture.alice)
        Fixture.press(.character("n"), on: &state)
        guard case .createCertificate(let id, _, _, _)? = state.apply(.key(.enter), now: Fixture.now).first else {
            Issue.record("create effect")
            return
        }
        let before = state.certificates
        _ = state.apply(.createFailed(id, message: "No certificate was created: HTTP 400 USER_NOT_MANAGED_X509."), now: Fixture.now)
        #expect(state.createDialog == nil)
        #expect(state.message?.isError == true)
        #expect(state.certificates == before)
    }

    @Test func aHostileUsernameCannotChooseThePath() {
        let path = CreateDialog.defaultPath(directory: "/tmp/x", username: "../../etc/passwd\u{1B}[2J", now: Fixture.now)
        #expect(path.hasPrefix("/tmp/x/"))
        #expect(!path.dropFirst("/tmp/x/".count).contains("/"))
        #expect(!path.contains("\u{1B}"))
        #expect(CreateDialog.defaultPath(directory: "/d/", username: "CN=app,OU=payments", now: Fixture.now) == "/d/CN_app_OU_payments-20260301-1200.pem")
    }
}
