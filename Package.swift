// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "envdrift",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "envdrift", targets: ["envdrift"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // libpq itself, found through pkg-config (Debian: apt-get install libpq-dev pkg-config).
    .systemLibrary(
      name: "CLibPQ",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
    ),
    // glibc's allocator options, for the command line's memory use.
    .systemLibrary(name: "CMalloc"),
    // The only module that touches C pointers: a small, safe client over libpq.
    .target(
      name: "PostgresClient",
      dependencies: ["CLibPQ"],
      swiftSettings: swiftSettings
    ),
    // Plain values shared by every stage: snapshots, findings, environments. No I/O.
    .target(
      name: "DriftModel",
      swiftSettings: swiftSettings
    ),
    // The snapshot file format: each model type's fields declared once, the writer and the
    // streaming reader derived from them.
    .target(
      name: "SnapshotFormat",
      dependencies: ["DriftModel"],
      swiftSettings: swiftSettings
    ),
    // Files a user names (snapshots, configurations, templates, migration code), opened so that
    // none can hang or mislead a read.
    .target(
      name: "UserFiles",
      swiftSettings: swiftSettings
    ),
    // Stage 1: read catalogs and migration tables into a Snapshot; read and write snapshot files.
    .target(
      name: "DriftCollect",
      dependencies: ["DriftModel", "PostgresClient", "SnapshotFormat", "UserFiles"],
      swiftSettings: swiftSettings
    ),
    // Django migration code: read from a directory or git ref, planned, checked before it runs
    // and compared with each environment's history and schema. It cannot import libpq.
    .target(
      name: "DriftCode",
      dependencies: ["DriftModel", "UserFiles"],
      swiftSettings: swiftSettings
    ),
    // Stage 2: the pure N-way comparison engine. It cannot import libpq.
    .target(
      name: "DriftCompare",
      dependencies: ["DriftModel", "DriftCode"],
      swiftSettings: swiftSettings
    ),
    // Stage 3: Markdown, GitHub comment and JSON reports from templates.
    .target(
      name: "DriftReport",
      dependencies: [
        "DriftModel",
        .product(name: "Mustache", package: "swift-mustache"),
      ],
      swiftSettings: swiftSettings
    ),
    // The pipeline the command line drives: sources, configuration, collect → compare → render.
    .target(
      name: "DriftRunner",
      dependencies: [
        "DriftModel", "DriftCollect", "DriftCode", "DriftCompare", "DriftReport", "PostgresClient",
        "UserFiles", "CMalloc",
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: swiftSettings
    ),
    // The command line: parsing, help and exit codes; nothing else.
    .executableTarget(
      name: "envdrift",
      dependencies: [
        "DriftRunner", "DriftModel", "DriftReport", "PostgresClient", "CMalloc",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "TestSupport",
      dependencies: ["PostgresClient"],
      path: "Tests/TestSupport",
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "PostgresClientTests",
      dependencies: ["PostgresClient", "TestSupport"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "DriftCollectTests",
      dependencies: [
        "DriftCollect", "DriftCode", "DriftCompare", "DriftModel", "PostgresClient", "TestSupport",
      ],
      swiftSettings: swiftSettings
    ),
    // migra's schema-diff fixtures, run as a peer suite against the real PostgreSQL.
    .testTarget(
      name: "PeerSuiteTests",
      dependencies: [
        "DriftCollect", "DriftCompare", "DriftModel", "PostgresClient", "TestSupport",
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "DriftCodeTests",
      dependencies: ["DriftCode", "DriftModel", "TestSupport"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "DriftCompareTests",
      dependencies: ["DriftCompare", "DriftCode", "DriftModel"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "DriftReportTests",
      dependencies: ["DriftReport", "DriftModel", "DriftCompare", "DriftCollect", "TestSupport"],
      exclude: ["Golden"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "DriftRunnerTests",
      dependencies: [
        "DriftRunner", "DriftCollect", "DriftCode", "DriftCompare", "DriftModel", "DriftReport",
        "PostgresClient", "TestSupport",
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["TestSupport"],
      swiftSettings: swiftSettings
    ),
  ]
)
