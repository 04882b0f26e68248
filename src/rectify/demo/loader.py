"""A realistic demonstration data set, modelled on the seed articles.

云南省委巡视工作领导小组 fed back the look-back (回头看) of the 10th committee's 14th round to
20 party organisations (14 provincial departments, 6 provincial enterprises): 624 problems and
158 clues. The original round (十届省委第十四轮巡视) fed back to the same 20 about two years
earlier; its problems are closed or nearly so, and some look-back problems repeat one of them.
Dates are laid relative to today so that warnings, overdue items and the review queue look as
they would in the middle of the concentrated rectification period.

Who was who: every unit has a leadership roster whose tenures reach back before the earliest
problem (former principals and members included), and the responsibility list names the member
in charge who was in post at the round's feedback. Every history is consistent: progress and
evidence come before the close-out application that cites them, a review after its application,
rework after a return, nothing in the future. The province's 16 prefectures (州（市）), a few
counties and the inspection office (whose staff form the teams) complete the org tree.

Seeding writes in bulk (one transaction, one audit event for the whole load) — the rows it
creates are the same a unit would create through the services, which the tests exercise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from rectify.accounts.models import Role, User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.demo import corpus
from rectify.demo import lookback as lookback_demo
from rectify.demo.accountability import seed_accountability
from rectify.demo.cases import seed_cases
from rectify.demo.orders import seed_supervision
from rectify.demo.reports import seed_report_cycles
from rectify.inspections.models import (
    Clue,
    ClueDisposition,
    InspectedUnit,
    InspectionRound,
    InspectionTeam,
    Problem,
    ProblemCategory,
    ProblemKind,
    RoundKind,
    RoundLevel,
)
from rectify.orgs.models import OrgKind, OrgUnit, Person, Post, Tenure, seat_of
from rectify.orgs.services import org_units_bulk_create
from rectify.rectification import rollups
from rectify.rectification.models import (
    ChangeRequest,
    ChangeRequestSource,
    ChangeRequestState,
    CloseOut,
    CloseOutState,
    DeadlineKind,
    Evidence,
    PlanAction,
    PlanEvent,
    PlanState,
    ProgressEntry,
    RectificationPlan,
    Responsibility,
    ResponsibilityKind,
    Task,
    TaskStatus,
)

DEMO_PASSWORD = "demo-pass-2026"
ROUND_CODE = "YN-10-14-HKK"
ORIGINAL_ROUND_CODE = "YN-10-14"
TOTAL_PROBLEMS = 624  # fed-back problems of the look-back round (self-found ones come on top)
TOTAL_CLUES = 158
SEED = 20211113
DEMO_UNIT = "YN-JYT"  # 省教育厅（省委教育工委）: the demo unit users belong to
ORIGINAL_PER_UNIT = (18, 26)  # problems per unit in the original round
SELF_FOUND = {"YN-RST": 3, "YN-SLT": 2, "YN-JTTZ": 3}  # units that added problems of their own
OWN_IDENTIFIERS = {"YN-WHLYT": "WHLY-{:02d}"}  # a unit that numbers its problems its own way
ROSTER_YEARS_BACK = 2600  # days: every post's tenures reach back before the earliest problem
OVERDUE_CLUES = 3  # handed over more than three months ago, no results yet (the commission's alert)

LOGINS = [
    ("jiwei", Role.COMMISSION, None, "赵监督"),
    ("xunshiban", Role.INSPECTION_OFFICE, None, "钱巡视"),
    ("xunshiban2", Role.INSPECTION_OFFICE, None, "孙审核"),
    ("jyt_lead", Role.UNIT_LEAD, DEMO_UNIT, "李牵头"),
    ("jyt_member", Role.UNIT_MEMBER, DEMO_UNIT, "周经办"),
    ("lingdao", Role.LEADER, None, "吴领导"),
    ("admin", Role.ADMIN, None, "系统管理员"),
]


def database_is_empty() -> bool:
    return not InspectionRound.objects.exists() and not User.objects.exists()


def demo_logins() -> list[dict[str, Any]]:
    users = User.objects.filter(username__in=[u for u, *_ in LOGINS]).select_related("unit")
    return [_login(u) for u in sorted(users, key=lambda u: [x[0] for x in LOGINS].index(u.username))]


def _login(user: User) -> dict[str, Any]:
    return {"username": user.username, "password": DEMO_PASSWORD, "role": user.role,
            "role_label": user.get_role_display(), "unit": user.unit.code if user.unit else None,
            "unit_name": user.unit.name if user.unit else None}


def _split(total: int, parts: int, rng: random.Random, low: int, high: int) -> list[int]:
    """``parts`` whole numbers in [low, high] that add up to ``total``."""
    counts = [low] * parts
    for _ in range(total - low * parts):
        i = rng.choice([k for k in range(parts) if counts[k] < high])
        counts[i] += 1
    return counts


def _pdf(title: str, body: str) -> bytes:
    """A small valid one-page PDF, so that downloaded demo evidence opens in a reader."""
    text = f"Rectify demo evidence - {title} - {body}".encode("ascii", "replace").decode()
    text = text.replace("(", "[").replace(")", "]")
    stream = f"BT /F1 11 Tf 60 780 Td ({text[:90]}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _month_start(day: dt.date) -> dt.date:
    """Appointments are written 2018.03 in rosters: a month means its first day."""
    return day.replace(day=1)


class _Timeline:
    """The moments of the demo's histories, set once every event is known.

    Events are given as (day, hour) in Beijing time; ``settle`` keeps each object's events in the
    order of their (day, hour) — strictly increasing — and never later than now, moving events of
    "today" that would still lie ahead to just before now (the later ones staying later).
    """

    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        self.rng, self.now = rng, now
        self.chains: list[list[tuple[dt.date, int, Any, str]]] = []

    def chain(self) -> list[tuple[dt.date, int, Any, str]]:
        events: list[tuple[dt.date, int, Any, str]] = []
        self.chains.append(events)
        return events

    def settle(self) -> None:
        minute = dt.timedelta(minutes=1)
        for events in self.chains:
            events.sort(key=lambda e: (e[0], e[1]))
            moments = [dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)), tzinfo=clock.SHANGHAI)
                       for day, hour, _obj, _attr in events]
            for i in range(1, len(moments)):
                moments[i] = max(moments[i], moments[i - 1] + minute)
            limit = self.now - minute
            for i in reversed(range(len(moments))):
                moments[i] = min(moments[i], limit)
                limit = moments[i] - minute
            for (_day, _hour, obj, attr), moment in zip(events, moments, strict=True):
                setattr(obj, attr, moment)


@dataclass
class _Roster:
    """Posts of every unit (in the corpus order) and each post's tenures, oldest first."""

    posts: dict[str, list[Post]] = field(default_factory=dict)
    tenures: dict[int, list[Tenure]] = field(default_factory=lambda: defaultdict(list))

    def holder(self, post: Post, day: dt.date) -> Tenure:
        for tenure in self.tenures[post.pk]:
            if tenure.covers(day):
                return tenure
        raise ValueError(f"nobody held {post.title} of unit {post.unit_id} on {day}")


