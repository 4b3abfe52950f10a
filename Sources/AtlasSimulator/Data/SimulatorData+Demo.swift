import Foundation

extension SimulatorData {
    /// The fleet `atlas-certs demo` shows: 2 organizations, 6 projects of 10 users each,
    /// about 60% of them Atlas-managed x.509 users with three certificates apiece, spread
    /// across expired (hidden by the API), critical (< 7 days), warning (< 30 days),
    /// soon (< 90 days) and healthy, so every colour of the TUI appears on the first screen.
    /// Project names are fixed so screenshots and docs stay stable.
    public static func demo(now: Date) -> SimulatorData {
        var data = generate(
            seed: 2023_01_01, now: now, organizations: 2, projectsPerOrganization: 3, usersPerProject: 10,
            certificatesPerManagedUser: 3, managedFraction: 0.6, includeHostileNames: false)
        let names = ["payments-prod", "payments-staging", "analytics", "ml-platform", "edge-iot", "internal-tools"]
        for index in data.projects.indices where index < names.count {
            data.projects[index].name = names[index]
        }
        return data
    }
}
