from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path("/work/shared/seeds")
TRAINING_SEED = SEEDS / "000_87c69ff5cc9fe2fe.txt"
INTERVIEW_SEED = SEEDS / "002_c48d9da7de4fa89f.txt"


@pytest.fixture
def seed_bytes():  # type: ignore[no-untyped-def]
    """The two seed articles' bytes; the tests fall back to the copies the demo ships (cases/fixtures/seeds)
    when the shared directory is not there."""
    here = Path(__file__).resolve().parents[2] / "src" / "rectify" / "cases" / "fixtures" / "seeds"

    def read(path: Path) -> bytes:
        return path.read_bytes() if path.exists() else (here / path.name).read_bytes()

    return {"training": read(TRAINING_SEED), "interview": read(INTERVIEW_SEED)}
