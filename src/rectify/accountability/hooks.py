"""Precedents from above: the typical-case library sits above accountability (it reads the catalogue), so
accountability cannot import it; the library registers a provider here from its ``AppConfig.ready()``.

The responsibility assistant and the consistency check (问责不严 / 过度问责) ask ``precedents(...)`` for cases
like the one being decided — decided accountability cases of this app plus whatever providers add — and show
them side by side. Without a provider there are simply no library precedents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Precedent:
    """A case to compare a decision with."""

    source: str  # "library" (a typical case) or "case" (a decided accountability case)
    title: str
    url: str
    summary: str = ""
    circumstances: tuple[str, ...] = ()  # catalogue codes (Circumstance.code)
    forms: tuple[str, ...] = ()  # catalogue codes (AccountabilityForm.code)
    responsibility_types: tuple[str, ...] = ()  # overall / principal / important
    score: float = 0.0  # higher is more similar; providers' scores are comparable only within a provider


PrecedentProvider = Callable[..., list[Precedent]]
_providers: list[PrecedentProvider] = []


def register_precedents(provider: PrecedentProvider) -> PrecedentProvider:
    """Add a provider, called as ``provider(text=..., circumstances=..., forms=..., responsibility_types=...,
    limit=...)``; registering the same one again changes nothing (``ready()`` may run twice)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_precedents(provider: PrecedentProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def precedents(*, text: str = "", circumstances: Iterable[str] = (), forms: Iterable[str] = (),
               responsibility_types: Iterable[str] = (), limit: int = 10) -> list[Precedent]:
    """What every registered provider offers, each provider's best first, at most ``limit`` from each."""
    found: list[Precedent] = []
    for provider in _providers:
        found.extend(provider(text=text, circumstances=tuple(circumstances), forms=tuple(forms),
                              responsibility_types=tuple(responsibility_types), limit=limit)[:limit])
    return found