def _seed_roster(rng: random.Random, specs: list[corpus.UnitSpec], unit_by_code: dict[str, OrgUnit],
                 names: Iterator[str], today: dt.date) -> _Roster:
    """Every post of every unit, held without a gap from before the earliest problem until today.

    Principals changed between 5 months and 2½ years ago (so every unit has a former principal who
    led it while problems happened); members between 3 months and 6 years ago; in four units the new
    principal had been a member. Tenures are contiguous: the predecessor's (exclusive) end is the
    successor's start, the first of a month.
    """
    roster = _Roster()
    posts = []
    for s in specs:
        roster.posts[s.code] = []
        for order, p in enumerate(corpus.posts_for(s)):
            post = Post(unit=unit_by_code[s.code], title=corpus.post_title(s, p), is_principal=p.is_principal,
                        areas="、".join(corpus.post_areas(s, p)), sort_order=order)
            posts.append(post)
            roster.posts[s.code].append(post)
    Post.objects.bulk_create(posts)
    horizon = today - _days(ROSTER_YEARS_BACK)
    # In a few units the principal was promoted from the leadership body: the member's seat passed on the
    # day the principal's did.
    promoted = {s.code: rng.randrange(1, len(corpus.posts_for(s))) for s in rng.sample(specs, 4)}
    principal_now: dict[int, tuple[Person, dt.date]] = {}
    people: list[Person] = []
    plan: list[tuple[Person, Post, dt.date, dt.date | None]] = []
    for post in posts:  # the principal's post comes first in each unit
        promotion = promoted.get(post.unit.code) == post.sort_order
        since = rng.randint(150, 900) if post.is_principal else rng.randint(100, 2200)
        starts = [principal_now[post.unit_id][1] if promotion else _month_start(today - _days(since))]
        while starts[-1] > horizon:
            starts.append(_month_start(starts[-1] - _days(rng.randint(700, 1800))))
        starts.reverse()
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else None
            if promotion and k == len(starts) - 2:
                person = principal_now[post.unit_id][0]
            else:
                person = Person(name=next(names), unit=post.unit,
                                title=post.title if end is None else f"原{post.title}")
                people.append(person)
            if post.is_principal and end is None:
                principal_now[post.unit_id] = (person, start)
            plan.append((person, post, start, end))
    Person.objects.bulk_create(people)
    for tenure in Tenure.objects.bulk_create([Tenure(person=p, post=post, start=a, end=b, **seat_of(post))
                                              for p, post, a, b in plan]):
        roster.tenures[tenure.post.pk].append(tenure)
    return roster


def _seed_teams(rng: random.Random, rounds: list[InspectionRound], office: OrgUnit,
                names: Iterator[str]) -> dict[int, list[InspectionTeam]]:
    """Ten teams per round: a 组长, a 副组长 and 3–5 staff of the inspection office each."""
    leaders = [Person(name=next(names), unit=office, title="巡视组组长") for _ in range(14)]
    deputies = [Person(name=next(names), unit=office, title="巡视组副组长") for _ in range(14)]
    staff = [Person(name=next(names), unit=office, title=rng.choice(corpus.TEAM_STAFF_TITLES[1:]))
             for _ in range(60)]
    Person.objects.bulk_create([*leaders, *deputies, *staff])
    teams: dict[int, list[InspectionTeam]] = {}
    members: list[tuple[InspectionTeam, Person]] = []
    for rnd in rounds:
        chosen_leaders, chosen_deputies, pool = rng.sample(leaders, 10), rng.sample(deputies, 10), rng.sample(staff, 50)
        teams[rnd.pk] = []
        for name, leader, deputy in zip(corpus.TEAMS, chosen_leaders, chosen_deputies, strict=True):
            team = InspectionTeam(round=rnd, name=name, leader=leader)
            teams[rnd.pk].append(team)
            members += [(team, deputy)] + [(team, pool.pop()) for _ in range(rng.randint(3, 5))]
    InspectionTeam.objects.bulk_create([t for ts in teams.values() for t in ts])
    through = InspectionTeam.members.through
    through.objects.bulk_create([through(inspectionteam_id=t.pk, person_id=p.pk) for t, p in members])
    return teams


@dataclass
class _Seeded:
    """What the problem stage hands on: each task with its measure and unit, and its feedback date."""

    problems: list[Problem] = field(default_factory=list)
    tasks: list[tuple[Task, Any, corpus.UnitSpec, InspectedUnit]] = field(default_factory=list)


def _due(rng: random.Random, kind: str, feedback: dt.date) -> dt.date:
    if kind == "immediate":
        return feedback + _days(rng.randint(10, 40))
    if kind == "long_term":
        return feedback + _days(rng.randint(120, 200))
    return feedback + _days(rng.choice([45, 60, 60, 75, 80, 85, 90, 90, 90]))


def _long_term(kind: str, feedback: dt.date) -> dict[str, Any]:
    """A 长期坚持 task's stage goals and review cycle (rule 2), as units write them in their plans."""
    if kind != "long_term":
        return {}
    first, second = feedback + _days(30), feedback + _days(90)
    return {"milestones": (f"第一阶段（{first.year}年{first.month}月底前）：完成问题排查和制度修订；"
                           f"第二阶段（{second.year}年{second.month}月底前）：完成专项检查并督促整改到位；"
                           "此后每半年复查一次，形成长效机制。"),
            "review_months": 6}


