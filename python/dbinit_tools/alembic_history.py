"""An Alembic history in the order `alembic upgrade heads` applies it to an
empty database, and what alembic_version holds after each revision.

The order is Alembic's own: ScriptDirectory.iterate_revisions("heads",
base), reversed, which is what `alembic upgrade` walks (branches, merges,
merges of merges, depends_on, redundant parent edges and revision ids of any
form are its business). A merge revision is a revision like any other."""
from dataclasses import dataclass
from typing import FrozenSet, List, Tuple


@dataclass(frozen=True)
class Step:
    script: object                # alembic.script.Script
    parents: Tuple[str, ...]      # its down revisions as written (a merge has several)
    heads_before: FrozenSet[str]  # alembic_version before it, on the way up from empty
    heads_after: FrozenSet[str]   # ... and after it

    @property
    def revision(self) -> str:
        return self.script.revision

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def upgrade_order(script_directory) -> List[Step]:
    """Every revision, oldest first, as `alembic upgrade heads` runs them."""
    scripts = list(reversed(list(script_directory.iterate_revisions("heads", None, implicit_base=True))))
    # revision -> every revision below it through down revisions: a
    # depends_on orders but does not merge, so both stay in alembic_version.
    ancestors = {}
    steps, applied = [], []
    for script in scripts:
        below = set()
        for parent in script._versioned_down_revisions:
            below |= {parent} | ancestors.get(parent, set())
        ancestors[script.revision] = below
        before = heads_of(applied, ancestors)
        applied.append(script.revision)
        steps.append(Step(script, tuple(script._versioned_down_revisions), before, heads_of(applied, ancestors)))
    return steps


def heads_of(applied: List[str], ancestors) -> FrozenSet[str]:
    """What alembic_version holds once `applied` are: those not below another."""
    below = set().union(*(ancestors[r] for r in applied)) if applied else set()
    return frozenset(r for r in applied if r not in below)
