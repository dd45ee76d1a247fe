#if canImport(Glibc)
import Glibc
#endif
import QuiverGraph

/// Asks the kernel to back the snapshot's adjacency arrays with 2 MiB pages (Linux
/// `MADV_COLLAPSE`, done now, in place; the data does not change). A search reads these arrays
/// at random: with 4 KiB pages nearly every read of a large graph also misses the TLB and walks
/// the page table. A hint only: where the kernel declines, nothing changes.
enum HugePages {
    static func advise(_ snapshot: CSRSnapshot) {
        #if os(Linux)
        snapshot.outOffsets.withUnsafeBytes { collapse($0) }
        snapshot.outTargets.withUnsafeBytes { collapse($0) }
        snapshot.outRelations.withUnsafeBytes { collapse($0) }
        snapshot.inOffsets.withUnsafeBytes { collapse($0) }
        snapshot.inSources.withUnsafeBytes { collapse($0) }
        snapshot.inRelations.withUnsafeBytes { collapse($0) }
        snapshot.nodeTermIDs.withUnsafeBytes { collapse($0) }
        #endif
    }

    /// The 2 MiB-aligned blocks inside `bytes`.
    static func collapse(_ bytes: UnsafeRawBufferPointer) {
        #if os(Linux)
        guard let base = bytes.baseAddress else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + bytes.count) & ~(huge - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, 25 /* MADV_COLLAPSE */)
        #endif
    }
}
