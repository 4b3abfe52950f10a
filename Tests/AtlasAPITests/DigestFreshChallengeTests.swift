import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// `DigestAuthorizer(reuseNonce: false)`: the benchmark's naive client, a fresh challenge per call.
@Suite("Digest without nonce reuse")
struct DigestFreshChallengeTests {
    @Test("reuseNonce false: 10 calls cost 20 requests, 10 challenges")
    func freshChallengePerCall() async throws {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let data = SimulatorData.generate(seed: 1, now: now, organizations: 1, projectsPerOrganization: 2, usersPerProject: 3)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(clock: { now }), data: data)
        let transport = try AsyncHTTPClientTransport(baseURL: simulator.baseURL, environment: [:])
        let credentials = simulator.configuration.credentials
        let client = AtlasClient(
            configuration: AtlasClientConfiguration(baseURL: simulator.baseURL),
            transport: transport,
            authorizer: DigestAuthorizer(publicKey: credentials.publicKey, privateKey: Secret(credentials.privateKey), reuseNonce: false))
        do {
            for _ in 0..<10 { _ = try await client.organizations() }
            #expect(simulator.requestCount(.challenge) == 10)
            #expect(simulator.requestCount(.orgs) == 10)
            #expect(simulator.requestLog.count == 20)
        } catch {
            Issue.record(error)
        }
        await transport.shutdown()
        try await simulator.shutdown()
    }
}
