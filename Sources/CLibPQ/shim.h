#ifndef KETENPOORT_CLIBPQ_SHIM_H
#define KETENPOORT_CLIBPQ_SHIM_H

// libpq, PostgreSQL's own client library (Debian libpq-dev): the PostgreSQL engine calls it on
// threads it owns, as the delivery worker calls libcurl.
#include <libpq-fe.h>

#endif
