import Foundation
import QuiverStore
import Testing

/// The binary carries migrations/*.sql embedded (scripts/embed-migrations.sh): the two copies
/// must never drift apart.
@Suite("Embedded migrations")
struct EmbeddedMigrationsTests {
    @Test("Every migrations/NNNN_*.sql file is embedded, in order, with the same text")
    func embeddedMatchesFiles() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = repo.appendingPathComponent("migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(!files.isEmpty)
        #expect(Migrator.embedded.map(\.name) == files.map { String($0.dropLast(4)) },
                "run scripts/embed-migrations.sh (make migrations) after changing migrations/")
        for (file, migration) in zip(files, Migrator.embedded) {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            // The embedding string literal ends before the file's final line break.
            #expect(migration.sql + "\n" == text,
                    "\(file) differs from its embedded copy; run scripts/embed-migrations.sh")
            #expect(migration.version == Int(file.prefix(4)))
        }
    }
}
