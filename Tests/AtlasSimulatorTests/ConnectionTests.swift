import AtlasSimulator
import Foundation
import Testing

@Suite("Connections")
struct ConnectionTests {
    @Test("one keep-alive connection carries the challenge and several signed calls")
    func keepAlive() async throws {
        try await Harness.with { harness in
            let connection = try await RawConnection.open(port: harness.port)
            let challenge = try await connection.request("GET", "/api/atlas/v2/orgs")
            #expect(challenge.status == 401)
            #expect(challenge.header("Connection") == nil)
            let nonce = try #require(DigestChallenge.parse(challenge.header("Www-Authenticate"))).nonce
            for nc in 1...3 {
                let authorization = DigestSigner.authorization(
                    method: "GET", uri: "/api/atlas/v2/groups", nonce: nonce, nc: nc, username: harness.credentials.publicKey,
                    password: harness.credentials.privateKey)
                let response = try await connection.request("GET", "/api/atlas/v2/groups", headers: [("Authorization", authorization)])
                #expect(response.status == 200)
                #expect(try response.json()["totalCount"]?.int == 2)
            }
            #expect(harness.simulator.requestLog.count == 4)
        }
    }

    @Test("shutdown closes idle keep-alive connections")
    func shutdownClosesConnections() async throws {
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: Fixtures.basic())
        let connection = try await RawConnection.open(port: simulator.port)
        #expect(try await connection.request("GET", "/api/atlas/v2/orgs").status == 401)
        try await simulator.shutdown()
        // (Not checking that the port refuses connections: tests run in parallel and
        // another simulator may already have been given the same port.)
        #expect(try await connection.isClosedByServer())
    }
}