def _look_back_status(rng: random.Random, stage: str, kind: str, overdue: bool) -> str:
    """Each problem is at one stage of the concentrated period and its tasks follow it: most are done
    or awaiting review, some are being worked on, a few are stuck (red lights)."""
    r = rng.random()
    if kind == "long_term":  # closed once its stage goal is met and checked, else continuing
        return (TaskStatus.PENDING if stage == "stuck" else
                TaskStatus.CLOSED if stage == "done" and r < 0.55 else TaskStatus.IN_PROGRESS)
    if stage == "done":
        return TaskStatus.CLOSED
    if stage == "review":
        return TaskStatus.SUBMITTED if r < 0.6 else TaskStatus.CLOSED
    if stage == "working":
        return (TaskStatus.CLOSED if r < (0.6 if overdue else 0.35)
                else TaskStatus.IN_PROGRESS if r < 0.9 else TaskStatus.PENDING)
    return TaskStatus.IN_PROGRESS if r < 0.6 else TaskStatus.PENDING


def _seed_problems(
    rng: random.Random, *, rnd: InspectionRound, inspected: list[InspectedUnit], specs: list[corpus.UnitSpec],
    counts: list[int], categories: dict[str, ProblemCategory], today: dt.date, original: bool,
    earlier: dict[tuple[str, int], Problem] | None = None,
) -> tuple[_Seeded, dict[tuple[str, int], Problem]]:
    """The round's fed-back problems and their tasks (not yet saved: tasks need the problems' ids).

    ``earlier`` maps (unit code, template index) to the original round's problem from that template;
    a look-back problem from the same template sometimes repeats it (the problem came back).
    Returns the seeded rows and the same map for this round.
    """
    pool = [(code, t) for code, ts in corpus.PROBLEM_TEMPLATES.items() for t in ts]
    seeded = _Seeded()
    by_template: dict[tuple[str, int], Problem] = {}
    plan: list[tuple[Problem, Any, corpus.UnitSpec, InspectedUnit]] = []
    for iu, count, spec in zip(inspected, counts, specs, strict=True):
        feedback = iu.feedback_date
        chosen = rng.sample(range(len(pool)), min(count, len(pool)))
        chosen += [rng.randrange(len(pool)) for _ in range(count - len(chosen))]
        chosen.sort(key=lambda i: pool[i][0])  # the ledger lists problems category by category
        number_format = OWN_IDENTIFIERS.get(spec.code, "{}") if not original else "{}"
        for number, index in enumerate(chosen, 1):
            code, template = pool[index]
            category = categories.get(code) or categories.get(code.split(".")[0])
            repeated = (earlier or {}).get((spec.code, index))
            if repeated is not None and rng.random() < 0.4:  # rectified on paper, back again
                occurred_from = _month_start(repeated.inspected_unit.feedback_date + _days(rng.randint(60, 400)))
            else:
                repeated = None
                occurred_from = _month_start(feedback - _days(rng.randint(300, 1700) if original
                                                              else rng.randint(150, 1100)))
            occurred_to = min(rnd.start_date - _days(1), occurred_from + _days(rng.randint(200, 900)))
            detail = corpus.fill(template.detail, rng, spec, feedback.year - 1)
            problem = Problem(
                inspected_unit=iu, category=category, kind=ProblemKind.FEEDBACK, repeats=repeated,
                description=corpus.fill(template.description, rng, spec, feedback.year - 1),
                detail=("上轮巡视反馈后整改不彻底，问题反弹回潮。" + detail) if repeated is not None else detail,
                occurred_from=occurred_from, occurred_to=max(occurred_to, occurred_from),
                is_common=rng.random() < 0.15,
            )
            problem.set_number(number_format.format(number))
            seeded.problems.append(problem)
            plan.append((problem, template, spec, iu))
            by_template.setdefault((spec.code, index), problem)
    Problem.objects.bulk_create(seeded.problems)

    for problem, template, spec, iu in plan:
        stage = rng.choices(["done", "review", "working", "stuck"], weights=[58, 12, 23, 7])[0]
        continuing = rng.random() < 0.12  # original round: long-term measures still being kept up
        for number, m in enumerate(template.measures[:4], 1):
            due = _due(rng, m.kind, iu.feedback_date)
            if original:
                status = TaskStatus.IN_PROGRESS if continuing and m.kind == "long_term" else TaskStatus.CLOSED
                if status == TaskStatus.IN_PROGRESS:  # 长期坚持: the next review is ahead
                    due = today + _days(rng.randint(40, 300))
            else:
                status = _look_back_status(rng, stage, m.kind, due < today)
            task = Task(problem=problem, number=number, measure=corpus.fill(m.measure, rng, spec, 0),
                        criterion=corpus.fill(m.criterion, rng, spec, 0), deadline_kind=m.kind,
                        due_date=due, original_due_date=due, status=status, **_long_term(m.kind, iu.feedback_date))
            seeded.tasks.append((task, m, spec, iu))
    return seeded, by_template


def _seed_self_found(rng: random.Random, *, inspected: list[InspectedUnit], specs: list[corpus.UnitSpec],
                     today: dt.date) -> _Seeded:
    """Problems a few units found themselves after the feedback (举一反三), numbered 自查-1 …"""
    seeded = _Seeded()
    plan = []
    for iu, spec in zip(inspected, specs, strict=True):
        for n, template in enumerate(rng.sample(corpus.SELF_FOUND_PROBLEMS, SELF_FOUND.get(spec.code, 0)), 1):
            problem = Problem(inspected_unit=iu, kind=ProblemKind.SELF_FOUND, description=template.description,
                              detail=template.detail,
                              occurred_from=_month_start(iu.feedback_date - _days(rng.randint(200, 700))),
                              occurred_to=iu.feedback_date - _days(30))
            problem.set_number(f"自查-{n}")
            seeded.problems.append(problem)
            plan.append((problem, template, spec, iu))
    Problem.objects.bulk_create(seeded.problems)
    for problem, template, spec, iu in plan:
        stage = rng.choice(["done", "working", "working"])
        for number, m in enumerate(template.measures, 1):
            due = _due(rng, m.kind, iu.feedback_date + _days(20))
            status = _look_back_status(rng, stage, m.kind, due < today)
            seeded.tasks.append((Task(problem=problem, number=number, measure=m.measure, criterion=m.criterion,
                                      deadline_kind=m.kind, due_date=due, original_due_date=due, status=status,
                                      **_long_term(m.kind, iu.feedback_date)),
                                 m, spec, iu))
    return seeded


