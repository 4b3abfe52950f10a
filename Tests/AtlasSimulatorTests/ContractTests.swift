import AtlasSimulator
import Foundation
import Testing
import X509

/// The simulator against the published contract: the OpenAPI subset's schemas for the
/// seven operations, and the shapes and headers of real Atlas responses recorded by the
/// Atlas CLI. Both live in ../shared; without it these tests are reported as not run.
@Suite(
    "Contract: OpenAPI subset and Atlas recordings",
    .enabled(if: SharedData.isAvailable, "../shared not found: contract not checked"))
struct ContractTests {
    static let v2JSON = "application/vnd.atlas.2023-01-01+json"
    static let groupPath = "/api/atlas/v2/groups/\(RecordingMirror.group)"

    static func withMirror<T>(configure: (inout SimulatorConfiguration) -> Void = { _ in }, _ body: (Harness) async throws -> T)
        async throws -> T
    {
        try await Harness.with(data: RecordingMirror.data, now: RecordingMirror.now, configure: configure, body)
    }

    /// The spec's response object for an operation and status, `$ref`s followed.
    static func specResponse(_ spec: JSON, path: String, method: String, status: String) throws -> JSON {
        let checker = SchemaChecker(spec: spec)
        let operation = try #require(spec["paths"]?[path]?[method], "no \(method) \(path) in the spec")
        let response = try #require(operation["responses"]?[status], "\(method) \(path) declares no \(status)")
        return checker.resolve(response).schema
    }

    /// Validates a response body and the headers the spec declares for it.
    static func check(
        _ response: RawHTTPResponse, spec: JSON, path: String, method: String, status: Int, mediaType: String
    ) throws -> [String] {
        #expect(response.status == status, "\(method) \(path)")
        let declared = try specResponse(spec, path: path, method: method, status: String(status))
        let schema = try #require(declared["content"]?[mediaType]?["schema"], "\(path) \(status) has no \(mediaType) schema")
        var problems = SchemaChecker(spec: spec).violations(try response.json(), schema)
        for header in declared["headers"]?.keys ?? [] where header != "Retry-After" || status == 429 {
            if response.header(header).flatMap(Int.init) == nil { problems.append("\(path): header \(header) missing or not an integer") }
        }
        return problems
    }

