"""The containment report: what the kill switch did and what it verified."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict

from watchkeeper.supervise import Backend, PersistenceFinding

__all__ = ["ContainmentReport"]


class ContainmentReport(BaseModel):
    """One `watchkeeper kill`: targets, actions, and the checks that prove containment.

    `contained` holds when no process carries a targeted marker, no listener the tree held is
    still bound, and the ledger shows no call accepted for a target since `revoked_at`.
    `time_to_containment_s` runs from the start of the kill to the check that no process is
    left; `total_s` includes the persistence sweep.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str
    reason: str
    started: AwareDatetime
    revoked_at: AwareDatetime
    deployments: list[str]
    sessions: dict[str, Backend]
    revoked: list[str]
    killed: int
    survivors: list[int]
    listeners: list[str]
    listeners_left: list[str]
    calls_after_revocation: int | None
    persistence: list[PersistenceFinding]
    time_to_containment_s: float
    total_s: float
    errors: list[str] = []

    @property
    def contained(self) -> bool:
        """Whether every check passed."""
        return not self.survivors and not self.listeners_left and self.calls_after_revocation == 0

    def lines(self) -> list[str]:
        """Return the report for people, one fact per line."""
        verdict = "CONTAINED" if self.contained else "NOT CONTAINED"
        out = [
            f"{verdict}: {self.target} in {self.time_to_containment_s * 1000:.0f} ms "
            f"(total with persistence sweep {self.total_s * 1000:.0f} ms)",
            f"  revoked: {', '.join(self.revoked) or 'nothing (already revoked)'}",
            "  sessions: "
            + (", ".join(f"{s} ({b})" for s, b in self.sessions.items()) or "none running"),
            f"  processes killed: {self.killed}; survivors: {len(self.survivors)}"
            + (f" {sorted(self.survivors)}" if self.survivors else ""),
            f"  listeners held: {len(self.listeners)}; still bound: {len(self.listeners_left)}",
            "  calls accepted since revocation: "
            + (
                "unknown (ledger unreadable)"
                if self.calls_after_revocation is None
                else str(self.calls_after_revocation)
            ),
            f"  persistence found: {len(self.persistence)}",
        ]
        out += [f"    {f.describe()}" for f in self.persistence]
        out += [f"  error: {e}" for e in self.errors]
        return out