def _responsibilities(rng: random.Random, seeded: list[tuple[Task, Any, corpus.UnitSpec, InspectedUnit]],
                      roster: _Roster, dept_unit: dict[tuple[str, str], OrgUnit],
                      staff: dict[int, list[Person]]) -> list[Responsibility]:
    """Leader: the member in charge of the lead department, in post at the feedback (else the principal);
    department: the unit's own office; person: someone who works in that office."""
    rows: list[Responsibility] = []
    for task, m, spec, iu in seeded:
        department = corpus.department_for(spec, m.department)
        templates = corpus.posts_for(spec)
        post = roster.posts[spec.code][templates.index(corpus.leader_for_department(templates, department))]
        tenure = roster.holder(post, iu.feedback_date)
        dept = dept_unit.get((spec.code, department))
        rows += [
            Responsibility(task=task, kind=ResponsibilityKind.LEADER, name=tenure.person.name, person=tenure.person,
                           tenure=tenure),
            Responsibility(task=task, kind=ResponsibilityKind.DEPARTMENT, name=department, department=dept),
        ]
        if dept is not None and staff[dept.pk]:
            person = rng.choice(staff[dept.pk])
            rows.append(Responsibility(task=task, kind=ResponsibilityKind.PERSON, name=person.name, person=person))
        if rng.random() < 0.25:  # a co-operating department
            other = rng.choice(spec.departments)
            if other != department:
                rows.append(Responsibility(task=task, kind=ResponsibilityKind.DEPARTMENT, name=other,
                                           department=dept_unit.get((spec.code, other)), is_lead=False))
    return rows


@dataclass
class _History:
    progress: list[ProgressEntry] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    close_outs: list[tuple[CloseOut, list[Evidence]]] = field(default_factory=list)


