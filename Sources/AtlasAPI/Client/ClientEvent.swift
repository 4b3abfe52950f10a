/// What the client is doing, for `--verbose`, progress displays and tests. Never carries
/// a credential.
public enum ClientEvent: Sendable, Equatable {
    /// One HTTP request is about to go out (every leg, including Digest challenges).
    case requestSent(method: String, path: String)
    /// A response arrived.
    case responseReceived(method: String, path: String, status: Int)
    /// A request got no response (network failure, timeout or cancellation).
    case requestFailed(method: String, path: String)
    /// A GET is being retried after a transient failure.
    case retrying(path: String, reason: String, attempt: Int, delay: Duration)
    /// Atlas answered 429; every request of this client waits `wait` before continuing.
    case rateLimited(path: String, wait: Duration)
    /// Atlas reported how many requests remain in the current rate-limit bucket.
    case rateLimitRemaining(Int)
    /// A listing held `count` certificate IDs more than once; the copy that expires
    /// soonest was kept, so that nothing reads healthier than Atlas said.
    case duplicateCertificates(path: String, count: Int)
}
