// swift-tools-version:6.0
import PackageDescription

// One module per capability; a module depends only on the ones listed before it.
let package = Package(
    name: "Quiver",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "quiver", targets: ["quiver"]),
        .library(name: "QuiverStore", targets: ["QuiverStore"]),
        .library(name: "QuiverGraph", targets: ["QuiverGraph"]),
        .library(name: "QuiverSnapshot", targets: ["QuiverSnapshot"]),
        .library(name: "QuiverPaths", targets: ["QuiverPaths"]),
        .library(name: "QuiverProtocol", targets: ["QuiverProtocol"]),
        .library(name: "QuiverServer", targets: ["QuiverServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries from Debian: libpq-dev and zlib1g-dev.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Cache prefetch hints (a header of static inline functions; nothing to link).
        .systemLibrary(name: "CPrefetch"),

        // The data model: terms, triples, provenance, splits, term ids.
        .target(name: "QuiverCore"),
        // Parsers: N-Triples, Turtle, TSV/CSV, JSON Lines, 2WikiMultiHopQA; byte sources (files, gzip, stdin).
        .target(name: "QuiverParsers", dependencies: ["QuiverCore", "CZlib"]),
        // A small Swift layer over libpq, and the embedded PostgreSQL cluster.
        .target(name: "QuiverPostgres", dependencies: ["CLibPQ"]),
        // The triple store: migrations, graphs, the term dictionary, bulk loads, export, ontology.
        .target(name: "QuiverStore", dependencies: ["QuiverCore", "QuiverParsers", "QuiverPostgres"]),
        // The graph in memory, with no I/O: the immutable CSR snapshot, its builder, id maps, stats.
        // The compute modules below depend on it alone, so none of them links libpq.
        .target(name: "QuiverGraph", dependencies: ["QuiverCore", "CPrefetch"]),
        // The snapshot from the store: the loader that builds a QuiverGraph from PostgreSQL and the
        // cache kept in step with writes.
        .target(name: "QuiverSnapshot", dependencies: ["QuiverCore", "QuiverGraph", "QuiverStore", "QuiverPostgres"]),
        // Multi-hop search over a snapshot: shortest/k-shortest/simple paths, regular path expressions,
        // reachability, composition (hop) queries and path counting.
        .target(name: "QuiverPaths", dependencies: ["QuiverCore", "QuiverGraph", "CPrefetch"]),
        // Scoring kernels over a snapshot: relational SpMM (+ backward), personalized PageRank,
        // KGE score functions, dense layers. SIMD over the feature width, threaded over rows.
        .target(name: "QuiverKernels", dependencies: ["QuiverCore", "QuiverGraph"]),
        // Trained reasoners on the kernels: DistMult, ComplEx, RotatE and an NBFNet-style path GNN,
        // the training loop, filtered evaluation and the stored-model format.
        .target(name: "QuiverModels", dependencies: ["QuiverCore", "QuiverGraph", "QuiverKernels"]),
        // Grokking-style datasets from a graph: phi analysis, Wang et al.'s composition/comparison
        // tasks, synthetic augmentation to a target phi, ontology chain rules.
        .target(name: "QuiverAugment", dependencies: ["QuiverCore", "QuiverGraph"]),
        // What the CLI and the daemon both answer: the request types they fill in (PPR, augment,
        // models), the answer budgets, and the JSON shapes of `--json` / `FORMAT JSON`.
        .target(name: "QuiverService", dependencies: [
            "QuiverCore", "QuiverParsers", "QuiverStore", "QuiverGraph", "QuiverSnapshot", "QuiverPaths", "QuiverKernels", "QuiverModels", "QuiverAugment",
            "QuiverSPARQLSyntax", "QuiverSPARQLEval", "QuiverSPARQLResults",
        ]),
        // SPARQL 1.1 Query text to a syntax tree and the specification's algebra (its §18): no graph, no I/O.
        .target(name: "QuiverSPARQLSyntax", dependencies: ["QuiverCore", "QuiverParsers"]),
        // The SPARQL 1.1 Query Results formats (JSON, XML, CSV, TSV), written and read: no graph, no I/O.
        .target(name: "QuiverSPARQLResults", dependencies: ["QuiverCore"]),
        // SPARQL evaluation: the values and functions of expressions (XSD numerics, strings, dates,
        // hashes, comparison and ordering), and (to come) the algebra evaluated over a graph version.
        .target(name: "QuiverSPARQLEval", dependencies: ["QuiverCore", "QuiverGraph", "QuiverParsers", "QuiverSPARQLSyntax"]),
        // The wire protocol (RESP2/RESP3 and inline commands) as pure value types: no I/O.
        .target(name: "QuiverProtocol"),
        // The SPARQL 1.1 Protocol and Graph Store HTTP Protocol over an HTTP request's parts: operations,
        // content negotiation, the service description, Basic auth, CORS. No I/O, no SwiftNIO.
        .target(name: "QuiverSPARQLProtocol", dependencies: ["QuiverCore"]),
        // The daemon: SwiftNIO server, command dispatch, jobs.
        .target(
            name: "QuiverServer",
            dependencies: [
                "QuiverCore", "QuiverParsers", "QuiverStore", "QuiverGraph", "QuiverSnapshot", "QuiverPaths", "QuiverService", "QuiverProtocol",
                "QuiverAugment", "QuiverModels", "QuiverSPARQLProtocol", "QuiverSPARQLSyntax", "QuiverSPARQLEval",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .executableTarget(
            name: "quiver",
            dependencies: [
                "QuiverCore", "QuiverParsers", "QuiverPostgres", "QuiverStore", "QuiverGraph", "QuiverSnapshot", "QuiverPaths",
                "QuiverService", "QuiverServer", "QuiverProtocol", "QuiverAugment", "QuiverKernels", "QuiverModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Kernel benchmarks (Benchmarks/kernels.sh): rspmm and a STREAM-like copy on a saved graph.
        .executableTarget(name: "quiver-bench-kernels", dependencies: ["QuiverKernels", "QuiverGraph"]),

        // What the tests share: the one embedded cluster, scratch directories, a RESP test client.
        .target(name: "QuiverTestSupport", dependencies: ["QuiverCore", "QuiverParsers", "QuiverPostgres", "QuiverStore", "QuiverProtocol"],
                path: "Tests/QuiverTestSupport"),

        .testTarget(name: "QuiverCoreTests", dependencies: ["QuiverCore"]),
        .testTarget(name: "QuiverParsersTests", dependencies: ["QuiverParsers", "QuiverCore", "QuiverTestSupport"]),
        .testTarget(name: "QuiverPostgresTests", dependencies: ["QuiverPostgres", "QuiverTestSupport"]),
        .testTarget(name: "QuiverPathsTests", dependencies: ["QuiverPaths", "QuiverGraph", "QuiverCore"]),
        .testTarget(name: "QuiverKernelsTests", dependencies: ["QuiverKernels", "QuiverGraph", "QuiverCore"]),
        .testTarget(name: "QuiverModelsTests", dependencies: ["QuiverModels", "QuiverKernels", "QuiverGraph", "QuiverCore"]),
        .testTarget(name: "QuiverProtocolTests", dependencies: ["QuiverProtocol", "QuiverCore"]),
        .testTarget(name: "QuiverAugmentTests", dependencies: ["QuiverAugment", "QuiverGraph", "QuiverCore"]),
        .testTarget(name: "QuiverSPARQLSyntaxTests", dependencies: ["QuiverSPARQLSyntax", "QuiverParsers", "QuiverCore", "QuiverTestSupport"]),
        .testTarget(name: "QuiverSPARQLEvalTests", dependencies: ["QuiverSPARQLEval", "QuiverSPARQLSyntax", "QuiverSPARQLResults", "QuiverGraph", "QuiverParsers", "QuiverCore", "QuiverTestSupport"]),
        .testTarget(name: "QuiverSPARQLResultsTests", dependencies: ["QuiverSPARQLResults", "QuiverParsers", "QuiverCore", "QuiverTestSupport"]),
        .testTarget(name: "QuiverSPARQLProtocolTests", dependencies: ["QuiverSPARQLProtocol", "QuiverParsers", "QuiverCore"]),
        .testTarget(
            name: "QuiverServerTests",
            dependencies: [
                "QuiverServer", "QuiverProtocol", "QuiverStore", "QuiverPostgres", "QuiverCore", "QuiverService", "QuiverGraph", "QuiverSnapshot",
                "QuiverTestSupport",
                "QuiverAugment", "QuiverModels", "QuiverSPARQLProtocol", "QuiverSPARQLSyntax", "QuiverSPARQLEval",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "QuiverStoreTests", dependencies: ["QuiverStore", "QuiverGraph", "QuiverSnapshot", "QuiverParsers", "QuiverPostgres", "QuiverCore", "QuiverTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
