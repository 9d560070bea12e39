#pragma once
// How a plan is cut into what is sent at once: the unit the state machine
// (migrate/apply.hpp) sends and `dbinit sql` prints. Pure.
#include <cstddef>
#include <optional>
#include <vector>

#include "migrate/history.hpp"
#include "migrate/plan.hpp"

namespace dbinit {

enum class BatchKind {
  // Transactional steps in one message, each in its own transaction: the
  // ones before a failing step stay committed.
  own_transactions,
  // The same steps in one transaction: adopting a database another tool
  // built, which a refusing migration must leave as it was.
  one_transaction,
  // One -- dbinit:no-transaction step, its statements each alone.
  no_transaction,
  // Versions recorded as applied without running their files, in one
  // transaction (--baseline: a database create_all made).
  baseline,
};

struct Batch {
  BatchKind kind = BatchKind::own_transactions;
  std::vector<PlanStep> steps;  // never empty
};

// The batch starting at plan.steps[from] (from < plan.steps.size()): a
// no-transaction step alone, otherwise every step up to the next
// no-transaction one (a single pending step is a batch of one). At the
// start of a plan for a database Alembic managed and dbinit never did, in
// one transaction. At the start of a plan for a history without rows, with
// baseline_through set: the steps up to that version, as a baseline.
Batch next_batch(const MigrationPlan& plan, std::size_t from, const History& history,
                 std::optional<long long> baseline_through = std::nullopt);

bool runs_without_transaction(const PlanStep& step);

// Whether a batch commits all of its steps or none (an adoption, a baseline).
bool all_or_nothing(BatchKind kind);

}  // namespace dbinit
