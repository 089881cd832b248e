import ArgumentParser
import KetenpoortCore

/// A batch id given on the command line, as its text.
extension BatchID: ExpressibleByArgument {
    public init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        self.init(argument)
    }
}
