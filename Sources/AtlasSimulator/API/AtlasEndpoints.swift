import AtlasAPI
import Foundation

/// The seven Atlas operations, answered from the data store once a request is
/// authenticated and past fault injection.
struct AtlasEndpoints: Sendable {
    let store: DataStore
    let authority: CertificateAuthority

    /// Everything one handler needs to know about the request it answers.
    struct Context {
        var request: SimulatorRequest
        var version: Route.Version
        var baseURL: String
        var now: Date
        var query: [String: String]

        var prefix: String { baseURL + "/api/atlas/" + version.rawValue }
        var pretty: Bool { query["pretty"]?.lowercased() == "true" }
    }

    func respond(to route: Route, context: Context) async -> SimulatorResponse {
        if context.version == .v2, !VersionNegotiation.accepts(context.request.header("Accept")) {
            return AtlasErrorResponse.make(
                status: 406, code: "INVALID_VERSION_DATE", detail: "Invalid accept header or version date.")
        }
        // The spec types both as booleans, like `includeCount`, and they are refused the
        // same way when they are not one (schemathesis found them silently accepted).
        for name in ["envelope", "pretty"] {
            if let value = context.query[name], !["true", "false"].contains(value.lowercased()) {
                return AtlasErrorResponse.invalidQueryParameter(name)
            }
        }
        switch route {
        case .orgs: return listOrganizations(context)
        case .groups: return listProjects(orgId: nil, context)
        case .orgGroups(let orgId):
            guard store.organization(id: orgId) != nil else { return AtlasErrorResponse.orgNotFound(orgId) }
            return listProjects(orgId: orgId, context)
        case .users(let groupId): return listUsers(groupId: groupId, context)
        case .user(let groupId, let databaseName, let username):
            return getUser(groupId: groupId, databaseName: databaseName, username: username, context)
        case .certsList(let groupId, let username): return listCertificates(groupId: groupId, username: username, context)
        case .certsCreate(let groupId, let username):
            return await createCertificate(groupId: groupId, username: username, context)
        case .methodNotAllowed(let allow):
            var response = AtlasErrorResponse.make(
                status: 405, code: "METHOD_NOT_ALLOWED",
                detail: "Method \(context.request.method) is not allowed on this resource.")
            response.setHeader("Allow", allow)
            return response
        case .token, .deviceToken, .unknown:
            return AtlasErrorResponse.resourceNotFound(context.request.rawPath)
        }
    }

    // MARK: - Lists

    private func listOrganizations(_ context: Context) -> SimulatorResponse {
        let name = context.query["name"]
        let orgs = store.organizations.filter { matchesPrefix($0.name, name) }
        return page(orgs, url: context.prefix + "/orgs", extra: name.map { [("name", $0)] } ?? [], context) { org in
            OrganizationView(org, links: [LinkView(href: context.prefix + "/orgs/" + segment(org.id), rel: "self")])
        }
    }

    private func listProjects(orgId: String?, _ context: Context) -> SimulatorResponse {
        // `name` filters only the per-organization list, as in the spec.
        let name = orgId == nil ? nil : context.query["name"]
        let projects = store.projects(orgId: orgId).filter { matchesPrefix($0.name, name) }
        let url = context.prefix + (orgId.map { "/orgs/" + segment($0) + "/groups" } ?? "/groups")
        return page(projects, url: url, extra: name.map { [("name", $0)] } ?? [], context) { project in
            GroupView(project, links: [LinkView(href: context.prefix + "/groups/" + segment(project.id), rel: "self")])
        }
    }

    private func listUsers(groupId: String, _ context: Context) -> SimulatorResponse {
        guard store.project(id: groupId) != nil else { return AtlasErrorResponse.groupNotFound(groupId) }
        let url = context.prefix + "/groups/" + segment(groupId) + "/databaseUsers"
        return page(store.users(groupId: groupId), url: url, context) { user in
            DatabaseUserView(user, links: [LinkView(href: userURL(user, context), rel: "self")])
        }
    }

    private func getUser(groupId: String, databaseName: String, username: String, _ context: Context) -> SimulatorResponse {
        guard store.project(id: groupId) != nil else { return AtlasErrorResponse.groupNotFound(groupId) }
        guard let user = store.users(groupId: groupId).first(where: { $0.databaseName == databaseName && $0.username == username })
        else { return AtlasErrorResponse.usernameNotFound(username) }
        return json(DatabaseUserView(user, links: [LinkView(href: userURL(user, context), rel: "self")]), status: 200, context)
    }

