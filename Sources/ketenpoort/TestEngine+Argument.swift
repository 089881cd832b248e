import ArgumentParser
import KetenpoortTesting

/// A store engine named on the command line (`--store postgres`).
extension TestEngine: ExpressibleByArgument {}
