// swift-tools-version:6.0
import PackageDescription

// One module per capability; a module depends only on the ones listed before it.
let package = Package(
    name: "Quiver",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "quiver", targets: ["quiver"]),
        .library(name: "QuiverStore", targets: ["QuiverStore"]),
        .library(name: "QuiverSnapshot", targets: ["QuiverSnapshot"]),
        .library(name: "QuiverPaths", targets: ["QuiverPaths"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries from Debian: libpq-dev and zlib1g-dev.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The data model: terms, triples, provenance, splits, term ids.
        .target(name: "QuiverCore"),
        // Parsers: N-Triples, Turtle, TSV/CSV, JSON Lines, 2WikiMultiHopQA; byte sources (files, gzip, stdin).
        .target(name: "QuiverParsers", dependencies: ["QuiverCore", "CZlib"]),
        // A small Swift layer over libpq, and the embedded PostgreSQL cluster.
        .target(name: "QuiverPostgres", dependencies: ["CLibPQ"]),
        // The triple store: migrations, graphs, the term dictionary, bulk loads, export, ontology.
        .target(name: "QuiverStore", dependencies: ["QuiverCore", "QuiverParsers", "QuiverPostgres"]),
        // The in-memory CSR snapshot of a graph, built from the store and kept in step with writes.
        .target(name: "QuiverSnapshot", dependencies: ["QuiverCore", "QuiverStore", "QuiverPostgres"]),
        // Multi-hop search over a snapshot: shortest/k-shortest/simple paths, regular path expressions,
        // reachability, composition (hop) queries and path counting.
        .target(name: "QuiverPaths", dependencies: ["QuiverCore", "QuiverSnapshot"]),

        .executableTarget(
            name: "quiver",
            dependencies: [
                "QuiverCore", "QuiverParsers", "QuiverPostgres", "QuiverStore", "QuiverSnapshot", "QuiverPaths",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "QuiverCoreTests", dependencies: ["QuiverCore"]),
        .testTarget(name: "QuiverParsersTests", dependencies: ["QuiverParsers", "QuiverCore"]),
        .testTarget(name: "QuiverPostgresTests", dependencies: ["QuiverPostgres"]),
        .testTarget(name: "QuiverPathsTests", dependencies: ["QuiverPaths", "QuiverSnapshot", "QuiverCore"]),
        .testTarget(name: "QuiverStoreTests", dependencies: ["QuiverStore", "QuiverSnapshot", "QuiverParsers", "QuiverPostgres", "QuiverCore"]),
    ],
    swiftLanguageModes: [.v6]
)
