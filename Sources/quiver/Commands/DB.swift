import ArgumentParser
import Foundation
import QuiverPostgres
import QuiverStore

struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Start, stop or inspect the embedded PostgreSQL cluster.",
        discussion: """
            The embedded cluster lives in --data-dir (default ./quiver-data), listens on a unix socket only, and is started by any quiver command that needs it. It keeps running until `quiver db stop`.

            Examples:
              quiver db start
              quiver db status --json
              quiver db stop --data-dir /var/lib/quiver
            """,
        subcommands: [Start.self, Stop.self, Status.self])

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (first time) and start the cluster; apply migrations.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        func run() throws {
            let st = try store.open()
            if output.json { try printJSON(["status": "running", "conninfo": st.conninfo]) } else { print("running: \(st.conninfo)") }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster (no error if it is not running).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        func run() throws {
            do { try EmbeddedCluster(dataDirectory: store.location.dataDirectory).stop() } catch let e as PGError {
                throw StoreError.database(e)
            }
            if output.json { try printJSON(["status": "stopped"]) } else { print("stopped") }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the cluster runs, and where.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        func run() throws {
            let cluster = EmbeddedCluster(dataDirectory: store.location.dataDirectory)
            var fields: [String: String] = ["data_dir": store.location.dataDirectory]
            switch cluster.status() {
            case .notInitialized: fields["status"] = "not initialized"
            case .stopped: fields["status"] = "stopped"
            case .running(let pid, let socketDirectory):
                fields["status"] = "running"
                fields["pid"] = String(pid)
                fields["socket_dir"] = socketDirectory
            }
            if output.json { try printJSON(fields); return }
            print(fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))
        }
    }
}
