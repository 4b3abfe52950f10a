/// Decides which columns fit a terminal width, and how wide each one is.
///
/// Columns drop by priority rather than being squeezed to nothing (bottom's approach),
/// and flexible columns such as subjects are cut with an ellipsis first, so on a narrow
/// terminal the user still sees whole, readable values in the columns that matter.
public enum ColumnLayout {
    /// What the layout needs to know about one column.
    public struct Spec: Sendable, Hashable {
        public var natural: Int
        public var minWidth: Int
        public var priority: Int
        public var essential: Bool
        public var flexible: Bool

        public init(natural: Int, minWidth: Int, priority: Int, essential: Bool, flexible: Bool) {
            self.natural = natural
            self.minWidth = minWidth
            self.priority = priority
            self.essential = essential
            self.flexible = flexible
        }
    }

    /// A column placed on screen.
    public struct Placement: Sendable, Hashable {
        /// Index of the column in the input.
        public var index: Int
        public var x: Int
        public var width: Int
    }

    /// Lays out `specs` in `available` columns with `gap` spaces between columns.
    ///
    /// Drops the least important non-essential columns (highest `priority`, then the
    /// rightmost) until the rest fit with flexible columns at their minimum, then widens
    /// the flexible columns again, left to right, up to their natural width. If even the
    /// essential columns do not fit, they are kept and the canvas clips the last one.
    public static func fit(_ specs: [Spec], available: Int, gap: Int = 2) -> [Placement] {
        guard !specs.isEmpty, available > 0 else { return [] }
        let dropOrder = specs.indices
            .filter { !specs[$0].essential }
            .sorted { specs[$0].priority != specs[$1].priority ? specs[$0].priority > specs[$1].priority : $0 > $1 }

        var kept = Array(specs.indices)
        var dropped = 0
        func need(_ indices: [Int]) -> Int {
            indices.reduce(0) { $0 + floor(specs[$1]) } + gap * max(0, indices.count - 1)
        }
        while need(kept) > available && dropped < dropOrder.count {
            let victim = dropOrder[dropped]
            kept.removeAll { $0 == victim }
            dropped += 1
        }

        var widths = kept.map { floor(specs[$0]) }
        var leftover = available - need(kept)
        var grew = true
        while leftover > 0 && grew {
            grew = false
            for (slot, index) in kept.enumerated() where leftover > 0 && widths[slot] < specs[index].natural {
                widths[slot] += 1
                leftover -= 1
                grew = true
            }
        }

        var placements: [Placement] = []
        var x = 0
        for (slot, index) in kept.enumerated() {
            placements.append(Placement(index: index, x: x, width: widths[slot]))
            x += widths[slot] + gap
        }
        return placements
    }

    private static func floor(_ spec: Spec) -> Int {
        spec.flexible ? min(spec.minWidth, spec.natural) : spec.natural
    }
}
