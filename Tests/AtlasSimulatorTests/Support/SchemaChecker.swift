/// A small OpenAPI 3.0 schema checker: `$ref`, `type` (with integer formats int32 and
/// int64 checked exactly), `nullable`, `enum`, `required`, `properties`, `items`, and
/// `writeOnly` properties that must not appear in responses. Patterns and lengths are
/// not checked (the spec's own `UserCert.subject` pattern rejects real Atlas subjects).
struct SchemaChecker {
    let spec: JSON

    /// Places where real Atlas contradicts the spec; accepted on purpose so the check
    /// fails only on the simulator's own mistakes (atlas-api.md §2.1 and §8).
    struct Deviations {
        /// `CloudDatabaseUser.groupId` is marked writeOnly, yet Atlas returns it.
        var writeOnlyReturned: Set<String> = ["CloudDatabaseUser.groupId"]
        /// `ApiError.parameters` items are typed object; Atlas sends strings and numbers.
        var scalarItems: Set<String> = ["ApiError.parameters"]
    }

    var deviations = Deviations()

    /// Follows `$ref`s; returns the schema and the name of the last component reached.
    func resolve(_ schema: JSON, name: String? = nil) -> (schema: JSON, name: String?) {
        var schema = schema
        var name = name
        var hops = 0
        while let ref = schema["$ref"]?.string, hops < 32 {
            hops += 1
            let parts = ref.split(separator: "/").dropFirst()  // drop "#"
            var target: JSON? = spec
            for part in parts { target = target?[String(part)] }
            guard let resolved = target else { return (.null, name) }
            schema = resolved
            name = parts.last.map(String.init)
        }
        return (schema, name)
    }

    /// Every violation of `schema` by `value`, as "path: problem".
    func violations(_ value: JSON, _ schema: JSON, path: String = "$", schemaName: String? = nil) -> [String] {
        let (schema, name) = resolve(schema, name: schemaName)
        if schema == .null { return ["\(path): unresolvable schema"] }
        if value == .null {
            return schema["nullable"]?.bool == true ? [] : ["\(path): null where the schema is not nullable"]
        }
        var problems: [String] = []
        if let type = schema["type"]?.string {
            switch (type, value) {
            case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array), ("number", .number): break
            case ("integer", .number):
                if !value.isIntegerLiteral {
                    problems.append("\(path): \(value) is not an integer")
                } else if let format = schema["format"]?.string {
                    guard case .number(let text) = value else { break }
                    if format == "int32", Int32(text) == nil { problems.append("\(path): \(text) exceeds int32") }
                    if format == "int64", Int64(text) == nil { problems.append("\(path): \(text) exceeds int64") }
                }
            default: problems.append("\(path): expected \(type), got \(value)")
            }
        }
        if let allowed = schema["enum"]?.array, !allowed.contains(value) {
            problems.append("\(path): \(value) is not one of the enum values")
        }
        if case .object = value {
            for required in schema["required"]?.array?.compactMap(\.string) ?? [] where value[required] == nil {
                problems.append("\(path): missing required \(required)")
            }
            if case .object(let properties) = schema["properties"] ?? .null {
                for property in properties {
                    guard let child = value[property.key] else { continue }
                    let qualified = "\(name ?? "?").\(property.key)"
                    let (propertySchema, _) = resolve(property.value)
                    if propertySchema["writeOnly"]?.bool == true, !deviations.writeOnlyReturned.contains(qualified) {
                        problems.append("\(path).\(property.key): writeOnly property returned")
                    }
                    if deviations.scalarItems.contains(qualified) {
                        let scalars = child.array?.allSatisfy { if case .string = $0 { true } else if case .number = $0 { true } else { false } }
                        if scalars != true { problems.append("\(path).\(property.key): expected an array of strings/numbers") }
                        continue
                    }
                    problems += violations(child, property.value, path: "\(path).\(property.key)")
                }
            }
        }
        if case .array(let items) = value, let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                problems += violations(item, itemSchema, path: "\(path)[\(index)]")
            }
        }
        return problems
    }
}

extension JSON {
    /// Every key path, with `[]` for array elements: `results[].links[].href`.
    func keyPaths(_ prefix: String = "") -> Set<String> {
        switch self {
        case .object(let members):
            var paths = Set<String>()
            for member in members {
                let path = prefix.isEmpty ? member.key : prefix + "." + member.key
                paths.insert(path)
                paths.formUnion(member.value.keyPaths(path))
            }
            return paths
        case .array(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion($1.keyPaths(prefix + "[]")) }
        default:
            return []
        }
    }
}
