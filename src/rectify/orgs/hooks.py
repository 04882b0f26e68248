"""What a tenure still answers for, told to orgs by the contexts that know.

DOMAIN rule 10: when a principal or member leaves a post, the open tasks they lead must be handed over
first. Those tasks live in ``rectification``, which imports ``orgs`` — so ``orgs`` may not import it back.
Instead ``rectification`` registers two functions here when the app registry is ready
(``RectificationConfig.ready``), and the roster services call them:

* ``open_duties(tenure_ids)``: for each of these tenures that leads open tasks, the ids of those tasks;
* ``transfer(actor=, from_tenure=, to_tenure=, task_ids=)``: hand them (all open ones when ``task_ids``
  is None) to the successor's tenure inside the caller's transaction; returns the ids moved.

Without a provider (orgs on its own) no tenure leads anything.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rectify.orgs.models import Tenure


class OpenDuties(Protocol):
    def __call__(self, tenure_ids: Collection[int], /) -> dict[int, list[int]]: ...


class TransferDuties(Protocol):
    def __call__(self, *, actor: Any, from_tenure: Tenure, to_tenure: Tenure,
                 task_ids: Collection[int] | None = None) -> list[int]: ...


@dataclass(frozen=True)
class _Provider:
    open_duties: OpenDuties
    transfer: TransferDuties


_provider: _Provider | None = None


def register_leader_duties(*, open_duties: OpenDuties, transfer: TransferDuties) -> None:
    """Called once by the context that owns the tasks; registering again replaces the functions."""
    global _provider
    _provider = _Provider(open_duties=open_duties, transfer=transfer)


def open_duties(tenure_ids: Collection[int]) -> dict[int, list[int]]:
    """Tenure id -> ids of the open tasks it leads (sorted); tenures that lead none are left out.
    No query for an empty collection."""
    ids = [i for i in tenure_ids if i is not None]
    if _provider is None or not ids:
        return {}
    return _provider.open_duties(ids)


def transfer_duties(*, actor: Any, from_tenure: Tenure, to_tenure: Tenure,
                    task_ids: Collection[int] | None = None) -> list[int]:
    if _provider is None:
        return []
    return _provider.transfer(actor=actor, from_tenure=from_tenure, to_tenure=to_tenure, task_ids=task_ids)