class _Files:
    """The demo's evidence files: one real PDF per unit, round and document name, written once and shared by
    the unit's tasks of that round (evidence is content-addressed, docs/DECISIONS.md #6), so seeding writes a
    few hundred small files rather than thousands. Each round has its own papers: the same file in two rounds
    is a red flag (evidence reused), planted on purpose only (``demo.lookback``)."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str, str], tuple[str, str, int]] = {}

    def evidence(self, task: Task, spec: corpus.UnitSpec, name: str, uploader: User) -> Evidence:
        name = name.rsplit(".", 1)[0] + ".pdf"  # demo files are real PDFs (scanned versions)
        round_code = task.problem.inspected_unit.round.code
        if (spec.code, round_code, name) not in self.stored:
            content = _pdf(f"{spec.code} {round_code}", name)
            sha = hashlib.sha256(content).hexdigest()
            storage_name = f"evidence/{sha[:2]}/{sha}"
            if not default_storage.exists(storage_name):
                default_storage.save(storage_name, ContentFile(content))
            self.stored[(spec.code, round_code, name)] = (storage_name, sha, len(content))
        storage_name, sha, size = self.stored[(spec.code, round_code, name)]
        return Evidence(task=task, file=storage_name, original_name=name, sha256=sha, size=size,
                        content_type="application/pdf", uploaded_by=uploader)


def _close_out_note(rng: random.Random, task: Task, *, again: bool) -> str:
    """A note that fits: a resubmission answers the return, a long-term measure asks for 基本完成."""
    if again:
        return next(n for n in corpus.CLOSE_OUT_NOTES if n.startswith("根据上次退回意见"))
    stage_goal = task.deadline_kind == "long_term" and rng.random() < 0.5
    notes = [n for n in corpus.CLOSE_OUT_NOTES if not n.startswith("根据上次退回意见") and ("长期坚持" in n) == stage_goal]
    return rng.choice(notes)


def _task_history(rng: random.Random, history: _History, timeline: _Timeline, files_: _Files, *, task: Task,
                  spec: corpus.UnitSpec, feedback: dt.date, today: dt.date, member: User, lead: User,
                  reviewers: list[User]) -> None:
    """Progress, evidence and close-out applications of one task, in an order that could have happened.

    Work starts a few days after the feedback; progress and evidence come before the application
    that cites the evidence; a review follows its application; a returned application is followed by
    rework (a progress note and one more file) before the next one.
    """
    if task.status == TaskStatus.PENDING:
        return
    events = timeline.chain()
    work = feedback + _days(rng.randint(2, 12))
    applies = task.status in (TaskStatus.SUBMITTED, TaskStatus.CLOSED)
    returned = rng.random() < 0.12
    if applies:
        latest = today if task.status == TaskStatus.SUBMITTED else today - _days(1)
        earliest = min(latest, work + _days(10 if returned else 6))
        applied = min(latest, max(earliest, task.due_date - _days(rng.randint(0, 12))))
        work = min(work, applied - _days(10 if returned else 6))
    first = applied if applies else None
    if returned:
        last = applied - _days(7) if applies else today - _days(2)
        first = max(work + _days(3), last - _days(rng.randint(0, 14 if applies else 20)))
        reviewed_first = min(first + _days(rng.randint(1, 3)), applied - _days(4) if applies else today)
    until = first or today
    for k in range(n := rng.randint(1, 3)):
        entry = ProgressEntry(task=task, author=member, text=rng.choice(corpus.PROGRESS_NOTES))
        history.progress.append(entry)
        events.append((work + _days((until - work).days * k // n), 10, entry, "created_at"))
    files: list[Evidence] = []
    if applies or returned or rng.random() < 0.3:
        names = rng.sample(corpus.EVIDENCE_NAMES, rng.randint(2, 4))
        last_day = until - _days(1) if first else today
        span = (last_day - work).days
        for k, name in enumerate(names[:-1]):  # gathered as the work goes on, all before the application
            ev = files_.evidence(task, spec, name, member)
            files.append(ev)
            events.append((work + _days(max(1, span * (k + 1) // (len(names) - 1))) if span > 0 else last_day,
                           15, ev, "uploaded_at"))
        history.evidence += files
    if returned:
        cited = list(files)
        first_close_out = CloseOut(task=task, note=_close_out_note(rng, task, again=False), submitted_by=lead,
                                   state=CloseOutState.RETURNED, reviewed_by=rng.choice(reviewers),
                                   review_comment=rng.choice(corpus.RETURN_REASONS))
        history.close_outs.append((first_close_out, cited))
        events += [(first, 9, first_close_out, "submitted_at"), (reviewed_first, 16, first_close_out, "reviewed_at")]
        rework_day = min(reviewed_first + _days(1), applied - _days(1)) if applies else today
        entry = ProgressEntry(task=task, author=member, text=rng.choice(corpus.REWORK_NOTES))
        extra = files_.evidence(task, spec, names[-1], member)
        history.progress.append(entry)
        history.evidence.append(extra)
        files.append(extra)
        events += [(rework_day, 17, entry, "created_at"), (rework_day, 18, extra, "uploaded_at")]
    if task.status == TaskStatus.SUBMITTED:
        pending = CloseOut(task=task, note=_close_out_note(rng, task, again=returned), submitted_by=lead)
        history.close_outs.append((pending, list(files)))
        events.append((applied, 9, pending, "submitted_at"))
    elif task.status == TaskStatus.CLOSED:
        approved = CloseOut(task=task, note=_close_out_note(rng, task, again=returned), submitted_by=lead,
                            state=CloseOutState.APPROVED, reviewed_by=rng.choice(reviewers),
                            review_comment="佐证材料齐全，整改到位，同意销号。")
        history.close_outs.append((approved, list(files)))
        reviewed = min(today, applied + _days(rng.randint(1, 6)))
        events += [(applied, 9, approved, "submitted_at"), (reviewed, 16, approved, "reviewed_at")]


def _sync_closed_at(history: _History) -> None:
    """A task is closed the moment its approved close-out was reviewed (the timeline set both)."""
    for close_out, _files in history.close_outs:
        if close_out.state == CloseOutState.APPROVED:
            close_out.task.closed_at = close_out.reviewed_at


def _clue_result(rng: random.Random) -> tuple[str, str]:
    disposition = rng.choice(ClueDisposition.values)
    return disposition, rng.choice(corpus.CLUE_RESULTS[disposition])


def _seed_clues(rng: random.Random, *, look_back: list[InspectedUnit], original: list[InspectedUnit],
                problems_by_unit: dict[int, list[Problem]], today: dt.date) -> list[Clue]:
    """158 clues in the look-back round, registered on site and handed over, most after the feedback,
    a few urgent ones during the inspection; results came back for some. ``OVERDUE_CLUES`` of the
    urgent ones are still without results more than three months on. The original round's clues
    were all dealt with."""
    clues: list[Clue] = []
    per_unit = _split(TOTAL_CLUES, len(look_back), rng, 3, 14)
    urgent = set(rng.sample(range(TOTAL_CLUES), 8 + OVERDUE_CLUES))
    overdue = set(rng.sample(sorted(urgent), OVERDUE_CLUES))
    serial = 0
    for iu, count in zip(look_back, per_unit, strict=True):
        on_site = iu.round.start_date
        for _ in range(count):
            if serial in urgent:
                handed = today - _days(rng.randint(100, 118))
                registered = handed - _days(rng.randint(1, 4))
            else:
                handed = iu.feedback_date + _days(rng.randint(0, 7))
                registered = on_site + _days(rng.randint(5, 45))
            back = handed + _days(rng.randint(20, 60))
            disposition, result, feedback_on = "", "", None
            if serial in overdue:
                disposition = rng.choice([ClueDisposition.TALK_OR_INQUIRY, ClueDisposition.PRELIMINARY_CHECK, ""])
            elif back < today and (serial in urgent or rng.random() < 0.55):
                disposition, result = _clue_result(rng)
                feedback_on = back
            else:
                disposition = rng.choice([*ClueDisposition.values, "", ""])
            serial += 1
            clues.append(Clue(
                inspected_unit=iu, problem=rng.choice(problems_by_unit[iu.pk]) if rng.random() < 0.6 else None,
                number=f"YN-HKK-XS-{serial:03d}", summary=rng.choice(corpus.CLUE_SUMMARIES),
                registered_on=registered, handed_to=rng.choice(["省纪委监委", "省纪委监委", "省委组织部"]),
                handed_over_on=handed, disposition=disposition, feedback_on=feedback_on, result=result,
                concluded=bool(result) and result not in corpus.CLUE_RESULTS_OPEN,
            ))
    serial = 0
    for iu in original:
        for _ in range(rng.randint(2, 5)):
            serial += 1
            handed = iu.feedback_date + _days(rng.randint(0, 7))
            disposition, result = _clue_result(rng)
            clues.append(Clue(
                inspected_unit=iu, problem=rng.choice(problems_by_unit[iu.pk]) if rng.random() < 0.5 else None,
                number=f"YN-XS14-XS-{serial:03d}", summary=rng.choice(corpus.CLUE_SUMMARIES),
                registered_on=iu.round.start_date + _days(rng.randint(5, 45)), handed_to="省纪委监委",
                handed_over_on=handed, disposition=disposition, feedback_on=handed + _days(rng.randint(20, 90)),
                result=result, concluded=result not in corpus.CLUE_RESULTS_OPEN,
            ))
    return clues


AWAITING_REVIEW_UNIT = "YN-NYTZ"  # the plan returned once and submitted again: the office's review to do
RETURNED_ONCE = 5  # units (besides that one) whose plan was returned once before approval (scenario 1)
RETURN_REASONS = [
    "部分整改措施针对性不强，完成标准不可量化，请逐条明确“做到什么程度算完成”。",
    "责任清单不完整：部分任务未明确责任领导和责任人，请对照班子分工补充。",
    "立行立改事项的完成时限超出集中整改期，请调整；长期坚持事项请写明阶段目标。",
]


def _seed_plans(rng: random.Random, *, inspected_units: list[InspectedUnit], all_tasks: list, unit_actor: dict,
                reviewers: list[User], today: dt.date) -> tuple[list[RectificationPlan], list[PlanEvent]]:
    """Every unit submitted its three lists as a plan within three weeks of the feedback; the office
    approved it, after returning a few once with a reason. One unit's resubmitted plan awaits review."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    problems_seen: set[int] = set()
    for task, _m, _spec, iu in all_tasks:
        counts[iu.pk][1] += 1
        if task.problem_id not in problems_seen:
            problems_seen.add(task.problem_id)
            counts[iu.pk][0] += 1
    plans, events = [], []
    returned = set(rng.sample([iu.pk for iu in inspected_units[len(inspected_units) // 2:]
                               if iu.unit.code not in (AWAITING_REVIEW_UNIT, DEMO_UNIT)], RETURNED_ONCE))
    for iu in inspected_units:
        lead, reviewer = unit_actor[iu.unit.code], rng.choice(reviewers)
        problems, tasks = counts[iu.pk]

        def at(days: int, hour: int, feedback: dt.date = iu.feedback_date) -> dt.datetime:
            day = min(feedback + _days(days), today - _days(1))
            return dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), tzinfo=clock.SHANGHAI)

        steps = [(PlanAction.SUBMITTED, lead, at(rng.randint(10, 14), 10), "")]
        if iu.pk in returned or iu.unit.code == AWAITING_REVIEW_UNIT:
            steps += [(PlanAction.RETURNED, reviewer, at(16, 15), rng.choice(RETURN_REASONS)),
                      (PlanAction.SUBMITTED, lead, at(rng.randint(19, 21), 9), "")]
        if iu.unit.code != AWAITING_REVIEW_UNIT or iu.round.kind != RoundKind.LOOK_BACK:
            steps.append((PlanAction.APPROVED, reviewer, at(rng.randint(23, 26), 16), "同意。请严格按方案推进整改，按期报送进展。"))
        final = {PlanAction.SUBMITTED: PlanState.SUBMITTED, PlanAction.APPROVED: PlanState.APPROVED}[steps[-1][0]]
        plan = RectificationPlan(inspected_unit=iu, state=final, version=1 + len(steps),
                                 submitted_at=max(s[2] for s in steps if s[0] == PlanAction.SUBMITTED),
                                 approved_at=steps[-1][2] if final == PlanState.APPROVED else None)
        plans.append(plan)
        events.append([(action, actor, moment, comment, problems, tasks) for action, actor, moment, comment in steps])
    RectificationPlan.objects.bulk_create(plans)
    rows = [PlanEvent(plan=plan, action=action, actor=actor, actor_name=str(actor), at=moment, comment=comment,
                      problems=problems, tasks=tasks)
            for plan, steps in zip(plans, events, strict=True)
            for action, actor, moment, comment, problems, tasks in steps]
    PlanEvent.objects.bulk_create(rows)
    return plans, rows


