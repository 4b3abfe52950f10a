/// The bodies Atlas sends when things go wrong upstream of the API handlers.
enum FaultResponses {
    /// What a project configured to fail answers, whatever the call.
    static func projectFault(_ fault: FaultConfiguration.ProjectFault, path: String) -> SimulatorResponse {
        switch fault {
        case .cannotAccess:
            AtlasErrorResponse.make(status: 401, code: "USER_CANNOT_ACCESS_GROUP",
                                    detail: "Current user cannot access group.")
        case .forbidden:
            AtlasErrorResponse.make(status: 403, code: "ACCESS_FORBIDDEN", detail: "Access forbidden.")
        case .serverError:
            serverError()
        }
    }

    static func serverError() -> SimulatorResponse {
        AtlasErrorResponse.make(status: 500, code: "UNEXPECTED_ERROR", detail: "Unexpected error.")
    }

    /// The edge's maintenance page: HTML, not JSON, so a client must not assume every
    /// error body decodes (see terraform-provider-mongodbatlas issue #256).
    static func maintenancePage() -> SimulatorResponse {
        let html = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>MongoDB Cloud Manager Unavailable</title></head>
            <body>
            <h1>MongoDB Cloud Manager Unavailable</h1>
            <p>MongoDB Cloud Manager is currently unavailable. We are working to restore service as quickly as possible.</p>
            </body>
            </html>

            """
        return SimulatorResponse(status: 503, contentType: "text/html; charset=utf-8", text: html)
    }

    /// Atlas's token-bucket answer, with the figures of the configured bucket.
    static func rateLimited(path: String, retryAfter: Int, limit: FaultConfiguration.RateLimit) -> SimulatorResponse {
        let endpoint = String(path.drop(while: { $0 == "/" }))
        let refill: AtlasErrorResponse.Parameter
        let refillText: String
        if limit.refillPerSecond == limit.refillPerSecond.rounded(), abs(limit.refillPerSecond) < 1e15 {
            refill = .int(Int64(limit.refillPerSecond))
            refillText = String(Int64(limit.refillPerSecond))
        } else {
            refill = .double(limit.refillPerSecond)
            refillText = String(limit.refillPerSecond)
        }
        var response = AtlasErrorResponse.make(
            status: 429, code: "RATE_LIMITED_TOKEN_BUCKET",
            detail: "Rate limit exceeded for \(endpoint). Please retry after \(retryAfter) seconds. "
                + "Request capacity: \(limit.capacity). Refill rate: \(refillText) per 1 seconds.",
            parameters: [.string(endpoint), .int(Int64(retryAfter)), .int(Int64(limit.capacity)), refill, .int(1)])
        response.setHeader("Retry-After", String(retryAfter))
        return response
    }
}