    @Test("each of the 7 operations and their error answers validate against the OpenAPI subset")
    func schemas() async throws {
        let spec = try SharedData.spec()
        try await Self.withMirror { harness in
            let g = "/api/atlas/v2/groups/{groupId}"
            let operations: [(template: String, target: String)] = [
                ("/api/atlas/v2/orgs", "/api/atlas/v2/orgs"),
                ("/api/atlas/v2/groups", "/api/atlas/v2/groups"),
                ("/api/atlas/v2/orgs/{orgId}/groups", "/api/atlas/v2/orgs/\(RecordingMirror.org)/groups"),
                ("\(g)/databaseUsers", "\(Self.groupPath)/databaseUsers"),
                ("\(g)/databaseUsers/{databaseName}/{username}", "\(Self.groupPath)/databaseUsers/admin/d0123456789abcdef012345d%2Fuser-332"),
                ("\(g)/databaseUsers/{username}/certs", "\(Self.groupPath)/databaseUsers/user389/certs"),
            ]
            for (template, target) in operations {
                let response = try await harness.digest("GET", target, accept: Self.v2JSON)
                let problems = try Self.check(response, spec: spec, path: template, method: "get", status: 200, mediaType: Self.v2JSON)
                #expect(problems.isEmpty, "\(template): \(problems)")
            }

            // Create: the spec says `type: string` under the JSON media type; Atlas sends PEM
            // text, not a JSON string. Known inaccuracy (atlas-api.md §8): check the text.
            let create = "\(g)/databaseUsers/{username}/certs"
            let created = try await harness.digest(
                "POST", "\(Self.groupPath)/databaseUsers/user389/certs", accept: Self.v2JSON, body: Harness.monthsBody(3))
            #expect(created.status == 201)
            let declared = try Self.specResponse(spec, path: create, method: "post", status: "201")
            #expect(declared["content"]?[Self.v2JSON]?["schema"]?["type"]?.string == "string")
            #expect(created.header("Content-Type") == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
            #expect(created.text.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
            #expect(created.text.contains("-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n"))
            #expect((try? created.json()) == nil)
            for header in declared["headers"]?.keys ?? [] { #expect(created.header(header).flatMap(Int.init) != nil, "\(header)") }

            // Cert list items: the spec lists `links` (optional), real Atlas sends none.
            // Known inaccuracy: the schema allows the absence; assert we match Atlas.
            let certs = try await harness.digest("GET", "\(Self.groupPath)/databaseUsers/user389/certs").json()
            #expect(certs["results"]?.array?.allSatisfy { $0["links"] == nil } == true)

            let errors: [(String, String, Int, String)] = [
                ("GET", "\(Self.groupPath.replacingOccurrences(of: RecordingMirror.group, with: Fixtures.missing))/databaseUsers", 404, "\(g)/databaseUsers"),
                ("GET", "/api/atlas/v2/groups?itemsPerPage=501", 400, "/api/atlas/v2/groups"),
                ("POST", "\(Self.groupPath)/databaseUsers/user-253/certs", 400, create),
            ]
            for (method, target, status, template) in errors {
                let body: [UInt8] = method == "POST" ? Harness.monthsBody(3) : []
                let response = try await harness.digest(method, target, body: body)
                let problems = try Self.check(
                    response, spec: spec, path: template, method: method.lowercased(), status: status, mediaType: "application/json")
                #expect(problems.isEmpty, "\(target): \(problems)")
            }
            let challenge = try await harness.raw("GET", "/api/atlas/v2/orgs")
            let problems = try Self.check(challenge, spec: spec, path: "/api/atlas/v2/orgs", method: "get", status: 401, mediaType: "application/json")
            #expect(problems.isEmpty, "challenge: \(problems)")
        }
        try await Self.withMirror(configure: { $0.faults.rateLimit = .init(capacity: 0, refillPerSecond: 0.5) }) { harness in
            let limited = try await harness.digest("GET", "/api/atlas/v2/orgs")
            let problems = try Self.check(limited, spec: spec, path: "/api/atlas/v2/orgs", method: "get", status: 429, mediaType: "application/json")
            #expect(problems.isEmpty, "429: \(problems)")
            #expect(limited.header("Retry-After") == "2")
        }
    }

    @Test("a generated fleet with every username shape validates too")
    func generatedFleetSchemas() async throws {
        let spec = try SharedData.spec()
        let data = SimulatorData.generate(seed: 77, now: RecordingMirror.now, usersPerProject: 12, includeHostileNames: true)
        try await Harness.with(data: data, now: RecordingMirror.now) { harness in
            for project in data.projects {
                let response = try await harness.digest("GET", "/api/atlas/v2/groups/\(project.id)/databaseUsers")
                let problems = try Self.check(
                    response, spec: spec, path: "/api/atlas/v2/groups/{groupId}/databaseUsers", method: "get", status: 200,
                    mediaType: Self.v2JSON)
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }

    /// How each recording is reproduced and compared.
    enum Comparison {
        /// Same JSON value, after putting our base URL in the recording's links. `emptied`
        /// names arrays the simulator always sends empty (its models carry no scopes or tags).
        case exact(emptied: [String] = [])
        /// Same key paths at every level; `onlyRecorded` lists paths under those always-empty arrays.
        case shape(onlyRecorded: Set<String> = [])
        /// An unauthenticated request: the challenge.
        case challenge
    }

    struct Case {
        var recording: String
        var method: String
        var target: String
        var comparison: Comparison
        /// The recording shows no rate-limit headers; the simulator sends them on every
        /// authenticated API answer as this project requires (atlas-api.md §2.1 says errors
        /// carry them too): accepted difference.
        var rateLimitHeadersAdded = false
    }

    static let cases: [Case] = [
        Case(recording: "TestAtlasOrgs__List__GET_api_atlas_v2_orgs_1.snaphost", method: "GET",
             target: "/api/atlas/v2/orgs?includeCount=true&name=&pageNum=1&itemsPerPage=100", comparison: .exact()),
        Case(recording: "TestAtlasProjects__List__GET_api_atlas_v2_groups_1.snaphost", method: "GET",
             target: "/api/atlas/v2/groups?includeCount=true&pageNum=1&itemsPerPage=100",
             comparison: .shape(onlyRecorded: ["results[].tags[].key", "results[].tags[].value"])),
        Case(recording: "TestDBUserCerts__List__GET_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_user389_certs_1.snaphost",
             method: "GET", target: "\(groupPath)/databaseUsers/user389/certs?includeCount=true&pageNum=1&itemsPerPage=100",
             comparison: .exact()),
        Case(recording: "TestDBUserWithFlags__Describe__GET_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_admin_user-253_1.snaphost",
             method: "GET", target: "\(groupPath)/databaseUsers/admin/user-253", comparison: .exact(emptied: ["scopes"])),
        Case(recording: "TestDBUsersWithStdin__Describe__GET_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_admin_d0123456789abcdef012345d_user-332_1.snaphost",
             method: "GET", target: "\(groupPath)/databaseUsers/admin/d0123456789abcdef012345d%2Fuser-332", comparison: .exact(emptied: ["scopes"])),
        Case(recording: "TestDBUsersWithStdin__Describe__GET_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_admin_user-332_1.snaphost",
             method: "GET", target: "\(groupPath)/databaseUsers/admin/user-332", comparison: .exact(emptied: ["scopes"])),
        Case(recording: "TestDBUserWithFlags__List__GET_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_1.snaphost",
             method: "GET", target: "\(groupPath)/databaseUsers?includeCount=true&pageNum=1&itemsPerPage=100",
             comparison: .shape(onlyRecorded: ["results[].scopes[].name", "results[].scopes[].type"])),
        Case(recording: "TestDBUserWithFlags__List_Compact__GET_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_1.snaphost",
             method: "GET", target: "\(groupPath)/databaseUsers?includeCount=true&pageNum=1&itemsPerPage=100",
             comparison: .shape(onlyRecorded: ["results[].scopes[].name", "results[].scopes[].type"])),
        Case(recording: "TestSetupFailureFlow__Invalid_Private_Key__POST_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_1.snaphost",
             method: "GET", target: "\(groupPath)/databaseUsers", comparison: .challenge),
        Case(recording: "TestSetupFailureFlow__Invalid_Public_Key__POST_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_1.snaphost",
             method: "GET", target: "\(groupPath)/databaseUsers", comparison: .challenge),
        Case(recording: "TestSetupFailureFlow__Invalid_Project_ID__POST_api_atlas_v2_groups_111111111111111111111111_databaseUsers_1.snaphost",
             method: "GET", target: "/api/atlas/v2/groups/111111111111111111111111/databaseUsers", comparison: .challenge),
        Case(recording: "TestSetupFailureFlow__Invalid_Project_ID__POST_api_atlas_v2_groups_111111111111111111111111_databaseUsers_2.snaphost",
             method: "GET", target: "/api/atlas/v2/groups/111111111111111111111111/databaseUsers", comparison: .exact(),
             rateLimitHeadersAdded: true),
    ]

    /// Recordings of operations the simulator does not serve (creating and deleting
    /// database users), listed so that a new recording cannot be ignored silently.
    static let notSimulated: Set<String> = [
        "TestDBUserCerts__Create_DBUser__POST_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_1.snaphost",
        "TestDBUserCerts__Delete_User__DELETE_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_external_user389_1.snaphost",
    ]
    static let createCertificate =
        "TestDBUserCerts__Create__POST_api_atlas_v2_groups_b0123456789abcdef012345b_databaseUsers_user389_certs_1.snaphost"

    @Test("every recording is compared or explicitly out of scope")
    func everyRecordingAccountedFor() throws {
        let covered = Set(Self.cases.map(\.recording)).union(Self.notSimulated).union([Self.createCertificate])
        #expect(Set(try SharedData.recordingNames()) == covered)
    }

    static func headerProblems(_ recorded: Snaphost, _ ours: RawHTTPResponse, rateLimitHeadersAdded: Bool) -> [String] {
        var problems: [String] = []
        if recorded.header("Content-Type") != ours.header("Content-Type") {
            problems.append("Content-Type \(ours.header("Content-Type") ?? "-") vs \(recorded.header("Content-Type") ?? "-")")
        }
        let recordedChallenge = DigestChallenge.parse(recorded.header("Www-Authenticate"))
        let ourChallenge = DigestChallenge.parse(ours.header("Www-Authenticate"))
        if (recordedChallenge == nil) != (ourChallenge == nil) { problems.append("Www-Authenticate presence") }
        if let recordedChallenge, let ourChallenge {
            if recordedChallenge.names != ourChallenge.names || recordedChallenge.quoted != ourChallenge.quoted {
                problems.append("Www-Authenticate parameters \(ourChallenge.names) vs \(recordedChallenge.names)")
            }
            for name in recordedChallenge.names where name != "nonce" && recordedChallenge.values[name] != ourChallenge.values[name] {
                problems.append("Www-Authenticate \(name)")
            }
            if ourChallenge.nonce.count != recordedChallenge.nonce.count { problems.append("nonce length") }
        }
        if let limit = recorded.header("Ratelimit-Limit") {
            if ours.header("Ratelimit-Limit") != limit { problems.append("Ratelimit-Limit \(ours.header("Ratelimit-Limit") ?? "-") vs \(limit)") }
        } else if !rateLimitHeadersAdded, ours.header("Ratelimit-Limit") != nil {
            problems.append("unexpected Ratelimit-Limit")
        }
        if (recorded.header("Ratelimit-Remaining") != nil) != (ours.header("Ratelimit-Remaining") != nil), !rateLimitHeadersAdded {
            problems.append("Ratelimit-Remaining presence")
        }
        if recorded.header("X-Error-Code") != ours.header("X-Error-Code") { problems.append("X-Error-Code") }
        return problems
    }

    static func emptying(_ json: JSON, _ keys: [String]) -> JSON {
        guard case .object(let members) = json else { return json }
        return .object(members.map { keys.contains($0.key) ? JSON.Member(key: $0.key, value: .array([])) : $0 })
    }

    @Test("the simulator's answers have the recorded shapes, bodies and headers")
    func recordings() async throws {
        try await Self.withMirror { harness in
            for item in Self.cases {
                let recorded = try SharedData.recording(item.recording)
                let ours: RawHTTPResponse
                if case .challenge = item.comparison {
                    ours = try await harness.raw(item.method, item.target)
                } else {
                    ours = try await harness.digest(item.method, item.target)
                }
                #expect(ours.status == recorded.status, "\(item.recording)")
                let headers = Self.headerProblems(recorded, ours, rateLimitHeadersAdded: item.rateLimitHeadersAdded)
                #expect(headers.isEmpty, "\(item.recording): \(headers)")
                let recordedJSON = try JSON.parse(recorded.body.replacingOccurrences(of: "http://localhost:8080", with: harness.simulator.baseURL))
                let ourJSON = try ours.json()
                switch item.comparison {
                case .exact(let emptied):
                    #expect(ourJSON == Self.emptying(recordedJSON, emptied), "\(item.recording)\n\(ours.text)\n\(recorded.body)")
                case .shape(let onlyRecorded):
                    let missing = recordedJSON.keyPaths().subtracting(ourJSON.keyPaths()).subtracting(onlyRecorded)
                    let extra = ourJSON.keyPaths().subtracting(recordedJSON.keyPaths())
                    #expect(missing.isEmpty && extra.isEmpty, "\(item.recording): missing \(missing), extra \(extra)")
                case .challenge:
                    #expect(ours.text == recorded.body, "\(item.recording)")
                }
            }
        }
    }

    @Test("a certificate created at the recorded time matches the recorded one field by field")
    func createdCertificateLikeRecorded() async throws {
        let recorded = try SharedData.recording(Self.createCertificate)
        let recordedPEM = try #require(recorded.body.components(separatedBy: "REDACTED").first)
        let atlas = try Certificate(pemEncoded: recordedPEM)
        try await Self.withMirror { harness in
            harness.clock.advance(by: -5)  // the recording's Date: Mon, 10 Aug 2026 03:06:35 GMT
            let response = try await harness.digest(
                "POST", "\(Self.groupPath)/databaseUsers/user389/certs", accept: Self.v2JSON, body: Harness.monthsBody(3))
            #expect(response.status == recorded.status)
            let headers = Self.headerProblems(recorded, response, rateLimitHeadersAdded: false)
            #expect(headers.isEmpty, "\(headers)")
            let ours = try Certificate(pemEncoded: response.text.components(separatedBy: "-----BEGIN PRIVATE KEY-----")[0])
            #expect(ours.version == atlas.version)
            #expect(ours.subject == atlas.subject)
            #expect(ours.notValidBefore == atlas.notValidBefore)
            #expect(ours.notValidAfter == atlas.notValidAfter)
            #expect(ours.issuer.count == atlas.issuer.count)
            #expect(ours.issuer.description.replacing(#/CN=[0-9a-f]{24}/#, with: "CN=x") == atlas.issuer.description.replacing(#/CN=[0-9a-f]{24}/#, with: "CN=x"))
            #expect(ours.extensions.map(\.oid) == atlas.extensions.map(\.oid))
            #expect(ours.extensions.map(\.critical) == atlas.extensions.map(\.critical))
            #expect(try ours.extensions.keyUsage == atlas.extensions.keyUsage)
            #expect(try ours.extensions.extendedKeyUsage == atlas.extensions.extendedKeyUsage)
            #expect(ours.serialNumber.bytes.count == atlas.serialNumber.bytes.count)
        }
    }
}
