/// How long a test waits for an answer of a server it runs in its own process. Generous: those
/// servers answer on the process's cooperative threads, which other tests' blocking set-up (a
/// PostgreSQL database created and migrated, a child process waited for) can hold for a while on
/// a slow or busy machine. A test orders events; it never fails on how long an answer took.
public enum TestTimeout {
    public static let answer: Duration = .seconds(300)
}
