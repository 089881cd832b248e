import ServiceLifecycle

extension Service {
    /// Does `work` now, then every `interval` until a graceful shutdown, and once more as the
    /// service stops: the loop of the gateway's housekeeping services.
    func repeatEvery(_ interval: Duration, _ work: () async -> Void) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await work()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        await work()
    }
}
