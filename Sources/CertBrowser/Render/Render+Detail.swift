import AtlasAPI
import Foundation

/// The detail view of one certificate: every field, both forms of the ID, and the
/// validity period as a bar, so "how much of its life is left" reads at a glance.
extension Renderer {
    func drawDetail(user: UserKey, id: CertificateID, _ canvas: inout Canvas) {
        let body = bodyRange(canvas)
        canvas.fill(x: 0, y: 1, width: canvas.width, role: .header)
        canvas.write(" Certificate \(id.decimal)", x: 0, y: 1, role: .header)
        guard let certificate = state.certificates[user]?.first(where: { $0.id == id }) else {
            centred("This certificate is no longer listed by Atlas.", y: body.lowerBound + 1, role: .muted, &canvas)
            return
        }
        let status = state.policy.status(notAfter: certificate.notAfter, now: now)
        let statusRole = StatusText.role(status)
        let project = state.project(user.projectID)
        let labelWidth = 15
        var lines: [(String, String, StyleRole)] = [
            ("ID (decimal)", id.decimal, .normal),
            ("Serial (hex)", id.hexSerial + "  (openssl x509 -serial)", .normal),
            ("", id.colonHexSerial, .muted),
            ("Subject", certificate.subject, .normal),
            ("User", "\(user.username) (auth db \(user.databaseName))", .normal),
            ("Project", project.map { "\($0.name) (\($0.id))" } ?? user.projectID, .normal),
            ("Created", certificate.createdAt.map(UTCText.second) ?? "not reported", .normal),
            ("Expires", UTCText.second(certificate.notAfter), .normal),
            ("Time left", TimeLeft.format(notAfter: certificate.notAfter, now: now), statusRole),
            ("Status", StatusText.label(status, ascii: glyphs.ascii), statusRole),
        ]
        if let group = certificate.groupId, group != user.projectID {
            lines.append(("Group ID", group, .normal))
        }
        var y = body.lowerBound
        for (label, value, role) in lines where y < body.upperBound {
            canvas.write(" " + label, x: 0, y: y, maxWidth: labelWidth, role: .muted)
            canvas.write(value, x: labelWidth + 1, y: y, maxWidth: canvas.width - labelWidth - 2, role: role)
            y += 1
        }
        guard y < body.upperBound else { return }
        canvas.write(" Validity", x: 0, y: y, maxWidth: labelWidth, role: .muted)
        drawValidityBar(certificate, role: statusRole, x: labelWidth + 1, y: y, &canvas)
    }

    /// `[██████░░░░]  62% elapsed`: the share of notBefore→notAfter already gone.
    func drawValidityBar(_ certificate: Certificate, role: StyleRole, x: Int, y: Int, _ canvas: inout Canvas) {
        guard let start = certificate.createdAt, certificate.notAfter > start else {
            canvas.write("unknown (no creation date)", x: x, y: y, role: .muted)
            return
        }
        let total = certificate.notAfter.timeIntervalSince(start)
        let fraction = max(0, min(1, now.timeIntervalSince(start) / total))
        let percent = Int((fraction * 100).rounded(.down))
        let suffix = "  \(percent)% elapsed"
        let barWidth = max(4, min(40, canvas.width - x - TextWidth.of(suffix) - 3))
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        var column = x
        column += canvas.write("[", x: column, y: y, role: .normal)
        for cell in 0..<barWidth {
            let isFilled = cell < filled
            column += canvas.write(isFilled ? glyphs.barFull : glyphs.barEmpty, x: column, y: y,
                                   role: isFilled ? role : .muted)
        }
        column += canvas.write("]", x: column, y: y, role: .normal)
        canvas.write(suffix, x: column, y: y, role: .normal)
    }
}
