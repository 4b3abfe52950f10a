/// Writes metric families in the Prometheus text exposition format (0.0.4), for the
/// per-certificate and per-user families, which have one series per certificate or user.
///
/// Why not swift-prometheus for these: its registry (2.4.1) copies a family's dictionary of
/// series each time a new label set is added, so registering n series costs O(n²): 100,000
/// certificates did not render in ten minutes. The exporter's own health metrics, a fixed
/// handful of series, still go through swift-prometheus (``MetricsRendering``).
///
/// Escaping is the format's: in label values backslash, double quote and line feed become
/// `\\`, `\"` and `\n`; in HELP text backslash and line feed. Every other scalar (ESC,
/// bidi controls, any Unicode) is passed through as UTF-8, which Prometheus keeps exactly.
struct ExpositionWriter {
    private(set) var text = ""

    init(reservingCapacity capacity: Int = 0) {
        text.reserveCapacity(capacity)
    }

    /// `# HELP` and `# TYPE` of a family; call once before its samples.
    mutating func family(_ name: String, type: String, help: String) {
        text += "# HELP "
        text += name
        text += " "
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\n# TYPE "
        text += name
        text += " "
        text += type
        text += "\n"
    }

    /// One sample: `name{label="value",…} value`.
    mutating func sample(_ name: String, labels: [(String, String)], value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { text += "," }
                text += label
                text += "=\""
                Self.appendEscaped(labelValue, to: &text)
                text += "\""
            }
            text += "}"
        }
        text += " "
        text += Self.format(value)
        text += "\n"
    }

    static func appendEscaped(_ value: String, to text: inout String) {
        // Most values need nothing: append them whole.
        if !value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) {
            text += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.unicodeScalars.append(scalar)
            }
        }
    }

    /// Whole numbers (Unix seconds, counts) without a fraction; others as Swift prints a
    /// Double (shortest exact round trip), which Prometheus parses.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
