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

/// libFuzzer's driver (`FuzzerDriver`'s C entry point), given our callback.
@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable target with `main` defined as `<module>_main` (so tests can
/// link it), which hides libFuzzer's own `main`; this one hands over to libFuzzer's driver.
@_cdecl("AtlasFuzz_main")
public func atlasFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return llvmFuzzerRunDriver(&count, &arguments, { atlasFuzzTestOneInput($0, $1) })
}
