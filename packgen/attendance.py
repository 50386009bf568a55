"""Minutes' attendance: who was present, who sent apologies, who was absent, who substituted.

One model, written on the entries of ``attendance``: each member has a ``status``
(``present: true/false`` is shorthand for present/absent); a member who sent apologies or
was absent may name who attended in their place (``substitute: NAME``), and the substitute
may have an entry of their own (``status: substitute``, ``for: NAME``). Both sides name
one link, so they must agree; every disagreement is one problem at its line. Apologies
come only from ``status: apologies`` and the minutes' own ``apologies:`` list of names,
never from absence: a member who did not come did not necessarily send apologies.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from packgen.errors import Position
from packgen.model import Minutes, Person
from packgen.names import closest, person_key
from packgen.shapes import INVALID, Boolean, Context, Field, Record, Text
from packgen.source import Map, Node, Scalar, Seq

STATUSES = ("present", "apologies", "absent", "substitute")
ATTENDED = ("present", "substitute")
AWAY = ("apologies", "absent")


def _attendee(**values: Any) -> Person:
    values["substitute_for"] = values.pop("for", "")
    return Person(**values)


def attendee_fields(person: Record) -> Record:
    """The entry of a member in ``attendance``: a person, with how they attended."""
    return Record({
        **person.fields,
        "present": Field(Boolean(), "Shorthand: true for status present, false for absent."),
        "status": Field(Text("|".join(STATUSES), "present, apologies, absent or substitute"),
                        "present, apologies (they sent apologies), absent (no apologies) or "
                        "substitute (attended in a member's place: give for)."),
        "substitute": Field(Text(), "Who attended in this member's place (status apologies "
                                    "or absent)."),
        "for": Field(Text(), "The member a substitute attended for."),
        "group": Field(Text(), "Their organisation or party: the attendance table groups "
                               "its rows by it."),
    }, build=_attendee)


def _key(name: str) -> str:
    return person_key(name)


class MinutesRecord(Record):
    """The minutes' shape, with attendance settled across entries once each is checked."""

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        minutes = super().check(node, ctx, path)
        if not isinstance(node, Map):
            return minutes
        if not isinstance(minutes, Minutes):
            # Something is wrong elsewhere (a date, one entry's status): the links between
            # the entries that are right are judged all the same, so that their problems
            # come in this run, not the next.
            partial, refused, guests_refused = self._readable(node, ctx)
            _Settling(node, ctx, partial, refused, guests_refused).settle()
            return minutes
        before = len(ctx.problems)
        settled = _Settling(node, ctx, minutes).settle()
        return INVALID if len(ctx.problems) > before else settled

    def _readable(self, node: Map, ctx: Context) -> tuple[Minutes, set[int], set[int]]:
        """What of the attendance can be read, and which entries of ``attendance`` and of
        ``in_attendance`` could not (each already reported: only its name stands in for it,
        so others may name it)."""
        quiet = Context(ctx.base, ctx.root)  # every problem here is reported already
        members, refused = self._people(node, "attendance", quiet)
        guests, guests_refused = self._people(node, "in_attendance", quiet)
        listed = node.items.get("apologies")
        names = self.fields["apologies"].shape.check(listed, quiet, "") if listed else ()
        return Minutes(node.pos, datetime.date.min, (), attendance=members,
                       in_attendance=guests, apologies=() if names is INVALID else names
                       ), refused, guests_refused

    def _people(self, node: Map, key: str, quiet: Context) -> tuple[tuple[Person, ...],
                                                                        set[int]]:
        entry_shape = self.fields[key].shape.item  # type: ignore[attr-defined]
        seq = node.items.get(key)
        people: list[Person] = []
        refused: set[int] = set()
        for i, entry in enumerate(seq.items if isinstance(seq, Seq) else ()):
            person = entry_shape.check(entry, quiet, "")
            if not isinstance(person, Person):
                name = entry.items.get("name") if isinstance(entry, Map) else None
                person = Person(entry.pos, name.text if isinstance(name, Scalar) else "")
                refused.add(i)
            people.append(person)
        return tuple(people), refused


