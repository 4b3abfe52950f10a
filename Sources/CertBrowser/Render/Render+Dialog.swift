import AtlasAPI
import Foundation

/// Boxes drawn over the screen: the help overlay and the create dialog.
extension Renderer {
    /// A framed, filled box with `title` in its top border.
    func drawBox(left: Int, top: Int, width: Int, height: Int, title: String, _ canvas: inout Canvas) {
        let (topLeft, topRight, bottomLeft, bottomRight) = glyphs.corners
        let rule = String(repeating: glyphs.horizontal, count: max(0, width - 2))
        canvas.write(topLeft + rule + topRight, x: left, y: top, role: .dialog)
        for y in (top + 1)..<max(top + 1, top + height - 1) {
            canvas.write(glyphs.vertical, x: left, y: y, role: .dialog)
            canvas.fill(x: left + 1, y: y, width: width - 2, role: .dialog)
            canvas.write(glyphs.vertical, x: left + width - 1, y: y, role: .dialog)
        }
        canvas.write(bottomLeft + rule + bottomRight, x: left, y: top + height - 1, role: .dialog)
        canvas.write(" \(title) ", x: left + 2, y: top, maxWidth: width - 4, role: .dialog)
    }

    /// The `n` dialog: who, how long, where the key goes, and how to confirm.
    func drawCreateDialog(_ dialog: CreateDialog, _ canvas: inout Canvas) {
        let until = Calendar.utc.date(byAdding: .month, value: dialog.months, to: now) ?? now
        let creating = dialog.phase != .confirming
        let lines: [(String, StyleRole)] = [
            ("User:     \(CellGraphemes.cellText(dialog.user.username))", .dialog),
            ("Project:  \(CellGraphemes.cellText(dialog.projectName))", .dialog),
            ("Valid:    \(dialog.months) \(dialog.months == 1 ? "month" : "months"), until about \(UTCText.minute(until)) UTC", .dialog),
            ("Key file: \(CellGraphemes.cellText(dialog.path))", .dialog),
            ("          a new file, mode 0600; Atlas shows the private key only once", .muted),
            ("", .dialog),
            creating ? ("\(glyphs.spinner(state.spinnerFrame)) Creating the certificate\(StatusText.pending(ascii: glyphs.ascii))", .spinner)
                : ("Enter create   \(glyphs.ascii ? "<-/->" : "←/→") months   Esc cancel", .dialog),
        ]
        let width = min(canvas.width - 2, max(50, (lines.map { TextWidth.of($0.0) }.max() ?? 40) + 4))
        let height = min(canvas.height - 2, lines.count + 2)
        let left = max(0, (canvas.width - width) / 2)
        let top = max(0, (canvas.height - height) / 2)
        drawBox(left: left, top: top, width: width, height: height, title: "Create an Atlas-managed certificate", &canvas)
        for (offset, line) in lines.prefix(height - 2).enumerated() {
            canvas.write(line.0, x: left + 2, y: top + 1 + offset, maxWidth: width - 4, role: line.1)
        }
    }
}

extension Calendar {
    /// Gregorian in UTC, for month arithmetic that does not depend on the machine's zone.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return calendar
    }()
}
