import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// Create's checks and messages: Atlas's create error codes, who may get a certificate
/// (checked with GETs only, before any POST), and what is said afterwards.
@Suite("Creating a certificate: checks and messages")
struct CreateCertificateTests {
    static func createError(_ code: String, status: Int = 400, detail: String = "Refused.") async -> AtlasError? {
        let transport = ScriptedTransport { _, _ in
            jsonResponse(#"{"detail":"\#(detail)","error":\#(status),"errorCode":"\#(code)","parameters":[],"reason":"Bad Request"}"#,
                         status: status, headers: [("X-Error-Code", code)])
        }
        let error = await #expect(throws: AtlasError.self) {
            _ = try await makeClient(transport).createCertificate(projectID: "5e2211c17a3e5a48f5497de3", username: "CN=app", months: 3)
        }
        #expect(await transport.count == 1, "a POST is sent once, never retried")
        return error
    }

    @Test("every create error code gets one line that says no certificate was created and what to do",
          arguments: [
            ("CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS", "--months between 1 and 24"),
            ("ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED", "limit on generated certificates"),
            ("CANNOT_GENERATE_CERT_IF_ADVANCED_X509", "self-managed X.509"),
            ("USER_NOT_MANAGED_X509", "x509Type MANAGED"),
            ("ATLAS_MANAGED_X509_NAME_INVALID", "CN=<name>"),
          ])
    func createErrorCodes(_ code: String, _ advice: String) async {
        let error = await Self.createError(code)
        #expect(error?.kind == .badRequest)
        #expect(error?.errorCode == code)
        #expect(error?.message.hasPrefix("HTTP 400 \(code): Refused. No certificate was created") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(advice) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test("the codes are recognised on any 4xx, and a 5xx stays a server error")
    func createErrorStatuses() async {
        #expect(await Self.createError("ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED", status: 409)?.message.contains("limit on generated certificates") == true)
        #expect(await Self.createError("USER_NOT_MANAGED_X509", status: 500)?.kind == .serverError)
    }

    @Test("authentication methods in words")
    func methods() {
        func user(_ database: String, x509: DatabaseUser.X509Type = .none, aws: String? = "NONE", ldap: String? = "NONE", oidc: String? = "NONE") -> DatabaseUser {
            DatabaseUser(username: "u", databaseName: database, groupId: "g", x509Type: x509, awsIAMType: aws, ldapAuthType: ldap, oidcAuthType: oidc)
        }
        #expect(CertificateEligibility.authenticationMethod(of: user("admin")) == "password (SCRAM)")
        #expect(CertificateEligibility.authenticationMethod(of: user("admin", aws: nil, ldap: nil, oidc: nil)) == "password (SCRAM)")
        #expect(CertificateEligibility.authenticationMethod(of: user("$external", aws: "ROLE")) == "AWS IAM (awsIAMType ROLE)")
        #expect(CertificateEligibility.authenticationMethod(of: user("$external", ldap: "GROUP")) == "LDAP (ldapAuthType GROUP)")
        #expect(CertificateEligibility.authenticationMethod(of: user("admin", oidc: "IDP_GROUP")) == "OIDC (oidcAuthType IDP_GROUP)")
        #expect(CertificateEligibility.authenticationMethod(of: user("$external", x509: .customer)).contains("self-managed X.509 (x509Type CUSTOMER"))
        #expect(CertificateEligibility.refusal(for: user("$external", x509: .managed)) == nil)
        let refusal = CertificateEligibility.refusal(for: user("admin"))
        #expect(refusal?.contains("authenticates with password (SCRAM), x509Type NONE") == true)
        #expect(refusal?.contains("only Atlas-managed X.509 users (x509Type MANAGED) can get certificates") == true)
        #expect(CertificateEligibility.refusal(for: user("$external", x509: .other("FUTURE\u{1B}[2J")))?.contains("\u{1B}") == false)
    }

    @Test("eligibility against the simulator: MANAGED passes; CUSTOMER, SCRAM, OIDC and unknown users are refused with GETs only")
    func eligibility() async throws {
        let data = SimulatorData.generate(seed: 41, now: SimulatorIntegrationTests.now, organizations: 1, projectsPerOrganization: 1,
                                          usersPerProject: 12, certificatesPerManagedUser: 1, managedFraction: 0.5)
        let project = data.projects[0]
        try await SimulatorIntegrationTests.withSimulator(data: data) { client, simulator in
            let managed = try #require(data.users.first { $0.hasManagedCertificates })
            let eligible = try await client.userEligibleForCertificates(project: project, username: managed.username)
            #expect(eligible.username == managed.username && eligible.databaseName == "$external")

            let customer = try #require(data.users.first { $0.x509Type == .customer })
            let refusedCustomer = await #expect(throws: AtlasError.self) { _ = try await client.userEligibleForCertificates(project: project, username: customer.username) }
            #expect(refusedCustomer?.message.contains("x509Type CUSTOMER") == true)

            let scram = try #require(data.users.first { $0.databaseName == "admin" && $0.oidcAuthType == "NONE" })
            let refusedSCRAM = await #expect(throws: AtlasError.self) { _ = try await client.userEligibleForCertificates(project: project, username: scram.username) }
            #expect(refusedSCRAM?.message.contains("(database admin) authenticates with password (SCRAM), x509Type NONE") == true, "\(refusedSCRAM?.message ?? "")")

            let oidc = try #require(data.users.first { $0.oidcAuthType == "IDP_GROUP" })
            let refusedOIDC = await #expect(throws: AtlasError.self) { _ = try await client.userEligibleForCertificates(project: project, username: oidc.username) }
            #expect(refusedOIDC?.message.contains("OIDC (oidcAuthType IDP_GROUP)") == true)

            let unknown = await #expect(throws: AtlasError.self) { _ = try await client.userEligibleForCertificates(project: project, username: "nobody-here") }
            #expect(unknown?.kind == .notFound)
            #expect(unknown?.message.contains("No database user 'nobody-here'") == true)

            let wrongProject = Project(id: "0123456789abcdef01234567", name: "0123456789abcdef01234567", orgId: "")
            let missingProject = await #expect(throws: AtlasError.self) { _ = try await client.userEligibleForCertificates(project: wrongProject, username: managed.username) }
            #expect(missingProject?.message.contains("No project") == true, "\(missingProject?.message ?? "")")

            #expect(simulator.requestCount(.certsCreate) == 0)
            #expect(simulator.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("the summary: exact ID, hex serial, sanitised subject, UTC expiry, the file and its mode")
    func summary() {
        let details = IssuedCertificateDetails(id: CertificateID(0x8000_0000_0000_0001), subject: "CN=app\u{1B}[31m,OU=payments",
                                               notBefore: Date(timeIntervalSince1970: 1_795_000_000 - 3_600),
                                               notAfter: Date(timeIntervalSince1970: 1_795_000_000 + 90 * 86_400))
        let project = Project(id: "5e2211c17a3e5a48f5497de3", name: "Payments", orgId: "o")
        let text = CertificateCreationReport.summary(details: details, username: "CN=app", project: project,
                                                     path: "/keys/app.pem", now: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(text.contains("Created certificate 9223372036854775809 for 'CN=app' in project Payments (5e2211c17a3e5a48f5497de3)."))
        #expect(text.contains("serial   8000000000000001"))
        #expect(text.contains("subject  CN=app\\x1B[31m,OU=payments"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("expires  2027-02-16 11:06:40 UTC (in 90d)"), "\(text)")
        #expect(text.contains("file     /keys/app.pem (mode 0600, certificate and private key)"))
        let toStdout = CertificateCreationReport.summary(details: details, username: "CN=app", project: project, path: nil,
                                                         now: Date())
        #expect(toStdout.contains("standard output"))
    }

    @Test("a key that could not be saved: one line with the certificate's ID, that the key is lost, and to create another")
    func lostKey() {
        let details = IssuedCertificateDetails(id: CertificateID(2_558_523_591_213_958_694), subject: "CN=app",
                                               notBefore: Date(timeIntervalSince1970: 0), notAfter: Date(timeIntervalSince1970: 1_795_000_000))
        let line = CertificateCreationReport.lostKey(details: .success(details), username: "CN=app", reason: "Cannot write /k/app.pem: No space left on device.")
        #expect(!line.contains("\n"))
        #expect(line.contains("Atlas issued certificate 2558523591213958694"))
        #expect(line.contains("No space left on device"))
        #expect(line.contains("The private key is lost"))
        #expect(line.contains("atlas-certs create again"))
        let unknown = CertificateCreationReport.lostKey(details: .failure(AtlasError(kind: .decoding, message: "x")), username: "u", reason: "r")
        #expect(unknown.contains("atlas-certs list --user"))
    }
}
