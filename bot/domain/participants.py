"""Who joins a Digikok: a role (SPEC §3 check-in) and an optional department or field."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.refusal import Refusal
from bot.domain.text import clean_text

DEPARTMENT_MAX = 80


class Role(StrEnum):
    CITIZEN = "citizen"
    EMPLOYEE = "employee"
    BUSINESS = "business"
    VOLUNTEER = "volunteer"
    STUDENT = "student"
    OTHER = "other"


ROLES: tuple[Role, ...] = tuple(Role)


@dataclass(frozen=True, slots=True)
class CheckIn:
    role: Role
    department: str


def decide_check_in(role: object, department: object) -> CheckIn | Refusal:
    """Card input is untrusted: a role must be one of ours, a department short plain text."""
    if not isinstance(role, str) or role not in Role.__members__.values():
        return Refusal.of("join.pick_role")
    dept = clean_text(department) if isinstance(department, str) else ""
    if department is not None and not isinstance(department, str):
        return Refusal.of("join.bad_department")
    if len(dept) > DEPARTMENT_MAX:
        return Refusal.of("join.department_too_long", max=DEPARTMENT_MAX)
    return CheckIn(Role(role), " ".join(dept.split()))
