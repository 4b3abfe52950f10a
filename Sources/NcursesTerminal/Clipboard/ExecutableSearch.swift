import Foundation

/// Finds programs on PATH the way a shell does, without running a shell.
public enum ExecutableSearch {
    /// The full path of `name` in the directories of `path` (a PATH value), or nil.
    public static func find(_ name: String, path: String?) -> String? {
        guard !name.isEmpty, !name.contains("/") else { return nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = String(directory) + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
