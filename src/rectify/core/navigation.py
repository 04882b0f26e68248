"""The left navigation by task: each app registers what it offers, core renders it.

``core`` imports no app, so it cannot know the items. An app registers a provider in its
``AppConfig.ready()``::

    from rectify.core import navigation
    navigation.register(navigation.ROUNDS, rounds_items)

A provider takes the request of a signed-in user and returns the items that user sees (often one,
possibly none: role rules live with the app that owns the page). The context processor
(``context_processors.navigation``) asks every provider on each page, in the order of the numbers
below, and marks the item whose pages the user is on.

The numbers follow the menu in DESIGN.md (工作台, 巡视轮次, 整改台账, 销号审核, 督办, 约谈, 问责, 案例库,
统计分析, 系统管理); the gaps leave room for the later apps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest

WORKBENCH = 100  # supervision: 工作台
ROUNDS = 200  # inspections: 巡视轮次
LEDGER = 300  # rectification: 整改台账
CLUES = 350  # inspections: 问题线索 (commission only)
CLOSE_OUTS = 400  # rectification: 销号审核
CHANGE_REQUESTS = 420  # rectification: 变更审批 / 变更申请
SUPERVISION_ORDERS = 500  # supervision: 督办 (supervision orders and letters)
INTERVIEWS = 520  # supervision: 约谈 (supervisors)
RED_FLAGS = 560  # supervision: 红旗预警 / 虚假整改线索 (supervisors)
STATISTICS = 600  # reports: 统计分析 (dashboards)
ATTENTION_TASKS = 610  # reports: 逾期与黄灯任务 (the cross-unit list)
ACCOUNTABILITY = 700  # accountability: 问责 (commission only)
CASE_LIBRARY = 800  # cases: 案例库 (every signed-in role)
TRAINING = 820  # cases: 培训
NOTIFICATIONS = 900  # notifications: 通知 / 通知设置
SYSTEM_ADMIN = 1000  # orgs: 系统管理


@dataclass(frozen=True)
class NavItem:
    """One entry of the left navigation.

    ``match`` are path prefixes of the pages that belong to the entry; with ``exact`` the entry is
    active on its own URL only (the workbench at "/" would otherwise match every page). ``badge`` is
    a count shown beside the label (None or 0: no badge).
    """

    label: str
    url: str
    match: tuple[str, ...] = ()
    exact: bool = False
    badge: int | None = None

    def is_active(self, path: str) -> bool:
        if self.exact:
            return path == self.url
        return any(path.startswith(prefix) for prefix in self.match)


Provider = Callable[[HttpRequest], Iterable[NavItem]]

_providers: dict[Provider, int] = {}


def register(order: int, provider: Provider) -> Provider:
    """Show ``provider``'s items at position ``order``; registering the same provider again moves it
    (so an app's ``ready()`` may run twice). Providers with the same order keep registration order."""
    _providers.pop(provider, None)
    _providers[provider] = order
    return provider


def unregister(provider: Provider) -> None:
    _providers.pop(provider, None)


def items_for(request: HttpRequest) -> list[NavItem]:
    """Every registered provider's items for this request, in menu order."""
    ordered = sorted(_providers.items(), key=lambda entry: entry[1])  # stable: ties keep registration order
    return [item for provider, _order in ordered for item in provider(request)]
