import AtlasAPI
import Testing

@Suite("Percent-encoding usernames per path segment")
struct PathSegmentTests {
    @Test("each username stays inside one segment", arguments: [
        ("user389", "user389"),
        ("d0123456789abcdef012345d/user-332", "d0123456789abcdef012345d%2Fuser-332"),
        ("CN=Ana Lima,OU=Payments,O=Acme", "CN=Ana%20Lima%2COU=Payments%2CO=Acme"),
        ("first.last@example.com", "first.last@example.com"),
        ("a+b", "a+b"),
        ("$external", "$external"),
        ("josé", "jos%C3%A9"),
        ("用户", "%E7%94%A8%E6%88%B7"),
        ("..", "%2E%2E"),
        ("a?b#c%d;e", "a%3Fb%23c%25d%3Be"),
    ])
    func encodes(_ input: String, _ expected: String) {
        #expect(PathSegment.encode(input) == expected)
    }
}
