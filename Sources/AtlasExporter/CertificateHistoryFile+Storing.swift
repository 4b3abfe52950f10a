import AtlasAPI

/// The production history store: one file per profile under the cache directory.
extension CertificateHistoryFile: CertificateHistoryStoring {}
