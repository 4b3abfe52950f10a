import AtlasAPI
/// The help overlay, generated from the keymap so it always tells the truth.
extension Renderer {
    func drawHelp(_ canvas: inout Canvas) {
        let bindings = state.keymap.bindings
        let keyWidth = min(22, bindings.map { TextWidth.of($0.keyNames(ascii: glyphs.ascii)) }.max() ?? 8)
        let width = min(canvas.width - 2, max(40, keyWidth + 44))
        let height = min(canvas.height - 2, bindings.count + 3)
        let left = (canvas.width - width) / 2
        let top = (canvas.height - height) / 2
        let inner = height - 3
        let scroll = max(0, min(state.helpScroll, bindings.count - inner))

        let (topLeft, topRight, bottomLeft, bottomRight) = glyphs.corners
        let rule = String(repeating: glyphs.horizontal, count: max(0, width - 2))
        canvas.write(topLeft + rule + topRight, x: left, y: top, role: .dialog)
        for y in (top + 1)..<(top + height - 1) {
            canvas.write(glyphs.vertical, x: left, y: y, role: .dialog)
            canvas.fill(x: left + 1, y: y, width: width - 2, role: .dialog)
            canvas.write(glyphs.vertical, x: left + width - 1, y: y, role: .dialog)
        }
        canvas.write(bottomLeft + rule + bottomRight, x: left, y: top + height - 1, role: .dialog)
        canvas.write(" Keys ", x: left + 2, y: top, role: .dialog)

        for (offset, binding) in bindings.dropFirst(scroll).prefix(inner).enumerated() {
            let y = top + 1 + offset
            canvas.write(binding.keyNames(ascii: glyphs.ascii), x: left + 2, y: y, maxWidth: keyWidth, role: .dialog)
            canvas.write(binding.summary, x: left + 3 + keyWidth, y: y, maxWidth: width - keyWidth - 5, role: .dialog)
        }
        let more = scroll + inner < bindings.count
        let closing = more ? "more below: j/k scroll, Esc closes" : "Esc or ? closes"
        canvas.write(closing, x: left + 2, y: top + height - 2, maxWidth: width - 4, role: .muted)
    }
}
