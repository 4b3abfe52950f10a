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

        drawBox(left: left, top: top, width: width, height: height, title: "Keys", &canvas)

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
