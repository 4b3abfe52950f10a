import AtlasAPI
import Foundation

/// `n`: create a certificate for the selected user, after confirmation.
extension State {
    /// The user that `n` would create a certificate for on this screen.
    var userForCreate: UserKey? {
        switch screen {
        case .users(let projectID):
            return usersTable?.selectedRow.map { UserKey($0.user, projectID: projectID) }
        case .certificates(let user), .detail(let user, _):
            return user
        case .fleet:
            return fleetTable?.selectedRow?.user
        case .projects:
            return nil
        }
    }

    mutating func openCreateDialog(_ now: Date) {
        guard let key = userForCreate, let user = user(key) else {
            inform("Select a database user (or one of its certificates) to create a certificate for it.", now)
            return
        }
        if let refusal = CertificateEligibility.refusal(for: user) {
            warn(refusal, now)
            return
        }
        createDialog = CreateDialog(
            user: key, projectName: project(key.projectID)?.name ?? key.projectID, months: CreateDialog.defaultMonths,
            path: CreateDialog.defaultPath(directory: outputDirectory, username: key.username, now: now), phase: .confirming)
    }

    /// While the dialog is open it takes every key: ←/→ (or -/+) change the months,
    /// Enter or y creates, Esc or n closes. Once the request is out, keys wait.
    mutating func handleCreateKey(_ key: KeyInput, _ now: Date) -> [Effect] {
        guard var dialog = createDialog, dialog.phase == .confirming else { return [] }
        switch key {
        case .left, .character("-"), .character("h"):
            dialog.months = max(CreateDialog.monthRange.lowerBound, dialog.months - 1)
        case .right, .character("+"), .character("l"):
            dialog.months = min(CreateDialog.monthRange.upperBound, dialog.months + 1)
        case .enter, .character("y"):
            let id = newRequest(.create(dialog.user))
            dialog.phase = .creating(id)
            createDialog = dialog
            return [.createCertificate(id, user: dialog.user, months: dialog.months, path: dialog.path)]
        case .escape, .character("n"), .character("q"):
            createDialog = nil
            inform("No certificate was created.", now)
            return []
        default:
            return []
        }
        createDialog = dialog
        return []
    }

    /// The new certificate shows in every table at once; a reload from Atlas confirms it.
    mutating func receiveCreated(_ id: RequestID, _ user: UserKey, _ certificate: Certificate, _ path: String, _ now: Date) -> [Effect] {
        guard accept(id, .create(user)) else { return [] }
        createDialog = nil
        fleet.insert(certificate, for: user)
        rebuildTables(now)
        if case .certificates(user) = screen {
            let height = pageHeight
            certificatesTable?.select(key: .certificate(certificate.id), pageHeight: height)
        }
        inform("Created certificate \(certificate.id.decimal) for \(TerminalSafe.sanitize(user.username, maxCharacters: 40)), expires \(UTCText.minute(certificate.notAfter)) UTC; certificate and key written to \(TerminalSafe.sanitize(path, maxCharacters: 120)) (mode 0600).", now)
        return [loadCertificates(user, now)]
    }

    mutating func receiveCreateFailure(_ id: RequestID, _ message: String, _ now: Date) {
        guard case .create? = pending.removeValue(forKey: id) else { return }
        abandonCreate(message, now)
    }

    /// How a create ends without a certificate, whichever way the failure came back: the
    /// dialog closes and the footer says why.
    mutating func abandonCreate(_ message: String, _ now: Date) {
        createDialog = nil
        warn(message, now)
    }
}
