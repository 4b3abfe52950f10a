import AtlasAPI
import Foundation

/// Everything that can happen to the browser: keys, time, and results of effects.
public enum Action: Sendable {
    /// The browser opened: load the projects.
    case start
    case key(KeyInput)
    /// A periodic tick (about every 100 ms to 1 s): animates the spinner and lets
    /// "time left" and "updated 5s ago" move on.
    case tick
    /// The terminal now has this size (used for paging).
    case resize(Size)
    /// A `load` effect's job answered (data or a failure).
    case loaded(RequestID, FleetOutcome)
    /// A certificate was created and written to `path`.
    case certificateCreated(RequestID, user: UserKey, certificate: Certificate, path: String)
    /// Creating failed; `message` says whether a certificate exists in Atlas anyway.
    case createFailed(RequestID, message: String)
    /// Atlas answered 429: every request waits until `until`.
    case rateLimited(until: Date)
    /// The last run's data, from the disk cache: shown at once, marked with its age.
    case restoredFromCache(MetadataSnapshot)
    /// The cache file could not be used; `note` says why (shown, never fatal).
    case cacheIgnored(note: String)
    /// Open the all-certificates view (`atlas-certs --all`).
    case openAllCertificates
    /// The clipboard took the text; `message` says what and how ("… via OSC 52").
    case copied(message: String)
    /// The clipboard could not be written; shown as an error, never fatal.
    case copyFailed(message: String)
}
