import AtlasAPI

/// The identity of a table row, used to keep the selection on the same item when the
/// rows are re-sorted, filtered or reloaded (htop's "follow", and the fix for k9s#536
/// where the cursor stayed on an index while rows moved under it). It is also the
/// sort tie-breaker, so equal values keep a stable, meaningful order.
public enum RowKey: Sendable, Hashable, Comparable {
    case project(String)
    case user(UserKey)
    case certificate(CertificateID)
    /// A certificate in the all-certificates view, where rows of many users meet.
    case fleetCertificate(UserKey, CertificateID)
}
