#ifndef KETENPOORT_CSQLITESETTINGS_H
#define KETENPOORT_CSQLITESETTINGS_H

/// Process-wide SQLite settings, which must be made before SQLite is first used (sqlite3_config is
/// variadic, so Swift cannot call it). Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was in use
/// already (the settings then stay as they were).
int ketenpoort_sqlite_configure(void);

#endif
