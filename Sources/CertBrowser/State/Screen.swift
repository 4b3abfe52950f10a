import AtlasAPI

/// One level of the navigation stack.
public enum Screen: Sendable, Hashable {
    case projects
    case users(projectID: String)
    case certificates(UserKey)
    case detail(UserKey, CertificateID)
    /// Every certificate of every project, soonest expiry first (`a`).
    case fleet
}