EXTENSION_REASONS = [
    "涉及资金清退的当事人已调离，需协调其现工作单位配合，申请延期一个月。",
    "制度修订须经党组会审议，会议安排在下月初，申请顺延完成时限。",
    "专项审计由第三方机构开展，审计报告预计下月出具，申请延期。",
]


def _seed_change_requests(rng: random.Random, seeded: list, *, unit_actor: dict, reviewers: list[User],
                          today: dt.date) -> list[ChangeRequest]:
    """After approval some units asked to extend a deadline: most were approved (the original deadline stays
    for the overdue statistics), one refused, and the demo unit's latest request awaits the office."""
    open_tasks = [(t, iu) for t, _m, _spec, iu in seeded
                  if t.status in (TaskStatus.PENDING, TaskStatus.IN_PROGRESS) and t.deadline_kind == DeadlineKind.DEADLINE
                  and iu.unit.code != AWAITING_REVIEW_UNIT]
    demo = [(t, iu) for t, iu in open_tasks if iu.unit.code == DEMO_UNIT]
    others = [(t, iu) for t, iu in open_tasks if iu.unit.code != DEMO_UNIT]
    picked = demo[:3] + rng.sample(others, min(6, len(others)))
    states = [ChangeRequestState.APPROVED, ChangeRequestState.REFUSED, ChangeRequestState.PENDING] + \
             [ChangeRequestState.APPROVED] * 5 + [ChangeRequestState.REFUSED]
    rows = []
    for (task, iu), state in zip(picked, states, strict=False):
        new_due = task.due_date + _days(rng.choice([30, 31, 45]))
        requested = dt.datetime.combine(min(task.due_date - _days(7), today - _days(3)), dt.time(10, 30),
                                        tzinfo=clock.SHANGHAI)
        decided = requested + dt.timedelta(days=2, hours=5) if state != ChangeRequestState.PENDING else None
        lead, reviewer = unit_actor[iu.unit.code], rng.choice(reviewers)
        change = ChangeRequest(
            problem_id=task.problem_id, task=task, state=state, source=ChangeRequestSource.PAGE,
            changes={"due_date": {"before": task.due_date.isoformat(), "after": new_due.isoformat()}},
            reason=rng.choice(EXTENSION_REASONS), requested_by=lead, requested_by_name=str(lead), is_extension=True,
            requested_at=requested, decided_by=reviewer if decided else None, decided_at=decided,
            decision_comment={ChangeRequestState.APPROVED: "同意延期，请按新时限完成。",
                              ChangeRequestState.REFUSED: "延期理由不充分，请按原定时限完成整改。"}.get(state, ""))
        if state == ChangeRequestState.APPROVED:
            task.due_date = new_due  # warnings follow the approved date; original_due_date stays
        rows.append(change)
    ChangeRequest.objects.bulk_create(rows)
    return rows


