import AtlasAPI
import CertBrowser
import Foundation
import NcursesTerminal

/// How the browser looks and copies; what `browse` and `demo` pass to `BrowserRuntime`.
struct BrowserOptions: Sendable {
    /// nil: ATLAS_CERTS_CLIPBOARD, else auto.
    var clipboard: ClipboardMode?
    var color: ColorMode
    var palette: PaletteVariant
    var policy: ExpiryPolicy
    /// Force ASCII (true) or UTF-8 (false) drawing; nil follows the locale.
    var ascii: Bool?
    /// How much of the selected row is highlighted (`--selection`).
    var selection: SelectionStyle
    /// Open the all-certificates view at start (`--all`).
    var startWithAllCertificates: Bool
    /// Read for TERM, NO_COLOR, the clipboard variables and PATH.
    var environment: [String: String]

    init(clipboard: ClipboardMode? = nil, color: ColorMode = .auto, palette: PaletteVariant = .standard,
         policy: ExpiryPolicy = .default, ascii: Bool? = nil, selection: SelectionStyle = .cell, startWithAllCertificates: Bool = false,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.clipboard = clipboard
        self.color = color
        self.palette = palette
        self.policy = policy
        self.ascii = ascii
        self.selection = selection
        self.startWithAllCertificates = startWithAllCertificates
        self.environment = environment
    }
}
