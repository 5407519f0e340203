"""Breakout groups (issue 4): the guarantees in bot/domain/grouping.py, one test each."""

from __future__ import annotations

import random
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.grouping import (
    Groups,
    Member,
    department_key,
    group_count,
    make_groups,
    move,
    place_late_joiner,
    small_groups,
)
from bot.domain.participants import ROLES, Role
from bot.domain.refusal import Refusal

PROPERTY = settings(max_examples=200, deadline=None, database=None)  # no example files

# Few names, spelled several ways, so departments cross roles and collide after normalising.
DEPARTMENTS = (
    "",
    "",
    "Helse",
    " helse ",
    "HELSE",
    "Plan og bygg",
    "plan  og\tbygg",
    "Skole",
    "NAV",
    "Kultur",
    "Bydel Årstad",
    "bydel årstad",
)


def norm(department: str) -> str:
    return " ".join(department.split()).casefold()


def spread(values: Iterable[int]) -> int:
    counts = list(values)
    return max(counts) - min(counts)


def pairs(data: bytes) -> list[tuple[int, int]]:
    return list(zip(data[::2], data[1::2], strict=True))


@st.composite
def rosters(draw: st.DrawFn, min_size: int = 1, max_size: int = 300) -> list[Member]:
    """Unique tags in no particular order; a roster may lack roles or lean on one."""
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=6, unique=True))
    extra = draw(st.lists(st.text("xyz ", min_size=1, max_size=3), max_size=3))
    departments = DEPARTMENTS + tuple(extra)
    size = draw(st.integers(min_size, max_size))  # plain lists would stay short
    pick = draw(st.binary(min_size=2 * size, max_size=2 * size))  # one draw: fast to make
    cells = [(roles[r % len(roles)], departments[d % len(departments)]) for r, d in pairs(pick)]
    salt = draw(st.integers(0, 2**32 - 1))
    tag = [f"{(i * 2654435761 + salt) % 2**32:08x}" for i in range(len(cells))]  # a bijection
    return [Member(tag[i], role, dept) for i, (role, dept) in enumerate(cells)]


def tags(groups: Groups) -> list[str]:
    return sorted(m.tag for g in groups for m in g)


def per_group(groups: Groups, kind: Role | str) -> list[int]:
    """How many of a role, or of a (normalised) department, each group has."""
    if isinstance(kind, Role):
        return [sum(m.role is kind for m in g) for g in groups]
    return [sum(norm(m.department) == kind for m in g) for g in groups]


@PROPERTY
@given(rosters(min_size=0), st.integers(1, 12), st.integers(), st.data())
def test_everyone_not_left_out_is_placed_exactly_once(
    people: list[Member], n: int, seed: int, data: st.DataObject
) -> None:
    hosts = frozenset(data.draw(st.lists(st.sampled_from([m.tag for m in people] or ["-"]))))
    groups = make_groups(people, n, seed, leave_out=hosts)
    assert len(groups) == n
    assert tags(groups) == sorted(m.tag for m in people if m.tag not in hosts)
    assert {m for g in groups for m in g} <= set(people)


@PROPERTY
@given(rosters(), st.integers(1, 12), st.integers())
def test_sizes_differ_by_at_most_one_and_larger_groups_come_first(
    people: list[Member], n: int, seed: int
) -> None:
    sizes = [len(g) for g in make_groups(people, n, seed)]
    assert spread(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)


@PROPERTY
@given(rosters(), st.integers(1, 12), st.integers())
def test_every_role_is_spread_within_one(people: list[Member], n: int, seed: int) -> None:
    groups = make_groups(people, n, seed)
    for role in ROLES:
        assert spread(per_group(groups, role)) <= 1, role


@PROPERTY
@given(rosters(), st.integers(1, 12), st.integers())
def test_citizens_sit_in_every_group_when_there_are_enough(
    people: list[Member], n: int, seed: int
) -> None:
    citizens = per_group(make_groups(people, n, seed), Role.CITIZEN)
    if sum(citizens) >= n:
        assert min(citizens) >= 1
    else:
        assert max(citizens) <= 1


@PROPERTY
@given(rosters(), st.integers(1, 12), st.integers())
def test_every_department_is_spread_within_one(people: list[Member], n: int, seed: int) -> None:
    groups = make_groups(people, n, seed)
    for department in {norm(m.department) for m in people} - {""}:
        assert spread(per_group(groups, department)) <= 1, department


