#include "migrate/batch.hpp"

namespace dbinit {

bool runs_without_transaction(const PlanStep& step) {
  return step.direction == Direction::up && step.migration->up.no_transaction;
}

bool all_or_nothing(BatchKind kind) { return kind == BatchKind::one_transaction || kind == BatchKind::baseline; }

Batch next_batch(const MigrationPlan& plan, std::size_t from, const History& history,
                 std::optional<long long> baseline_through) {
  Batch batch;
  if (from == 0 && baseline_through && history.rows.empty()) {
    batch.kind = BatchKind::baseline;
    for (const auto& step : plan.steps)
      if (step.direction == Direction::up && step.migration->version <= *baseline_through) batch.steps.push_back(step);
    if (!batch.steps.empty()) return batch;
  }
  if (runs_without_transaction(plan.steps[from])) {
    batch.kind = BatchKind::no_transaction;
    batch.steps.push_back(plan.steps[from]);
    return batch;
  }
  const bool adopting = from == 0 && !history.table_exists && history.alembic_revision;
  batch.kind = adopting ? BatchKind::one_transaction : BatchKind::own_transactions;
  for (auto i = from; i < plan.steps.size() && !runs_without_transaction(plan.steps[i]); ++i)
    batch.steps.push_back(plan.steps[i]);
  return batch;
}

}  // namespace dbinit
