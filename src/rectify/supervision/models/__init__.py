"""Supervision's tables, one module per concern (notifications and the escalation ladder, supervision orders
and interviews, red-flag dismissals, …); every model is imported here so Django finds it."""

from rectify.supervision.models.orders import (  # noqa: F401
    OrderIssuer,
    OrderKind,
    OrderResponse,
    SupervisionOrder,
)