@PROPERTY
@given(rosters(), st.integers(1, 12), st.integers(), st.randoms(use_true_random=False))
def test_same_seed_same_groups_whatever_the_input_order(
    people: list[Member], n: int, seed: int, shuffler: random.Random
) -> None:
    first = make_groups(people, n, seed)
    shuffled = list(people)
    shuffler.shuffle(shuffled)
    assert make_groups(shuffled, n, seed) == first
    assert make_groups(reversed(people), n, seed) == first
    assert all(list(g) == sorted(g, key=lambda m: m.tag) for g in first)


@PROPERTY
@given(rosters(max_size=120), st.integers(1, 12), st.integers(), st.data())
def test_a_late_joiner_goes_to_the_smallest_group_lacking_their_role(
    people: list[Member], n: int, seed: int, data: st.DataObject
) -> None:
    late = Member("late", data.draw(st.sampled_from(ROLES)), "")
    where = data.draw(st.binary(min_size=len(people), max_size=len(people)))
    home = [w % n for w in where]
    uneven = tuple(tuple(m for m, h in zip(people, home, strict=True) if h == i) for i in range(n))
    for groups in (uneven, make_groups(people, n, seed)):  # after host moves, and as dealt
        index = place_late_joiner(groups, late)
        same_role = per_group(groups, late.role)
        assert index == min(range(n), key=lambda i: (len(groups[i]), same_role[i], i))
        joined = tuple((*g, late) if i == index else g for i, g in enumerate(groups))
        assert place_late_joiner(joined, late) == index  # a redelivered join changes nothing
    assert spread(len(g) for g in joined) <= 1  # the dealt groups stay even


@PROPERTY
@given(rosters(max_size=120), st.integers(1, 12), st.integers(), st.data())
def test_a_host_moves_one_person_and_nobody_else(
    people: list[Member], n: int, seed: int, data: st.DataObject
) -> None:
    groups = make_groups(people, n, seed)
    who = data.draw(st.sampled_from(people))
    to = data.draw(st.integers(-2, n + 1))
    home = next(i for i, g in enumerate(groups) if who in g)
    moved = move(groups, who.tag, to)
    if not 0 <= to < n:
        assert moved == Refusal.of("groups.no_such_group", group=to + 1, count=n)
    elif to == home:
        assert moved == Refusal.of("groups.already_there", group=to + 1)
    else:
        assert not isinstance(moved, Refusal)
        assert who in moved[to] and who not in moved[home]
        assert tags(moved) == tags(groups)
        for i, (before, after) in enumerate(zip(groups, moved, strict=True)):
            assert set(after) == set(before) - {who} | ({who} if i == to else set())
            assert list(after) == sorted(after, key=lambda m: m.tag)
    assert move(groups, "nobody", 0) == Refusal.of("groups.unknown_person")


@PROPERTY
@given(st.integers(0, 400), st.integers(1, 12))
def test_fewer_people_never_get_more_groups(count: int, wanted: int) -> None:
    """The count the main thread reports ("one group instead of 3") only grows with people."""
    n = group_count(count, wanted)
    assert 1 <= n <= wanted and group_count(count + 1, wanted) >= n


def roster(*specs: tuple[Role, str], prefix: str = "p") -> list[Member]:
    return [Member(f"{prefix}{i:02d}", role, dept) for i, (role, dept) in enumerate(specs)]


def test_thirteen_people_three_citizens_three_groups() -> None:
    people = roster(
        *[(Role.CITIZEN, "")] * 3,
        *[(Role.EMPLOYEE, "Helse")] * 4,
        *[(Role.BUSINESS, "")] * 3,
        *[(Role.STUDENT, "UiB")] * 3,
    )
    groups = make_groups(people, 3, seed=7)
    assert [len(g) for g in groups] == [5, 4, 4]
    assert per_group(groups, Role.CITIZEN) == [1, 1, 1]
    assert sorted(per_group(groups, "helse")) == [1, 1, 2]
    assert per_group(groups, "uib") == [1, 1, 1]


def test_departments_are_one_whatever_the_spelling() -> None:
    assert department_key("  Plan  og\tBygg ") == department_key("plan og bygg") == "plan og bygg"
    people = roster((Role.EMPLOYEE, "Helse"), (Role.EMPLOYEE, " helse"), (Role.CITIZEN, ""))
    people += roster((Role.CITIZEN, ""), prefix="q")
    assert per_group(make_groups(people, 2, seed=1), "helse") == [1, 1]


def test_a_department_across_roles_is_spread_too() -> None:
    # Dealt by role alone, Helse would fill one group: the repair swaps it even.
    people = roster(
        (Role.CITIZEN, "Helse"),
        (Role.BUSINESS, "Helse"),
        (Role.EMPLOYEE, "Skole"),
        (Role.VOLUNTEER, "Helse"),
        (Role.VOLUNTEER, "NAV"),
        (Role.EMPLOYEE, "Helse"),
        (Role.BUSINESS, "NAV"),
    )
    for seed in range(50):
        groups = make_groups(people, 2, seed)
        assert sorted(per_group(groups, "helse")) == [2, 2]
        assert per_group(groups, "nav") == [1, 1]


