#pragma once
// A -- dbinit:no-transaction migration, as the run applies it: its messages
// (migrate/messages.hpp, in their order) one at a time through the database
// seam, each answer deciding the next. The session lock first (busy: the
// run polls), then the check that no other replica recorded the version,
// the dirty mark, each statement alone, and the mark applied. A statement
// that gives way to the app's table locks is tried again with backoff on
// the seam's clock, within the lock timeout; the statements before a
// failing one completed and stay, and the version stays dirty.
#include "migrate/apply.hpp"

namespace dbinit {

BatchOutcome apply_without_transaction(MigrationDatabase& database, const PlanStep& step, bool table_exists,
                                       const ApplyRequest& request);

}  // namespace dbinit
