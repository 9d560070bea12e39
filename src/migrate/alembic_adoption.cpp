#include "migrate/alembic_adoption.hpp"

#include <algorithm>

namespace dbinit {

namespace {

std::vector<std::string> revisions_of(std::string_view alembic_revision) {
  std::vector<std::string> revisions;
  if (alembic_revision == "(empty)") return revisions;
  for (std::size_t start = 0; start <= alembic_revision.size();) {
    const auto comma = std::min(alembic_revision.find(',', start), alembic_revision.size());
    if (comma > start) revisions.emplace_back(alembic_revision.substr(start, comma - start));
    start = comma + 1;
  }
  std::sort(revisions.begin(), revisions.end());
  return revisions;
}

std::string joined(const std::vector<std::string>& revisions) {
  std::string text;
  for (const auto& revision : revisions) text += (text.empty() ? "" : " ") + revision;
  return text;
}

}  // namespace

std::optional<AlembicAdoption> alembic_adoption(const std::vector<Migration>& migrations,
                                                std::string_view alembic_revision) {
  if (std::none_of(migrations.begin(), migrations.end(), [](const Migration& m) { return m.alembic.has_value(); }))
    return std::nullopt;
  const auto current = revisions_of(alembic_revision);
  if (current.empty()) return AlembicAdoption{};
  // The last match: an empty merge leaves alembic_version as its parents'
  // migration did only when it names the same heads, and then either is right.
  const auto at = std::find_if(migrations.rbegin(), migrations.rend(), [&](const Migration& m) {
    return m.alembic && m.alembic->heads_after == current;
  });
  if (at == migrations.rend())
    return AlembicAdoption{.baseline = std::nullopt,
                           .refusal = "alembic_version holds " + joined(current) +
                                      ", which no migration of the set names in its header (" +
                                      std::string(alembic_heads_marker) +
                                      "): upgrade the database with Alembic to a state one of them names, then "
                                      "start dbinit; nothing was changed",
                           .refusal_code = ExitCode::migration_drift};
  for (auto pending = at.base(); pending != migrations.end(); ++pending)
    if (pending->alembic && pending->alembic->reads_rows)
      return AlembicAdoption{
          .baseline = std::nullopt,
          .refusal = "not adopting: pending " + pending->up.file_name +
                     " was captured by running an Alembic upgrade that reads rows on an empty database, so what "
                     "it does to this database's rows is not in the file: run `alembic upgrade` past it first, "
                     "then start dbinit; nothing was changed",
          .refusal_code = ExitCode::migration_failed};
  return AlembicAdoption{.baseline = at->version, .refusal = std::nullopt, .refusal_code = ExitCode::ok};
}

}  // namespace dbinit