@transaction.atomic
def demo_load(*, seed: int = SEED) -> dict[str, Any]:
    """Load the demo into an empty database and return a summary with the demo logins."""
    rng = random.Random(seed)
    today = clock.today()
    now = clock.now()
    specs = corpus.UNITS

    # --- the org tree: the 20 units and their offices, the prefectures, the inspection office ----
    province = org_units_bulk_create([OrgUnit(code="YN", name="中共云南省委", short_name="省委",
                                              kind=OrgKind.PROVINCE)])[0]
    units = org_units_bulk_create([
        OrgUnit(code=s.code, name=s.name, short_name=s.short_name,
                kind=OrgKind.DEPARTMENT if s.kind == "department" else OrgKind.ENTERPRISE, parent=province)
        for s in specs
    ])
    unit_by_code = {u.code: u for u in units}
    internal = org_units_bulk_create([
        OrgUnit(code=f"{s.code}-{i + 1:02d}", name=d, kind=OrgKind.INTERNAL, parent=unit_by_code[s.code])
        for s in specs for i, d in enumerate(s.departments)
    ])
    dept_unit = {(u.parent.code, u.name): u for u in internal}
    prefectures = org_units_bulk_create([
        OrgUnit(code=p.code, name=p.name, short_name=p.short_name, kind=OrgKind.PREFECTURE, parent=province)
        for p in corpus.PREFECTURES
    ])
    prefecture_by_code = {u.code: u for u in prefectures}
    office_spec = corpus.INSPECTION_OFFICE
    org_units_bulk_create([
        *[OrgUnit(code=c.code, name=c.name, short_name=c.short_name, kind=OrgKind.COUNTY,
                  parent=prefecture_by_code[code]) for code, cs in corpus.COUNTIES.items() for c in cs],
        office := OrgUnit(code=office_spec.code, name=office_spec.name, short_name=office_spec.short_name,
                          kind=OrgKind.OTHER, parent=province),
    ])

    # --- who is who: leadership rosters with their history, staff of the offices ------------------
    names = iter(corpus.unique_names(rng, 1200))
    roster = _seed_roster(rng, specs, unit_by_code, names, today)
    staff: dict[int, list[Person]] = defaultdict(list)
    staff_rows = [
        Person(name=next(names), unit=d, title=rng.choice(["处长", "副处长", "主任", "副主任"])
               if d.parent.kind == OrgKind.DEPARTMENT else rng.choice(["部长", "副部长", "经理"]))
        for d in internal for _ in range(2)
    ]
    Person.objects.bulk_create(staff_rows)
    for person in staff_rows:
        staff[person.unit_id].append(person)

    # --- the rounds, their teams and inspected units ----------------------------------------------
    original = InspectionRound.objects.create(
        code=ORIGINAL_ROUND_CODE, name="十届省委第十四轮巡视", kind=RoundKind.REGULAR, level=RoundLevel.PROVINCIAL,
        start_date=today - _days(800), end_date=today - _days(740),
    )
    rnd = InspectionRound.objects.create(
        code=ROUND_CODE, name="十届省委第十四轮巡视“回头看”", kind=RoundKind.LOOK_BACK, level=RoundLevel.PROVINCIAL,
        look_back_of=original, start_date=today - _days(130), end_date=today - _days(80),
    )
    teams = _seed_teams(rng, [original, rnd], office, names)
    order = rng.sample(range(len(specs)), len(specs))  # two years ago the teams went to other units
    original_units = InspectedUnit.objects.bulk_create([
        InspectedUnit(round=original, unit=unit_by_code[s.code], team=teams[original.pk][order[i] // 2],
                      feedback_date=today - _days(720 + i % 5))
        for i, s in enumerate(specs)
    ])
    inspected = InspectedUnit.objects.bulk_create([
        InspectedUnit(round=rnd, unit=unit_by_code[s.code], team=teams[rnd.pk][i // 2],
                      feedback_date=today - _days(70 + i % 4))
        for i, s in enumerate(specs)
    ])

    # --- problems, tasks and the responsibility list ----------------------------------------------
    categories = {c.code: c for c in ProblemCategory.objects.all()}
    before, earlier = _seed_problems(
        rng, rnd=original, inspected=original_units, specs=specs, categories=categories, today=today,
        counts=[rng.randint(*ORIGINAL_PER_UNIT) for _ in specs], original=True)
    current, _ = _seed_problems(
        rng, rnd=rnd, inspected=inspected, specs=specs, categories=categories, today=today,
        counts=_split(TOTAL_PROBLEMS, len(inspected), rng, 22, 42), original=False, earlier=earlier)
    self_found = _seed_self_found(rng, inspected=inspected, specs=specs, today=today)
    all_tasks = before.tasks + current.tasks + self_found.tasks

    # --- users ------------------------------------------------------------------------------------
    users: dict[str, User] = {}
    for username, role, unit_code, display in LOGINS:
        u = User(username=username, role=role, unit=unit_by_code.get(unit_code) if unit_code else None,
                 display_name=display, is_staff=role == Role.ADMIN)
        u.set_password(DEMO_PASSWORD)
        users[username] = u
    User.objects.bulk_create(users.values())
    reviewers = [users["xunshiban"], users["xunshiban2"], users["jiwei"]]

    # Unit-side accounts of the other units are not demo logins; progress there is by the unit lead.
    unit_actor: dict[str, User] = {}
    extra_users = []
    for spec in specs:
        if spec.code == DEMO_UNIT:
            unit_actor[spec.code] = users["jyt_lead"]
            continue
        u = User(username=f"{spec.code.lower()}_lead", role=Role.UNIT_LEAD, unit=unit_by_code[spec.code],
                 display_name=f"{spec.short_name}整改办", is_active=True)
        u.set_unusable_password()
        extra_users.append(u)
        unit_actor[spec.code] = u
    # The commission's head: not a demo login; approves forced specialist assignments (rule 11).
    head = User(username="jiwei_shuji", role=Role.COMMISSION, display_name="孙书记")
    head.set_unusable_password()
    extra_users.append(head)
    User.objects.bulk_create(extra_users)

    # --- progress, evidence and close-outs, one consistent history per task -----------------------
    # Worked out before the tasks are written, so that each task is written once, closed_at and all.
    history, timeline, files = _History(), _Timeline(rng, now), _Files()
    for task, _m, spec, iu in all_tasks:
        lead = unit_actor[spec.code]
        member = users["jyt_member"] if spec.code == DEMO_UNIT else lead
        _task_history(rng, history, timeline, files, task=task, spec=spec, feedback=iu.feedback_date, today=today,
                      member=member, lead=lead, reviewers=reviewers)
    timeline.settle()
    _sync_closed_at(history)
    # The look-back's confirmed repeats reopen their earlier tasks; a few red flags are planted (demo.lookback).
    look_back = lookback_demo.before_write(random.Random(seed + 11), current=current.problems, all_tasks=all_tasks, history=history,
                                           today=today, now=now)
    Task.objects.bulk_create([t for t, *_ in all_tasks])
    Responsibility.objects.bulk_create(_responsibilities(rng, all_tasks, roster, dept_unit, staff))
    ProgressEntry.objects.bulk_create(history.progress)
    Evidence.objects.bulk_create(history.evidence)
    CloseOut.objects.bulk_create([c for c, _ in history.close_outs])
    through = CloseOut.evidence.through
    through.objects.bulk_create([through(closeout_id=c.pk, evidence_id=e.pk)
                                 for c, files_cited in history.close_outs for e in files_cited])

    # --- the plans and their review, change requests after approval --------------------------------
    plans, plan_events = _seed_plans(rng, inspected_units=original_units + inspected, all_tasks=all_tasks,
                                     unit_actor=unit_actor, reviewers=reviewers, today=today)
    changes = _seed_change_requests(rng, current.tasks, unit_actor=unit_actor, reviewers=reviewers, today=today)
    Task.objects.bulk_update([c.task for c in changes if c.state == ChangeRequestState.APPROVED],
                             ["due_date", "deadline_kind", "milestones", "review_months"])

    look_back_summary = lookback_demo.after_write(
        random.Random(seed + 13), plan=look_back, history=history, all_tasks=all_tasks, today=today, now=now,
        office=users["xunshiban"], commission=users["jiwei"], inspected=inspected)

    rollups.rebuild()  # the read model of everything just written (decision 28)

    # --- clues (confidential) ---------------------------------------------------------------------
    problems_by_unit: dict[int, list[Problem]] = defaultdict(list)
    for p in before.problems + current.problems:
        problems_by_unit[p.inspected_unit_id].append(p)
    clues = Clue.objects.bulk_create(_seed_clues(rng, look_back=inspected, original=original_units,
                                                 problems_by_unit=problems_by_unit, today=today))

    # --- supervision orders, a second extension, a close-out held by its clue (issue 11) --------------
    supervision = seed_supervision(today=today, seeded=current.tasks, inspected=inspected,
                                   demo_unit=DEMO_UNIT, users=users, unit_actor=unit_actor, clues=clues,
                                   changes=changes)

    # --- precise accountability: the specialist pool and cases at every stage -----------------------
    accountability = seed_accountability(
        rng=random.Random(seed + 12), today=today, problems=current.problems, original_problems=before.problems,
        tenures=[t for ts in roster.tenures.values() for t in ts], units=units, prefectures=prefectures,
        jyt_staff=[p for p in staff_rows if p.unit.parent.code == DEMO_UNIT], names=names,
        commission=users["jiwei"], approver=extra_users[-1])

    # --- report cycles: filed, late and missing reports ---------------------------------------------
    report_cycles = seed_report_cycles(
        rng=random.Random(seed + 10), look_back=rnd, original=original, look_back_units=inspected,
        original_units=original_units, unit_actor=unit_actor, demo_unit=DEMO_UNIT, today=today)
    # --- the typical-case library and the province-wide training ------------------------------------
    cases = seed_cases(commission=users["jiwei"], today=today, rng=random.Random(seed + 13))
    # --- notifications: addresses, who is who in the roster, the first run's inbox ----------------------
    notified = _seed_notifications(users=[*users.values(), *extra_users], demo_unit=unit_by_code[DEMO_UNIT],
                                   member=users["jyt_member"], today=today)

    summary = {
        "notifications": notified,
        "round": rnd.code,
        "original_round": original.code,
        "units": [{"code": u.code, "name": u.name, "kind": u.kind} for u in units],
        "problems": len(current.problems),
        "self_found_problems": len(self_found.problems),
        "original_problems": len(before.problems),
        "clues": sum(c.inspected_unit.round_id == rnd.pk for c in clues),
        "tasks": len(current.tasks) + look_back_summary["follow_up_tasks"],
        "plans": {state: sum(p.state == state for p in plans if p.inspected_unit.round_id == rnd.pk)
                  for state in PlanState.values},
        "plan_events": len(plan_events),
        "change_requests": {state: sum(c.state == state for c in changes) for state in ChangeRequestState.values},
        "logins": [_login(users[username]) for username, *_ in LOGINS],
        "accountability": accountability,
        "supervision": supervision,
        "look_back": look_back_summary,
        "report_cycles": report_cycles,
        "cases": cases,
    }
    audit_record(actor=None, action="demo.loaded", object_type="inspections.inspectionround", object_id=rnd.pk,
                 after={k: v for k, v in summary.items() if k not in ("units", "logins")} | {"generated_at": now})
    return summary


def _seed_notifications(*, users: list[User], demo_unit: OrgUnit, member: User, today: dt.date) -> int:
    """Every demo user gets an e-mail address; the demo unit's member is the responsible person of most of its
    tasks, and accounts (no demo logins) are made for its principal and its busiest leader in charge, so the
    escalation ladder reaches people. Then one notify run fills the inboxes (e-mail only with an SMTP server)."""
    from django.db.models import Count

    from rectify.notifications.models import Preference
    from rectify.notifications.services import notify_run

    for u in users:
        u.email = f"{u.username.replace('_', '.')}@demo.rectify.example"
    User.objects.bulk_update(users, ["email"])
    unit_tasks = Responsibility.objects.filter(task__problem__inspected_unit__unit=demo_unit)
    links: list[tuple[User, int]] = []
    person = (unit_tasks.filter(kind=ResponsibilityKind.PERSON, person__isnull=False).values("person_id")
              .annotate(n=Count("pk")).order_by("-n", "person_id").values_list("person_id", flat=True).first())
    if person:
        links.append((member, person))
    leader = (unit_tasks.filter(kind=ResponsibilityKind.LEADER, tenure__isnull=False).values("tenure__person_id")
              .annotate(n=Count("pk")).order_by("-n", "tenure__person_id")
              .values_list("tenure__person_id", flat=True).first())
    principal = (Tenure.objects.filter(post__unit=demo_unit, post__is_principal=True, end__isnull=True)
                 .values_list("person_id", flat=True).first())
    for username, person_id in (("jyt_fenguan", leader), ("jyt_shuji", principal)):
        if not person_id:
            continue
        name = Person.objects.get(pk=person_id).name
        u = User(username=username, role=Role.UNIT_MEMBER, unit=demo_unit, display_name=name,
                 email=f"{username.replace('_', '.')}@demo.rectify.example")
        u.set_unusable_password()
        u.save()
        links.append((u, person_id))
    Preference.objects.bulk_create([Preference(user=u, person_id=p) for u, p in links])
    return notify_run(today=today).notifications
