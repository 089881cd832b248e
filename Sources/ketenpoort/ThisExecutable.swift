import Foundation

/// This binary, for commands that start another `ketenpoort` process (benchmarks: the measured
/// run, the receiver, the gateway under load).
enum ThisExecutable {
    static var url: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }
}