    /// Lists unexpired certificates only, judged by the simulator's clock at request time,
    /// exactly like Atlas's `getValidCertsByUsername`.
    private func listCertificates(groupId: String, username: String, _ context: Context) -> SimulatorResponse {
        guard store.project(id: groupId) != nil else { return AtlasErrorResponse.groupNotFound(groupId) }
        guard store.users(groupId: groupId).contains(where: { $0.username == username }) else {
            return AtlasErrorResponse.usernameNotFound(username)
        }
        let valid = store.certificates(groupId: groupId, username: username).filter { $0.notAfter > context.now }
        let url = context.prefix + "/groups/" + segment(groupId) + "/databaseUsers/" + segment(username) + "/certs"
        return page(valid, url: url, context) { CertificateView($0) }
    }

    // MARK: - Create

    private struct CreateBody: Decodable {
        var monthsUntilExpiration: Int?
    }

    /// Issues a real certificate. The 201 body is PEM text (certificate, then PKCS#8 key)
    /// under a JSON content type, exactly as Atlas sends it.
    private func createCertificate(groupId: String, username: String, _ context: Context) async -> SimulatorResponse {
        guard store.project(id: groupId) != nil else { return AtlasErrorResponse.groupNotFound(groupId) }
        let candidates = store.users(groupId: groupId).filter { $0.username == username }
        guard !candidates.isEmpty else { return AtlasErrorResponse.usernameNotFound(username) }
        guard candidates.contains(where: { $0.x509Type == .managed }) else {
            return AtlasErrorResponse.make(
                status: 400, code: "USER_NOT_MANAGED_X509", detail: "The user does not have managed mode X509 enabled.")
        }
        var months = 3
        if !context.request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard let body = try? JSONDecoder().decode(CreateBody.self, from: Data(context.request.body)) else {
                return AtlasErrorResponse.make(status: 400, code: "MALFORMED_JSON", detail: "Received JSON is malformed.")
            }
            months = body.monthsUntilExpiration ?? 3
        }
        if months > 24 {
            return AtlasErrorResponse.make(
                status: 400, code: "CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS",
                detail: "Atlas-generated X.509 certificates have a maximum expiration of 24 months.")
        }
        if months < 1 {
            return AtlasErrorResponse.make(
                status: 400, code: "VALIDATION_ERROR",
                detail: "The request content produced the validation error: monthsUntilExpiration must be at least 1.",
                parameters: [.string("monthsUntilExpiration must be at least 1")],
                violations: [.init(description: "must be greater than or equal to 1", field: "monthsUntilExpiration")])
        }
        let serial = store.reserveSerial()
        let issued: CertificateAuthority.Issued
        do {
            issued = try authority.issue(serial: serial, username: username, now: context.now, months: months)
        } catch {
            return FaultResponses.serverError()
        }
        store.add(
            Certificate(
                id: CertificateID(serial), subject: DistinguishedNameText.subject(forUsername: username),
                createdAt: issued.notBefore, notAfter: issued.notAfter, groupId: groupId),
            groupId: groupId, username: username)
        var response = SimulatorResponse(status: 201, contentType: contentType(context), text: issued.responseBody)
        response.envelopeShape = .text
        return response
    }

    // MARK: - Helpers

    private func page<Item, View: Encodable & Sendable>(
        _ items: [Item], url: String, extra: [(name: String, value: String)] = [], _ context: Context,
        view: (Item) -> View
    ) -> SimulatorResponse {
        let pagination: Pagination
        switch Pagination.parse(context.query) {
        case .success(let parsed): pagination = parsed
        case .failure(let invalid): return AtlasErrorResponse.invalidQueryParameter(invalid.name)
        }
        let body = PageView(
            links: pagination.links(url: url, total: items.count, extra: extra),
            results: pagination.slice(items).map(view),
            totalCount: pagination.includeCount ? items.count : nil)
        var response = json(body, status: 200, context)
        if response.status == 200 { response.envelopeShape = .list }
        return response
    }

    private func json(_ value: some Encodable, status: Int, _ context: Context) -> SimulatorResponse {
        do {
            let data = try AtlasJSON.encoder(pretty: context.pretty).encode(value)
            var response = SimulatorResponse(status: status, headers: [("Content-Type", contentType(context))], body: Array(data))
            response.envelopeShape = .entity
            return response
        } catch {
            return FaultResponses.serverError()
        }
    }

    private func contentType(_ context: Context) -> String {
        context.version == .v2 ? VersionNegotiation.v2ContentType : VersionNegotiation.v1ContentType
    }

    private func userURL(_ user: DatabaseUser, _ context: Context) -> String {
        context.prefix + "/groups/" + segment(user.groupId) + "/databaseUsers/" + segment(user.databaseName) + "/"
            + segment(user.username)
    }

    private func segment(_ text: String) -> String { PercentEncoding.encodePathSegment(text) }

    /// Atlas's `name` filter: a case-insensitive prefix match; empty matches everything.
    private func matchesPrefix(_ name: String, _ prefix: String?) -> Bool {
        guard let prefix, !prefix.isEmpty else { return true }
        return name.lowercased().hasPrefix(prefix.lowercased())
    }
}
