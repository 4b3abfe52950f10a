import AtlasAPI
import Foundation

extension SimulatorData {
    /// Builds a fleet deterministically from `seed`: the same arguments give byte-identical
    /// data (and fixture files), so benchmarks and tests can name their data by a number.
    ///
    /// The fleet covers what a client must cope with: every `x509Type` (NONE, CUSTOMER,
    /// MANAGED), both authentication databases, and every username shape (plain, dotted,
    /// `@` and `+`, RFC 2253 DNs with spaces and commas, OIDC `<24 hex>/group`, non-ASCII).
    /// Shapes are dealt in rotation across the whole fleet, so any fleet with at least
    /// six managed and four other users contains each one. Certificates are spread around
    /// `now`: already expired (stored but never listed), under 7 days, under 30, under 90
    /// and later, again in rotation. Serials are random 64-bit values above 2^60.
    ///
    /// - Parameters:
    ///   - now: the reference time; truncated to whole seconds, like everything Atlas sends.
    ///   - managedFraction: the share (0...1) of each project's users that are MANAGED.
    ///   - includeHostileNames: adds a project and a MANAGED user whose names carry
    ///     terminal escape sequences (CSI colour, OSC 52 clipboard write, BEL, CR and the
    ///     right-to-left override U+202E), for the TUI's escaping tests.
    public static func generate(
        seed: UInt64, now: Date, organizations: Int = 2, projectsPerOrganization: Int = 3,
        usersPerProject: Int = 10, certificatesPerManagedUser: Int = 3, managedFraction: Double = 0.5,
        includeHostileNames: Bool = false
    ) -> SimulatorData {
        var generator = FleetGenerator(seed: seed, now: UTCCalendar.wholeSeconds(now))
        for orgIndex in 0..<max(0, organizations) {
            let org = generator.makeOrganization(index: orgIndex)
            for _ in 0..<max(0, projectsPerOrganization) {
                let project = generator.makeProject(orgId: org.id)
                generator.populate(
                    project: project, users: max(0, usersPerProject), managedFraction: managedFraction,
                    certificatesPerManagedUser: max(0, certificatesPerManagedUser))
            }
        }
        if includeHostileNames, let firstOrg = generator.data.organizations.first {
            generator.addHostileProject(orgId: firstOrg.id, certificatesPerManagedUser: max(2, certificatesPerManagedUser))
        }
        return generator.data
    }
}

/// The mutable state of one `generate` call.
struct FleetGenerator {
    var rng: SeededGenerator
    let now: Date
    var data = SimulatorData()
    private var managedShapeIndex = 0
    private var otherShapeIndex = 0
    private var expiryBucketIndex = 0
    private var usedSerials = Set<UInt64>()
    private var projectNameUses: [String: Int] = [:]

    init(seed: UInt64, now: Date) {
        self.rng = SeededGenerator(seed: seed)
        self.now = now
    }

    static let organizationNames = [
        "Acme Corp", "Globex Research", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Payments",
        "Tyrell Systems", "Soylent Foods",
    ]
    static let projectNames = [
        "payments-prod", "payments-staging", "analytics", "ml-platform", "edge-iot", "internal-tools", "search",
        "billing", "identity", "data-lake", "mobile-backend", "reporting",
    ]
    static let people = [
        ("Ana", "Lima"), ("Bruno", "Costa"), ("Chen", "Wei"), ("Dana", "Kim"), ("Emeka", "Obi"), ("Fatima", "Zahra"),
        ("Goran", "Petrov"), ("Hana", "Sato"), ("Ines", "Duarte"), ("Jonas", "Berg"),
    ]
    static let services = ["orders", "billing", "ledger", "search", "ingest", "reports", "auth", "gateway"]
    static let units = ["Payments", "Platform", "Data", "Security", "Mobile"]
    static let companies = ["Acme", "Globex", "Initech"]
    static let nonASCIINames = ["josé", "用户", "zoë.müller", "łukasz", "ангелина", "søren"]
    static let roles: [DatabaseUser.Role] = [
        .init(roleName: "atlasAdmin", databaseName: "admin"),
        .init(roleName: "readWriteAnyDatabase", databaseName: "admin"),
        .init(roleName: "readAnyDatabase", databaseName: "admin"),
        .init(roleName: "readWrite", databaseName: "orders"),
        .init(roleName: "read", databaseName: "reports"),
        .init(roleName: "clusterMonitor", databaseName: "admin"),
    ]

