"""Breakout groups (SPEC §3 phase 4, issue 4): who sits with whom.

The method puts every voice in every room: citizen representatives in every group, the other
roles and the departments mixed, so no group becomes "the planning department" and a student
and a director stand equal. The rules therefore balance counts and never rank people.

What `make_groups` guarantees, for every roster (tests/unit/test_grouping.py checks each):

1. Everyone not left out is placed exactly once; there are always n groups.
2. Group sizes differ by at most 1, and the larger groups come first.
3. For every role, the per-group counts differ by at most 1: with at least n citizens every
   group has one, with fewer no group has two.
4. For every department (compared case-insensitively with whitespace collapsed; an empty
   one is no department), the per-group counts differ by at most 1.
5. The same people, n and seed give the same groups, whatever order the people come in.
   People within a group are sorted by tag. Different seeds usually give other groups.

2 to 4 can always hold together: sizes and roles form one nested family of sets and the
departments another, and counts over two such families can always be split evenly (the
flow argument is in `_Repair`). So 4 is a promise, not a best effort.

Randomness comes only from `random.Random(seed)`: the caller draws the seed once and keeps
it, so a re-run (another replica, a restart) deals the same groups.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.participants import ROLES, Role
from bot.domain.refusal import Refusal


@dataclass(frozen=True, slots=True)
class Member:
    tag: str
    role: Role
    department: str


Group = tuple[Member, ...]
Groups = tuple[Group, ...]


def department_key(department: str) -> str:
    """'Helse  og omsorg' and 'helse og Omsorg' are one department; '' is none."""
    return " ".join(department.split()).casefold()


def group_count(members_count: int, wanted: int) -> int:
    """How many groups to make: the host's number when every group gets at least two, else
    as many as give everyone company. A group of one makes its inputs attributable (SPEC §5:
    anonymity is real), so it is made only when there is one person in all; and fewer
    people never get more groups."""
    return max(1, min(wanted, members_count // 2))


def small_groups(groups: Groups) -> Refusal | None:
    """A warning for the host when a group has only one or two people: what they write is
    easy to trace to them, anonymous or not. `groups` names them: "2, 3"."""
    small = [str(i) for i, g in enumerate(groups, start=1) if 0 < len(g) <= 2]
    return Refusal.of("groups.small", groups=", ".join(small)) if small else None


def make_groups(
    members: Iterable[Member], n: int, seed: int, *, leave_out: frozenset[str] = frozenset()
) -> Groups:
    """Deal the roster round-robin, sorted by role (citizens first) and, within a role, by
    department in a seeded order: every role and every role's department is one run of the
    deal, so each spreads evenly. A repair then evens out departments that span roles.

    `leave_out` holds tags not to place (hosts who run the session instead of joining a
    group). Use `group_count` first: with fewer people than groups, some groups are empty.
    `random.Random` seeds with abs(seed), so seed and -seed deal alike."""
    if n < 1:
        raise ValueError("n must be at least 1")
    people = sorted((m for m in members if m.tag not in leave_out), key=lambda m: m.tag)
    if len({m.tag for m in people}) != len(people):
        raise ValueError("member tags must be unique")
    random.Random(seed).shuffle(people)
    rank: dict[str, int] = {}
    for m in people:
        rank.setdefault(department_key(m.department), len(rank))
    role_rank = {role: i for i, role in enumerate(ROLES)}

    def deal_order(m: Member) -> tuple[int, bool, int]:
        key = department_key(m.department)
        return role_rank[m.role], key == "", rank[key]

    placed: list[list[Member]] = [[] for _ in range(n)]
    for i, m in enumerate(sorted(people, key=deal_order)):
        placed[i % n].append(m)
    _Repair(placed).run()  # a move may leave a later group the larger one
    placed.sort(key=len, reverse=True)
    return tuple(tuple(sorted(g, key=lambda m: m.tag)) for g in placed)


def place_late_joiner(groups: Groups, member: Member) -> int:
    """Index of the group a late joiner goes to: the smallest, then the one with fewest of
    their role, then the first. Someone already placed keeps their group (a redelivered
    join changes nothing)."""
    if not groups:
        raise ValueError("there are no groups")
    for i, group in enumerate(groups):
        if any(m.tag == member.tag for m in group):
            return i
    return min(
        range(len(groups)),
        key=lambda i: (len(groups[i]), sum(m.role is member.role for m in groups[i]), i),
    )


def move(groups: Groups, tag: str, to_index: int) -> Groups | Refusal:
    """A host moves one person. Balance is the host's call here; nobody else moves."""
    if not 0 <= to_index < len(groups):
        return Refusal.of("groups.no_such_group", group=to_index + 1, count=len(groups))
    found = [(i, m) for i, g in enumerate(groups) for m in g if m.tag == tag]
    if not found:
        return Refusal.of("groups.unknown_person")
    from_index, member = found[0]
    if from_index == to_index:
        return Refusal.of("groups.already_there", group=to_index + 1)
    return tuple(
        tuple(m for m in g if m.tag != tag)
        if i == from_index
        else tuple(sorted((*g, member), key=lambda m: m.tag))
        if i == to_index
        else g
        for i, g in enumerate(groups)
    )


