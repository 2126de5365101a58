"""Who is in the city: towns, enterprises, chambers, consultants, schools."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.db import Base, utcnow
from programs.directory.categories import PROBLEM_CATEGORIES
from programs.i18n import N_

TOWN_KINDS = {"town": N_("Town"), "subdistrict": N_("Sub-district")}

# Industry sections (GB/T 4754, simplified to what check-up rules need).
INDUSTRIES = {
    "manufacturing": N_("Manufacturing"),
    "construction": N_("Construction"),
    "wholesale_retail": N_("Wholesale and retail"),
    "logistics": N_("Transport and logistics"),
    "hospitality": N_("Hotels and catering"),
    "information_technology": N_("Information technology"),
    "agriculture": N_("Agriculture"),
    "services": N_("Business services"),
    "other": N_("Other"),
}

LEGAL_FORMS = {
    "limited": N_("Limited liability company"),
    "joint_stock": N_("Joint-stock company"),
    "partnership": N_("Partnership"),
    "sole_proprietorship": N_("Sole proprietorship"),
    "individual_business": N_("Individual business"),
}

SCHOOL_LEVELS = {
    "primary": N_("Primary school"),
    "junior": N_("Junior middle school"),
    "senior": N_("Senior middle school"),
    "nine_year": N_("Nine-year school"),
}
# Which grades each kind of school teaches (1-6 primary, 7-9 junior, 10-12 senior).
LEVEL_GRADES = {
    "primary": range(1, 7),
    "junior": range(7, 10),
    "senior": range(10, 13),
    "nine_year": range(1, 10),
}

RECORD_STATUSES = {"active": N_("Active"), "pending": N_("Awaiting approval")}


def _in(column: str, values: dict[str, str] | tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Town(Base):
    """A town or sub-district (镇街); the city has sixteen."""

    __tablename__ = "towns"
    __table_args__ = (CheckConstraint(_in("kind", TOWN_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="town")

    def __repr__(self) -> str:
        return f"<Town {self.code} {self.name}>"


chamber_members = Table(
    "chamber_members",
    Base.metadata,
    Column("chamber_id", ForeignKey("chambers.id", ondelete="CASCADE"), primary_key=True),
    Column("enterprise_id", ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True),
)


class Enterprise(Base):
    """A market entity (市场主体), identified by its unified social credit code."""

    __tablename__ = "enterprises"
    __table_args__ = (
        CheckConstraint(_in("industry", INDUSTRIES), name="industry"),
        CheckConstraint(_in("legal_form", LEGAL_FORMS), name="legal_form"),
        CheckConstraint(_in("status", RECORD_STATUSES), name="status"),
        CheckConstraint("employee_count >= 0", name="employee_count"),
        CheckConstraint("length(credit_code) = 18", name="credit_code_length"),
        CheckConstraint(
            "personal_data_subjects IS NULL OR personal_data_subjects >= 0",
            name="personal_data_subjects",
        ),
        Index("ix_enterprises_town_industry", "town_id", "industry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    industry: Mapped[str] = mapped_column(String(30))
    sector: Mapped[str] = mapped_column(String(60), default="")
    legal_form: Mapped[str] = mapped_column(String(30), default="limited")
    employee_count: Mapped[int] = mapped_column(default=0)
    exports: Mapped[bool] = mapped_column(default=False)
    holds_ip: Mapped[bool] = mapped_column(default=False)
    processes_personal_data: Mapped[bool] = mapped_column(default=False)
    personal_data_subjects: Mapped[int | None]
    incorporated_on: Mapped[date | None]
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    town: Mapped[Town] = relationship()
    chambers: Mapped[list[Chamber]] = relationship(
        secondary=chamber_members, back_populates="members"
    )

    def __repr__(self) -> str:
        return f"<Enterprise {self.credit_code} {self.name}>"


class Chamber(Base):
    """A chamber of commerce or industry association (商会/行业协会) and its member firms."""

    __tablename__ = "chambers"
    __table_args__ = (CheckConstraint(_in("status", RECORD_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    address: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")

    town: Mapped[Town | None] = relationship()
    members: Mapped[list[Enterprise]] = relationship(
        secondary=chamber_members, back_populates="chambers", order_by="Enterprise.name"
    )


class Consultant(Base):
    """A chief legal consultant (首席法律咨询专家) who goes out on Fridays."""

    __tablename__ = "consultants"
    __table_args__ = (
        CheckConstraint("visits_per_friday BETWEEN 1 AND 10", name="visits_per_friday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(40), default="")
    organisation: Mapped[str] = mapped_column(String(120), default="")
    home_town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    visits_per_friday: Mapped[int] = mapped_column(default=2)
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)

    home_town: Mapped[Town] = relationship()
    expertise_rows: Mapped[list[ConsultantExpertise]] = relationship(
        cascade="all, delete-orphan", order_by="ConsultantExpertise.area"
    )

    @property
    def expertise(self) -> list[str]:
        """Expertise areas, as problem-category codes."""
        return [row.area for row in self.expertise_rows]


class ConsultantExpertise(Base):
    """One area a consultant is expert in (a problem category)."""

    __tablename__ = "consultant_expertise"
    __table_args__ = (CheckConstraint(_in("area", PROBLEM_CATEGORIES), name="area"),)

    consultant_id: Mapped[int] = mapped_column(
        ForeignKey("consultants.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(String(30), primary_key=True)


class School(Base):
    """A primary, junior, senior or nine-year school; the study base must cover every one."""

    __tablename__ = "schools"
    __table_args__ = (
        UniqueConstraint("town_id", "name"),
        CheckConstraint(_in("level", SCHOOL_LEVELS), name="level"),
        CheckConstraint(_in("status", RECORD_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    level: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")

    town: Mapped[Town] = relationship()
    grades: Mapped[list[SchoolGrade]] = relationship(
        cascade="all, delete-orphan", order_by="SchoolGrade.grade"
    )

    @property
    def students(self) -> int:
        """All students of the school."""
        return sum(g.students for g in self.grades)


class SchoolGrade(Base):
    """How many students and classes a school has in one grade (no personal data, only counts)."""

    __tablename__ = "school_grades"
    __table_args__ = (
        CheckConstraint("grade BETWEEN 1 AND 12", name="grade"),
        CheckConstraint("students >= 0", name="students"),
        CheckConstraint("classes >= 0", name="classes"),
    )

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    grade: Mapped[int] = mapped_column(primary_key=True)
    students: Mapped[int]
    classes: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