    mutating func makeOrganization(index: Int) -> Organization {
        let names = Self.organizationNames
        let base = names[index % names.count]
        let name = index < names.count ? base : "\(base) \(index / names.count + 1)"
        let org = Organization(id: rng.objectID(), name: name, isDeleted: false)
        data.organizations.append(org)
        return org
    }

    mutating func makeProject(orgId: String) -> Project {
        let base = rng.pick(Self.projectNames)
        let uses = projectNameUses[base, default: 0] + 1
        projectNameUses[base] = uses
        let name = uses == 1 ? base : "\(base)-\(uses)"
        let created = now.addingTimeInterval(-Double(rng.inRange(30...1500)) * 86_400 - Double(rng.below(86_400)))
        let project = Project(
            id: rng.objectID(), name: name, orgId: orgId, clusterCount: Int64(rng.below(6)), created: created)
        data.projects.append(project)
        return project
    }

    mutating func populate(project: Project, users count: Int, managedFraction: Double, certificatesPerManagedUser: Int) {
        let fraction = min(1, max(0, managedFraction.isNaN ? 0 : managedFraction))
        let managedCount = Int((Double(count) * fraction).rounded())
        var slots = Array(0..<count)
        for index in stride(from: slots.count - 1, to: 0, by: -1) {
            slots.swapAt(index, rng.below(index + 1))
        }
        let managedSlots = Set(slots.prefix(managedCount))
        var taken = Set<String>()
        for slot in 0..<count {
            var user = managedSlots.contains(slot) ? nextManagedUser(groupId: project.id) : nextOtherUser(groupId: project.id)
            user.username = unique(user.username, databaseName: user.databaseName, taken: &taken)
            data.users.append(user)
            if user.x509Type == .managed {
                addCertificates(count: certificatesPerManagedUser, groupId: project.id, username: user.username)
            }
        }
    }