class _Settling:
    def __init__(self, node: Map, ctx: Context, minutes: Minutes,
                 refused: set[int] | None = None,
                 guests_refused: set[int] | None = None) -> None:
        self.node, self.ctx, self.minutes = node, ctx, minutes
        self.people = list(minutes.attendance)
        self.statuses = [""] * len(self.people)
        self.subs: dict[int, str] = {}
        self.serving: dict[int, str] = {}  # substitute -> the member they attended for
        self.groups = [p.group for p in self.people]
        self.index: dict[str, int] = {}
        self.refused: set[int] = set(refused or ())
        """Entries already with a problem: their links are not judged again, so that one
        mistake is one line."""
        self.guests_refused: set[int] = set(guests_refused or ())
        self.guests: dict[str, int] = {}  # in_attendance, by name
        self.outside: dict[str, int] = {}
        """Substitutes named on a member's row only (no entry of their own): whose row."""
        self.listed: dict[str, int] = {}
        """Names in the minutes' ``apologies:`` list, by name: where."""
        self.listed_subs: dict[str, int] = {}
        """Names in ``apologies:`` only, whom a substitute's ``for`` names: that substitute."""

    def where(self, i: int, key: str, listing: str = "attendance") -> Position:
        seq = self.node.items[listing]
        entry = seq.items[i] if isinstance(seq, Seq) else seq
        if isinstance(entry, Map):
            return entry.items[key].pos if key in entry.items else entry.pos
        return entry.pos

    def error(self, i: int, key: str, message: str) -> None:
        self.refused.add(i)
        self.ctx.error(self.where(i, key), f"attendance[{i}].{key}", message)

    def guest_error(self, g: int, key: str, message: str) -> None:
        self.guests_refused.add(g)
        self.ctx.error(self.where(g, key, "in_attendance"), f"in_attendance[{g}].{key}",
                       message)

    def listed_error(self, n: int, message: str) -> None:
        """A problem with the n-th name of the minutes' ``apologies:`` list."""
        seq = self.node.items.get("apologies")
        where = seq.items[n].pos if isinstance(seq, Seq) else self.node.pos
        self.ctx.error(where, f"apologies[{n}]", message)

    def settle(self) -> Minutes:
        for i, person in enumerate(self.people):
            if i in self.refused:  # unreadable: its name alone, so others may name it
                if person.name:
                    self.index.setdefault(_key(person.name), i)
                continue
            self.statuses[i] = self.own_status(i, person)
            if self.index.setdefault(_key(person.name), i) != i:
                self.error(i, "name", f"{person.name} is listed twice "
                                      f"(attendance[{self.index[_key(person.name)]}])")
        self.apologies_list()
        for i, person in enumerate(self.people):
            if person.substitute_for and i not in self.refused:
                self.serves(i, person.substitute_for)
        for i, person in enumerate(self.people):
            if person.substitute and i not in self.refused:
                self.substituted(i, person.substitute)
        self.in_attendance()
        self.apologies_outside()
        people = tuple(replace(
            p, status=s, present=(s in ATTENDED) if s else None,
            substitute=self.subs.get(i, ""), substitute_for=self.serving.get(i, ""),
            group=g) for i, (p, s, g) in enumerate(zip(self.people, self.statuses, self.groups,
                                                        strict=True)))
        return replace(self.minutes, attendance=people)

    def own_status(self, i: int, person: Person) -> str:
        status = person.status or ("substitute" if person.substitute_for else "")
        if person.substitute_for and status != "substitute":
            self.error(i, "for", f"only a substitute attends for a member, and the status "
                                 f"here is {status}")
        elif status and person.present is not None and (status in ATTENDED) != person.present:
            key = "status" if person.status else "present"
            self.error(i, key, f"{status} disagrees with present: "
                               f"{str(person.present).lower()}; give one of them")
        if not status and person.present is not None:
            status = "present" if person.present else "absent"
        if person.substitute and status not in AWAY:
            self.error(i, "substitute", "only a member who sent apologies or was absent has "
                                        f"a substitute; the status here is "
                                        f"{status or 'not given'}")
        return status

    def apologies_list(self) -> None:
        for n, name in enumerate(self.minutes.apologies):
            self.listed.setdefault(_key(name), n)
            i = self.index.get(_key(name))
            if i is None or i in self.refused or self.statuses[i] == "apologies":
                continue
            if self.statuses[i]:
                # "Councillor Ann Lee" for "Cllr Ann Lee": say whom it was taken for.
                as_there = "" if " ".join(name.split()) == " ".join(
                    self.people[i].name.split()) else f" as {self.people[i].name}"
                self.listed_error(n, f"{name} is marked {self.statuses[i]} in "
                                     f"attendance[{i}]{as_there}")
            else:
                self.statuses[i] = "apologies"

    def in_attendance(self) -> None:
        """Officers and guests attended, and are listed once: not again as members, nor as
        a member's substitute (who prints on the member's row)."""
        for g, guest in enumerate(self.minutes.in_attendance):
            key = _key(guest.name)
            if g in self.guests_refused:
                self.guests.setdefault(key, g)
                continue
            if guest.present is False:
                self.guest_error(g, "present", "everyone in in_attendance attended; list who "
                                               "did not come under apologies, or leave them out")
                continue
            j = self.index.get(key)
            if self.guests.setdefault(key, g) != g:
                self.guest_error(g, "name", f"{guest.name} is listed twice "
                                            f"(in_attendance[{self.guests[key]}])")
            elif j is not None and j not in self.refused and self.statuses[j] in AWAY:
                self.guest_error(g, "name", f"{guest.name} is marked {self.statuses[j]} in "
                                            f"attendance[{j}]")
            elif j is not None and j not in self.refused:
                self.guest_error(g, "name", f"{guest.name} is listed twice (attendance[{j}])")
            elif key in self.outside:
                j = self.outside[key]
                self.guest_error(g, "name", f"{guest.name} is listed twice (the substitute "
                                            f"for {self.people[j].name}, "
                                            f"attendance[{j}].substitute)")

    def apologies_outside(self) -> None:
        """Names in ``apologies:`` that are not members: none attended, and none is a slip
        for the name of someone listed who did ("Tom Whitby" for "Cllr Tom Whitby" is
        that member; "T Whitby" is a problem, not a second person)."""
        for n, name in enumerate(self.minutes.apologies):
            key = _key(name)
            g, j = self.guests.get(key), self.outside.get(key)
            if key in self.index or g in self.guests_refused:
                continue
            if g is None and j is None:
                listed = [p.name for p in self.people] + [
                    p.name for p in self.minutes.in_attendance] + [
                    self.subs[m] for m in self.outside.values() if m in self.subs]
                near = closest(name, listed)
                if near is not None:
                    self.listed_error(n, f'{name} is close to a name already listed (did you '
                                         f'mean "{near}"?); write one person\'s name the same '
                                         "way each time, so that they are listed once")
                continue
            if g is not None:
                self.listed_error(n, f"{name} is listed as attending in in_attendance[{g}]")
            elif j is not None:
                self.listed_error(n, f"{name} is the substitute for {self.people[j].name} "
                                     f"(attendance[{j}].substitute)")

    def serves(self, i: int, member: str) -> None:
        j = self.index.get(_key(member))
        if j in self.refused:
            return  # its own problem is said; what it would have said of this is unknown
        if j is None and _key(member) in self.listed:
            # A member who sent apologies may be named in apologies: alone; their
            # substitute's own entry says whom they attended for.
            k = self.listed_subs.setdefault(_key(member), i)
            if k != i:
                self.error(i, "for", f"{member} already has a substitute, "
                                     f"{self.people[k].name}")
            else:
                self.serving[i] = self.minutes.apologies[self.listed[_key(member)]]
            return
        if j is None:
            # Titles aside, and a close cut-off: "Cllr C" is not taken for a typo of
            # "Cllr B", while "Cllr Gaeler" is of "Cllr Galer".
            near = closest(member, [p.name for p in self.people] + list(self.minutes.apologies))
            hint = f' (did you mean "{near}"?)' if near else ""
            self.error(i, "for", f"{member} is neither in attendance nor in apologies{hint}")
        elif self.statuses[j] not in AWAY:
            self.error(i, "for", f"{member} is marked {self.statuses[j] or 'with no status'} "
                                 f"(attendance[{j}]); a substitute attends for a member who "
                                 "sent apologies or was absent")
        elif j in self.subs:
            self.error(i, "for", f"{member} already has a substitute, {self.subs[j]}")
        else:
            self.subs[j], self.serving[i] = self.people[i].name, self.people[j].name
            self.groups[i] = self.groups[i] or self.groups[j]

    def substituted(self, j: int, name: str) -> None:
        named = self.subs.get(j)
        k = self.index.get(_key(name))
        if named is not None:
            if _key(named) != _key(name):
                self.error(j, "substitute", f"{named} is given as the substitute for "
                                            f"{self.people[j].name} "
                                            f"(attendance[{self.index[_key(named)]}].for)")
            return
        if k in self.refused:
            return
        if k is None:  # not a member: named on the member's row only
            if self.outside.setdefault(_key(name), j) != j:
                self.error(j, "substitute", f"{name} is the substitute for "
                                            f"{self.people[self.outside[_key(name)]].name}")
                return
            self.subs[j] = name
            return
        if k in self.serving:
            self.error(j, "substitute", f"{name} is the substitute for {self.serving[k]}")
        elif self.statuses[k] not in ("", "present", "substitute"):
            self.error(j, "substitute", f"{name} is marked {self.statuses[k]} "
                                        f"(attendance[{k}])")
        else:
            self.statuses[k] = "substitute"
            self.subs[j], self.serving[k] = self.people[k].name, self.people[j].name
            self.groups[k] = self.groups[k] or self.groups[j]


def grouped(people: tuple[Person, ...]) -> list[tuple[str, list[Person]]]:
    """The attendance table's rows under their groups, in first-seen order; members with no
    group first, under no heading."""
    groups: dict[str, list[Person]] = {"": []}
    for person in people:
        groups.setdefault(person.group, []).append(person)
    return [(name, rows) for name, rows in groups.items() if rows]


def apologies(minutes: Minutes) -> list[Person]:
    """Who sent apologies: members whose status says so, then the names the minutes' own
    ``apologies:`` list adds."""
    found = [p for p in minutes.attendance if p.status == "apologies"]
    known = {_key(p.name) for p in minutes.attendance}
    # A substitute's for: may name someone listed here only.
    serving = {_key(p.substitute_for): p.name for p in minutes.attendance
               if p.substitute_for}
    for name in minutes.apologies:
        if _key(name) not in known:
            known.add(_key(name))
            found.append(Person(minutes.pos, name, status="apologies",
                                substitute=serving.get(_key(name), "")))
    return found
