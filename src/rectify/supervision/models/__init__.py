"""Supervision's tables, one module per concern (notifications and the escalation ladder, supervision orders
and interviews, red-flag dismissals, …); every model is imported here so Django finds it."""
