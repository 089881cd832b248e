import ArgumentParser
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import Logging
import Store
import StoreSQLite

/// The gateway's command line.
@main
struct Ketenpoort: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ketenpoort",
        abstract: "The data-exchange gateway of the Dutch civic-integration chain.",
        subcommands: [
            ValidateCommand.self, TranslateCommand.self, RunCommand.self, SyncCommand.self, DeliverCommand.self, OutboxCommand.self, DemoCommand.self,
            VerifyCommand.self, PKICommand.self, ReceiveCommand.self, BenchCommand.self, BenchSyncCommand.self, IncidentsCommand.self,
            AuditCommand.self, IngestCommand.self, BenchDuoCommand.self, BenchAPICommand.self, BenchBaselineServerCommand.self, InzageCommand.self,
            ReportCommand.self,
            BenchCbsCommand.self, RetentionCommand.self, StoreCommand.self, MaintenanceCommand.self,
        ]
    )

    /// Exit codes: 0 success, 1 input rejected, 2 wrong usage, 3 the gateway cannot run (configuration, I/O).
    static func main() async {
        // Large blocks (batch payloads, file chunks) from mmap, returned to the system when freed:
        // glibc's default raises this threshold after the first free, and then every thread's
        // arena keeps the peak of the biggest night's batches.
        MemoryTuning.returnLargeBlocks(above: 256 << 10)
        let sqliteConfigured = SQLiteStore.configureProcess()
        LoggingSystem.bootstrap { label in
            StandardErrorLogHandler(
                label: label,
                logLevel: ProcessInfo.processInfo.environment["KETENPOORT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning)
        }
        let logger = Logger(label: "ketenpoort")
        if sqliteConfigured {
            logger.debug("SQLite: memory statistics off (no process-wide lock on its allocations)")
        } else {
            logger.warning("SQLite was in use before its settings could be made: every allocation takes a process-wide lock")
        }
        do {
            try BatchPolicy.checkEnvironment()
            // The relay for batch threads' wake-ups, started from this thread of normal policy.
            NormalPolicyRelay.prepare()
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as KetenpoortError {
            FileHandle.standardError.write(Data("ketenpoort: \(error.reason)\n".utf8))
            Foundation.exit(3)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as ValidationError {
            // Found while running (a file that cannot be read, a value that does not parse): the
            // message says what to mend; the generic usage line would not.
            FileHandle.standardError.write(Data("ketenpoort: \(error.message)\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// Options shared by commands that read the gateway's contracts and adapters.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: "Directory holding contracts/ and adapters/ (default: $KETENPOORT_HOME or the current directory).")
    var home: String?

    var root: URL { home.map { URL(fileURLWithPath: $0) } ?? Gateway.Workspace.defaultRoot }

    /// The clock rules such as not-in-the-future use: `$KETENPOORT_NOW` (ISO 8601, for replays and
    /// tests) or the system clock.
    var clock: any WallClock {
        get throws {
            guard let text = ProcessInfo.processInfo.environment["KETENPOORT_NOW"], !text.isEmpty else { return SystemWallClock() }
            guard let instant = TimestampParser.parse(text) else {
                throw ValidationError("KETENPOORT_NOW is not an ISO 8601 timestamp with a zone")
            }
            return FixedWallClock(instant)
        }
    }
}
