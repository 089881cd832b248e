/// A few XML item programs by the set of fields present, kept by one writer: looked up in a short
/// list, without hashing or locking.
struct XMLItemPrograms {
    private var present: [UInt64] = []
    private var programs: [XMLItemProgram] = []
    /// Where the last lookup found its program: records in a row often share their fields.
    private var last = 0
    let limit: Int

    init(limit: Int = 64) { self.limit = limit }

    mutating func program(for fields: UInt64) -> XMLItemProgram? {
        if last < present.count && present[last] == fields { return programs[last] }
        guard let index = present.firstIndex(of: fields) else { return nil }
        last = index
        return programs[index]
    }

    /// Keeps `program` (while there is room) and returns it.
    mutating func keep(_ program: XMLItemProgram?, for fields: UInt64) -> XMLItemProgram? {
        guard let program, present.count < limit else { return program }
        last = present.count
        present.append(fields)
        programs.append(program)
        return program
    }
}
