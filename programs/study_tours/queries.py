"""Read models of the study base."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from programs.study_tours.models import StudyBase


def bases(session: Session) -> list[StudyBase]:
    """Every study base with its activities."""
    return list(
        session.scalars(
            select(StudyBase).options(selectinload(StudyBase.activities)).order_by(StudyBase.id)
        )
    )
