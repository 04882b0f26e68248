"""Recording and verifying the audit trail.

Each event's hash covers its content and the previous event's hash, so a deleted or edited
row breaks the chain at that point; ``audit_verify_chain`` finds the first broken link.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from typing import Any

from django.db import models, transaction

from rectify.audit.models import AuditChainHead, AuditEvent
from rectify.core import clock

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _digest(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "object_repr": event.object_repr,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction (the write it describes)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the write it records")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
    event = AuditEvent(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "系统",
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id or (obj.pk if obj is not None else "")),
        object_repr=str(obj)[:200] if obj is not None else "",
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=head.last_hash,
    )
    # Round-trip through JSON so the hash is computed over exactly what the database returns.
    event.before = json.loads(json.dumps(event.before, ensure_ascii=False)) if event.before is not None else None
    event.after = json.loads(json.dumps(event.after, ensure_ascii=False)) if event.after is not None else None
    event.hash = _digest(event.prev_hash, _payload(event))
    event.save()
    head.last_hash = event.hash
    head.save(update_fields=["last_hash"])
    return event


def audit_verify_chain(*, batch_size: int = 2000) -> tuple[int, str | None]:
    """Walk the chain in order. Returns (events checked, description of the first break or None)."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return checked, f"event #{event.id}: previous hash does not match event before it (a row was removed?)"
        if event.hash != _digest(prev, _payload(event)):
            return checked, f"event #{event.id}: content does not match its hash (the row was edited)"
        prev = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return checked, "the newest events are missing: the chain head points past the last stored event"
    return checked, None
