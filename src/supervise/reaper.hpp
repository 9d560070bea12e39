#pragma once
// Collecting exited children. As PID 1 (or a child subreaper) every orphan in
// the tree becomes the supervisor's child, so it must wait for all of them,
// not only COMMAND, or their zombies pile up in the process table.
#include <sys/types.h>

#include <optional>

namespace dbinit {

// Reaps every child that has exited, without blocking. Returns the wait status
// of `watched` when it was among them.
std::optional<int> reap_exited_children(pid_t watched);

// True while any child is left, running or not yet reaped. A descendant
// always has a living chain of parents up to a child of ours, or has been
// handed to us as an orphan, so "no child" means "no descendant" too.
bool has_children();

}  // namespace dbinit
