import CSQLiteSettings
import GRDBSQLite
import Store

/// SQLite's process-wide settings (see `ketenpoort_sqlite_configure`), made once, before the first
/// connection of the process opens: every store opens through `SQLiteStore`, which applies them.
enum SQLiteSettings {
    /// True when the settings hold: made here, before SQLite was first used, and seen to work — an
    /// allocation leaves SQLite's memory statistics at zero.
    static let applied: Bool = {
        guard ketenpoort_sqlite_configure() == SQLITE_OK else { return false }
        let probe = sqlite3_malloc(64)
        defer { sqlite3_free(probe) }
        var current: sqlite3_int64 = 0
        var highwater: sqlite3_int64 = 0
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highwater, 0)
        return probe != nil && current == 0
    }()
}