Node = tuple[str, str]  # ("dept", key), ("role", role), ("size", "")
Shift = tuple[Member, int, int]  # who goes from which group to which


class _Repair:
    """Evens out departments after the deal, keeping the size and role balance.

    While a department has c people in group a and at most c - 2 in group b, re-split a and
    b. Read "in a" as flow through a network: size -> role -> (role, department) -> department.
    Halving everyone is a fractional split that keeps each size, role and department count
    of the two groups within their old pair and brings the crowded one closer, so by flow
    integrality a whole split does too, and one augmenting cycle of the difference reaches
    it: a chain of people going a -> b and b -> a, found breadth first below. Each chain
    lowers the sum of squared department counts, so the repair ends, and it ends only with
    every department spread within 1 (guarantee 4 in the module docstring)."""

    def __init__(self, groups: list[list[Member]]) -> None:
        self.groups = groups
        width = len(groups)
        self.size = [len(g) for g in groups]
        self.role = {role: [0] * width for role in ROLES}
        self.dept: dict[str, list[int]] = {}
        for i, group in enumerate(groups):
            for m in group:
                self.role[m.role][i] += 1
                if key := department_key(m.department):
                    self.dept.setdefault(key, [0] * width)[i] += 1

    def run(self) -> None:
        while found := self._uneven():
            chain = self._chain(*found)
            if chain is None:  # cannot happen (see the class docstring); stop, never loop
                return
            for m, a, b in chain:
                self._shift(m, a, b)

    def _uneven(self) -> tuple[str, int, int] | None:
        for key, counts in self.dept.items():
            most, least = max(counts), min(counts)
            if most - least >= 2:
                return key, counts.index(most), counts.index(least)
        return None

    def _shift(self, m: Member, a: int, b: int) -> None:
        self.groups[a].remove(m)
        self.groups[b].append(m)
        for counts in (self.size, self.role[m.role], self.dept.get(department_key(m.department))):
            if counts is not None:
                counts[a] -= 1
                counts[b] += 1

    def _chain(self, start: str, a: int, b: int) -> list[Shift] | None:
        givers: dict[str, dict[Role, Member]] = {}  # one of each (department, role) in a
        for m in self.groups[a]:
            givers.setdefault(department_key(m.department), {}).setdefault(m.role, m)
        takers: dict[Role, dict[str, Member]] = {}  # one of each (role, department) in b
        for m in self.groups[b]:
            takers.setdefault(m.role, {}).setdefault(department_key(m.department), m)
        came: dict[Node, tuple[Node, Shift | None] | None] = {("dept", start): None}
        queue: list[Node] = [("dept", start)]

        def visit(node: Node, here: Node, shift: Shift | None) -> None:
            if node not in came:
                came[node] = (here, shift)
                queue.append(node)

        for here in queue:
            kind, name = here
            if kind == "dept":
                if name != start and self.dept[name][b] > self.dept[name][a]:
                    return self._path(came, here, [])  # a takes one more of this department
                for role, p in givers.get(name, {}).items():
                    visit(("role", role), here, (p, a, b))
            elif kind == "role":
                role = Role(name)
                for key, q in takers.get(role, {}).items():
                    if not key:
                        return self._path(came, here, [(q, b, a)])  # no department: free
                    visit(("dept", key), here, (q, b, a))
                if self.role[role][a] > self.role[role][b]:
                    visit(("size", ""), here, None)
            else:
                if self.size[a] > self.size[b]:
                    return self._path(came, here, [])  # a gives one person away
                for role in ROLES:
                    if self.role[role][b] > self.role[role][a]:
                        visit(("role", role), here, None)
        return None

    @staticmethod
    def _path(
        came: dict[Node, tuple[Node, Shift | None] | None], end: Node, tail: list[Shift]
    ) -> list[Shift]:
        chain = list(tail)
        while (step := came[end]) is not None:
            end, shift = step
            if shift is not None:
                chain.append(shift)
        return chain
