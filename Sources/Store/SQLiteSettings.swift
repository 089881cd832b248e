import CSQLiteSettings
import GRDBSQLite

/// SQLite's process-wide settings (see `ketenpoort_sqlite_configure`), made once, before the first
/// connection of the process opens: every store opens through `SQLiteStore`, which applies them.
enum SQLiteSettings {
    /// True when the settings hold: made here, before SQLite was first used.
    static let applied: Bool = ketenpoort_sqlite_configure() == SQLITE_OK
}