def test_hosts_can_be_left_out() -> None:
    people = roster(*[(Role.EMPLOYEE, "")] * 7)
    groups = make_groups(people, 3, seed=3, leave_out=frozenset({"p00", "p01"}))
    assert [len(g) for g in groups] == [2, 2, 1]
    assert "p00" not in tags(groups) and "p01" not in tags(groups)


def test_other_seeds_usually_deal_other_groups() -> None:
    people = roster(*[(role, "") for role in ROLES] * 5)
    dealt = {make_groups(people, 3, seed) for seed in range(20)}
    assert len(dealt) >= 18


def test_fewer_people_than_groups_would_leave_groups_empty_so_fewer_are_made() -> None:
    people = roster((Role.CITIZEN, ""), (Role.STUDENT, ""))
    assert [len(g) for g in make_groups(people, 3, seed=0)] == [1, 1, 0]
    assert group_count(2, 3) == 1 and group_count(8, 12) == 4 and group_count(0, 1) == 1
    assert group_count(5, 6) == group_count(5, 5) == 2


def test_late_joiner_and_move_examples() -> None:
    a, b, c, d, e = roster(
        (Role.CITIZEN, ""),
        (Role.STUDENT, ""),
        (Role.CITIZEN, ""),
        (Role.EMPLOYEE, ""),
        (Role.CITIZEN, ""),
    )
    groups: Groups = ((a, b), (c, d), (e,))
    assert place_late_joiner(groups, Member("new", Role.STUDENT, "")) == 2
    full: Groups = ((a, b), (c, d), (e, Member("x", Role.OTHER, "")))
    assert place_late_joiner(full, Member("new", Role.STUDENT, "")) == 1  # group 0 has one
    assert place_late_joiner(full, Member("new", Role.OTHER, "")) == 0
    assert move(groups, "p00", 2) == ((b,), (c, d), (a, e))
    assert move(groups, "p00", 0) == Refusal.of("groups.already_there", group=1)
    assert move(groups, "p00", 3) == Refusal.of("groups.no_such_group", group=4, count=3)
    assert move(groups, "ghost", 1) == Refusal.of("groups.unknown_person")


def test_bad_calls_are_programming_errors() -> None:
    with pytest.raises(ValueError):
        make_groups(roster((Role.CITIZEN, "")), 0, seed=1)
    with pytest.raises(ValueError):
        make_groups(roster((Role.CITIZEN, "")) * 2, 2, seed=1)
    with pytest.raises(ValueError):
        place_late_joiner((), Member("x", Role.CITIZEN, ""))


def test_members_and_groups_are_frozen_and_hashable() -> None:
    groups = make_groups(roster((Role.CITIZEN, "A"), (Role.OTHER, "")), 2, seed=1)
    assert hash(groups) == hash(make_groups(roster((Role.CITIZEN, "A"), (Role.OTHER, "")), 2, 1))
    with pytest.raises(AttributeError):
        groups[0][0].tag = "someone else"  # type: ignore[misc]


@PROPERTY
@given(st.integers(1, 60), st.integers(1, 12), st.integers())
def test_no_group_of_one_when_it_can_be_avoided(count: int, wanted: int, seed: int) -> None:
    """A group of one makes its inputs attributable (issue 15): with two people or more no
    group has one person; the host's number stands whenever each group gets two."""
    people = [Member(f"p{i:03d}", ROLES[i % len(ROLES)], "") for i in range(count)]
    n = group_count(count, wanted)
    sizes = [len(g) for g in make_groups(people, n, seed)]
    assert 1 <= n <= wanted and sum(sizes) == count
    if count >= 2:
        assert min(sizes) >= 2
    if count >= 2 * wanted:
        assert n == wanted
    warned = small_groups(make_groups(people, n, seed))
    assert (warned is not None) == (min(sizes) <= 2)


def test_small_groups_are_named_for_the_host() -> None:
    five = roster(*[(Role.CITIZEN, "")] * 5)
    assert group_count(5, 3) == 2  # 3 groups would leave one person alone
    groups = make_groups(five, group_count(5, 3), seed=1)
    assert [len(g) for g in groups] == [3, 2]
    assert small_groups(groups) == Refusal.of("groups.small", groups="2")
    assert small_groups(make_groups(roster(*[(Role.CITIZEN, "")] * 9), 3, seed=1)) is None
    assert group_count(1, 3) == 1 and small_groups(make_groups(five[:1], 1, 0)) is not None
