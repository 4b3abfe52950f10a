// The libFuzzer entry point. Built with `-parse-as-library` (Fuzz/run.sh), so this file
// has no top-level code: libFuzzer supplies `main` and calls `LLVMFuzzerTestOneInput`
// once per input.

/// Feeds one input to the target named by `ATLAS_FUZZ_TARGET` (see `FuzzTarget`).
/// A broken invariant traps (`Invariant.require`), which libFuzzer reports as a crash
/// and saves the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func atlasFuzzTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    FuzzTarget.selected.run(bytes)
    return 0
}
