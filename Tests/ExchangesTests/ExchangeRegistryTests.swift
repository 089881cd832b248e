import Exchanges
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import Gateway

/// The exchange registry as the scheduler and the inbox read it.
@Suite("Exchange registry")
struct ExchangeRegistryTests {
    static func schedule(_ job: String, source: URL? = nil) -> GatewayConfiguration.Schedule {
        GatewayConfiguration.Schedule(name: "nightly", cron: "0 2 * * *", job: job, source: source)
    }

    @Test("every exchange is registered once: one per job, one per contract it takes files of")
    func registeredOnce() async throws {
        let fixture = try await SyncFixture()
        defer { fixture.directory.remove() }
        let exchanges = fixture.runtime.exchanges
        let jobs = exchanges.compactMap(\.job)
        let contracts = exchanges.compactMap(\.inboundContract)
        #expect(Set(jobs).count == jobs.count && Set(contracts).count == contracts.count)
        #expect(Set(jobs) == ["coa-gemeenten", "duo-ingest", "cbs-levering"])
        #expect(Set(contracts) == ["coa-tvs-export", "duo-status-extract", "toestemming", "argonaut-advies"])
    }

    @Test("a schedule with an unknown job, or a drop-folder job without its folder, is refused naming the schedule")
    func refusedSchedules() async throws {
        let fixture = try await SyncFixture()
        defer { fixture.directory.remove() }
        let log = CapturedLog()
        for schedule in [Self.schedule("no-such-job"), Self.schedule("coa-gemeenten")] {
            let error = #expect(throws: KetenpoortError.self) { try fixture.runtime.schedulerEntry(for: schedule, logger: log.logger("test")) }
            #expect(error?.code == .configurationInvalid)
            #expect(error?.reason.contains("schedule nightly: unknown job '\(schedule.job)' or no source folder") == true)
        }
        let entry = try fixture.runtime.schedulerEntry(
            for: Self.schedule("coa-gemeenten", source: fixture.directory.file("drop")), logger: log.logger("test"))
        #expect(entry.name == "nightly")
    }

    @Test("a CBS schedule without its delivery key is logged and scheduled, so the other schedules still run")
    func cbsWithoutKey() async throws {
        let fixture = try await SyncFixture()
        defer { fixture.directory.remove() }
        let log = CapturedLog()
        let entry = try fixture.runtime.schedulerEntry(for: Self.schedule("cbs-levering"), logger: log.logger("test"))
        #expect(entry.name == "nightly")
        #expect(log.all.count == 1 && log.all[0].hasPrefix("error test: schedule cannot run until this is mended"))
    }
}