    mutating func addHostileProject(orgId: String, certificatesPerManagedUser: Int) {
        // CSI colour, BEL, CR and RLO in a project name; OSC 52 (clipboard write) in a username.
        let project = Project(
            id: rng.objectID(), name: "prod\u{1B}[31m-ALERT\u{1B}[0m\u{07}\r\u{202E}gnp.exe", orgId: orgId,
            clusterCount: 1, created: now.addingTimeInterval(-86_400 * 40))
        data.projects.append(project)
        let username = "mallory\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}\u{1B}[2J\r\u{202E}txt.pem"
        data.users.append(
            DatabaseUser(
                username: username, databaseName: "$external", groupId: project.id, roles: [Self.roles[0]],
                x509Type: .managed, awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE"))
        addCertificates(count: certificatesPerManagedUser, groupId: project.id, username: username)
    }

    // MARK: - Users

    private mutating func nextManagedUser(groupId: String) -> DatabaseUser {
        defer { managedShapeIndex += 1 }
        let (first, last) = rng.pick(Self.people)
        let username: String
        switch managedShapeIndex % 6 {
        case 0: username = "svc-\(rng.pick(Self.services))"
        case 1: username = "\(first.lowercased()).\(last.lowercased())"
        case 2: username = "ci+\(rng.pick(Self.services))@\(rng.pick(Self.companies).lowercased()).io"
        case 3: username = "CN=\(first) \(last),OU=\(rng.pick(Self.units)),O=\(rng.pick(Self.companies))"
        case 4: username = rng.pick(Self.nonASCIINames)
        default: username = "用户-\(rng.pick(Self.services))"
        }
        return DatabaseUser(
            username: username, databaseName: "$external", groupId: groupId, roles: [rng.pick(Self.roles)],
            x509Type: .managed, awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE")
    }

    private mutating func nextOtherUser(groupId: String) -> DatabaseUser {
        defer { otherShapeIndex += 1 }
        let (first, last) = rng.pick(Self.people)
        var user = DatabaseUser(
            username: "", databaseName: "admin", groupId: groupId, roles: [rng.pick(Self.roles)], x509Type: .none,
            awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE")
        switch otherShapeIndex % 4 {
        case 0:
            user.username = "app-\(rng.pick(Self.services))"
            if rng.below(3) == 0 { user.deleteAfterDate = now.addingTimeInterval(86_400 * Double(rng.inRange(1...6))) }
        case 1:
            user.username = "\(rng.objectID())/\(rng.pick(Self.units).lowercased())-admins"
            user.oidcAuthType = "IDP_GROUP"
        case 2:
            user.username = "CN=\(first) \(last),OU=\(rng.pick(Self.units)),O=\(rng.pick(Self.companies))"
            user.databaseName = "$external"
            user.x509Type = .customer
        default:
            user.username = "\(rng.pick(Self.services)).reader"
        }
        return user
    }

    /// Usernames are unique per authentication database within a project.
    private func unique(_ username: String, databaseName: String, taken: inout Set<String>) -> String {
        var candidate = username
        var counter = 2
        while taken.contains(databaseName + "\u{0}" + candidate) {
            if username.hasPrefix("CN="), let comma = username.firstIndex(of: ",") {
                candidate = String(username[..<comma]) + " \(counter)" + String(username[comma...])
            } else if let at = username.firstIndex(of: "@") {
                candidate = String(username[..<at]) + "-\(counter)" + String(username[at...])
            } else {
                candidate = "\(username)-\(counter)"
            }
            counter += 1
        }
        taken.insert(databaseName + "\u{0}" + candidate)
        return candidate
    }

    // MARK: - Certificates

    /// Expiry buckets, in seconds from `now`, dealt in rotation across the fleet.
    private static let expiryBuckets: [ClosedRange<Int>] = [
        (-90 * 86_400)...(-3_600),  // expired: stored, never listed
        3_600...(7 * 86_400 - 3_600),  // under 7 days
        (7 * 86_400)...(30 * 86_400 - 3_600),  // under 30 days
        (30 * 86_400)...(90 * 86_400 - 3_600),  // under 90 days
        (90 * 86_400)...(700 * 86_400),  // later
    ]

    private mutating func addCertificates(count: Int, groupId: String, username: String) {
        guard count > 0 else { return }
        var certificates: [Certificate] = []
        let subject = DistinguishedNameText.subject(forUsername: username)
        for _ in 0..<count {
            let bucket = Self.expiryBuckets[expiryBucketIndex % Self.expiryBuckets.count]
            expiryBucketIndex += 1
            let target = now.addingTimeInterval(Double(rng.inRange(bucket)))
            // Atlas: createdAt = notBefore = issue time - 1 h; notAfter = issue time + N months.
            let months = [1, 3, 6, 12, 24].first { UTCCalendar.adding(months: -$0, to: target) <= now } ?? 24
            let issued = UTCCalendar.adding(months: -months, to: target)
            certificates.append(
                Certificate(
                    id: CertificateID(nextSerial()), subject: subject, createdAt: issued.addingTimeInterval(-3_600),
                    notAfter: UTCCalendar.adding(months: months, to: issued), groupId: groupId))
        }
        certificates.sort { ($0.createdAt ?? $0.notAfter) < ($1.createdAt ?? $1.notAfter) }
        data.certificates.append(.init(groupId: groupId, username: username, certificates: certificates))
    }

    private mutating func nextSerial() -> UInt64 {
        var serial = rng.certificateSerial()
        while usedSerials.contains(serial) { serial = rng.certificateSerial() }
        usedSerials.insert(serial)
        return serial
    }
}
