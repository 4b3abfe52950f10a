/// Who can get a certificate from Atlas: only database users whose `x509Type` is
/// `MANAGED` (Atlas-managed X.509, in the `$external` database). Everyone else is told
/// how they authenticate instead, before any certificate is requested.
public enum CertificateEligibility {
    /// The database Atlas-managed X.509 users live in.
    public static let externalDatabase = "$external"

    /// How `user` authenticates, in words, e.g. `password (SCRAM)`,
    /// `self-managed X.509 (x509Type CUSTOMER)`, `AWS IAM (awsIAMType ROLE)`.
    public static func authenticationMethod(of user: DatabaseUser) -> String {
        func set(_ value: String?) -> String? {
            guard let value, !value.isEmpty, value != "NONE" else { return nil }
            return TerminalSafe.sanitize(value, maxCharacters: 40)
        }
        switch user.x509Type {
        case .managed: return "Atlas-managed X.509 (x509Type MANAGED)"
        case .customer: return "self-managed X.509 (x509Type CUSTOMER: certificates from the project's own CA)"
        case .other(let value): return "X.509 (x509Type \(TerminalSafe.sanitize(value, maxCharacters: 40)))"
        case .none: break
        }
        if let type = set(user.awsIAMType) { return "AWS IAM (awsIAMType \(type))" }
        if let type = set(user.ldapAuthType) { return "LDAP (ldapAuthType \(type))" }
        if let type = set(user.oidcAuthType) { return "OIDC (oidcAuthType \(type))" }
        return "password (SCRAM)"
    }

    /// Nil when Atlas can issue `user` a certificate; otherwise the one-line refusal.
    public static func refusal(for user: DatabaseUser) -> String? {
        guard !user.hasManagedCertificates else { return nil }
        // The method names a non-NONE x509Type itself; otherwise say it is NONE.
        let x509 = user.x509Type == .none ? ", x509Type NONE" : ""
        return "Database user '\(TerminalSafe.sanitize(user.username, maxCharacters: 120))' (database \(TerminalSafe.sanitize(user.databaseName, maxCharacters: 40))) "
            + "authenticates with \(authenticationMethod(of: user))\(x509): "
            + "only Atlas-managed X.509 users (x509Type MANAGED) can get certificates from Atlas. No certificate was requested."
    }
}

extension AtlasClient {
    /// The database user `username` of the project, checked to be an Atlas-managed X.509
    /// user before a certificate is requested for it. Throws an `AtlasError` that names
    /// the user's actual authentication method when it is not one, or says that no such
    /// user exists. Read-only: sends GETs only.
    public func userEligibleForCertificates(project: Project, username: String) async throws -> DatabaseUser {
        let projectID = project.id
        let user: DatabaseUser
        do {
            user = try await databaseUser(projectID: projectID, databaseName: CertificateEligibility.externalDatabase, username: username)
        } catch let error as AtlasError where error.kind == .notFound && error.errorCode != "GROUP_NOT_FOUND"
            && error.errorCode != "INVALID_GROUP_ID" && error.errorCode != "NOT_IN_GROUP" {
            // Not in $external: look for the name in the other databases to say how it authenticates.
            let others = try await databaseUsers(projectID: projectID).filter { $0.username == username }
            if let refusal = others.lazy.compactMap(CertificateEligibility.refusal(for:)).first {
                throw AtlasError(kind: .invalidInput, message: refusal)
            }
            if let managed = others.first(where: \.hasManagedCertificates) { return managed }
            throw AtlasError(kind: .notFound, message: "No database user '\(TerminalSafe.sanitize(username, maxCharacters: 120))' in project \(TerminalSafe.sanitize(project.name, maxCharacters: 80)); check its exact spelling (X.509 usernames are whole distinguished names, e.g. CN=app,OU=payments). No certificate was requested.",
                             status: error.status, errorCode: error.errorCode, endpoint: error.endpoint)
        }
        if let refusal = CertificateEligibility.refusal(for: user) {
            throw AtlasError(kind: .invalidInput, message: refusal)
        }
        return user
    }
}
