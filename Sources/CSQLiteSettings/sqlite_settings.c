#include "CSQLiteSettings.h"

#include <sqlite3.h>

int ketenpoort_sqlite_configure(void) {
    // Without memory statistics every SQLite allocation, on every connection of the process, takes
    // one global mutex. A batch thread at nice 10 preempted while holding it held the IND's answers
    // (and the processing log's commits) for tens of milliseconds during a night.
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
