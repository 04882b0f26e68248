"""A realistic demonstration data set, modelled on the seed articles.

云南省委巡视工作领导小组 fed back the look-back (回头看) of the 10th committee's 14th round to
20 party organisations (14 provincial departments, 6 provincial enterprises): 624 problems and
158 clues. Dates are laid relative to today so that warnings, overdue items and the review
queue look as they would in the middle of the concentrated rectification period.

Seeding writes in bulk (one transaction, one audit event for the whole load) — the rows it
creates are the same a unit would create through the services, which the tests exercise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from rectify.accounts.models import Role, User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.demo import corpus
from rectify.inspections.models import (
    Clue,
    ClueDisposition,
    InspectedUnit,
    InspectionRound,
    InspectionTeam,
    Problem,
    ProblemCategory,
    RoundKind,
    RoundLevel,
)
from rectify.orgs.models import OrgKind, OrgUnit, Person, Post, Tenure
from rectify.orgs.services import org_units_bulk_create
from rectify.rectification.models import (
    CloseOut,
    CloseOutState,
    Evidence,
    ProgressEntry,
    Responsibility,
    ResponsibilityKind,
    Task,
    TaskStatus,
)

DEMO_PASSWORD = "demo-pass-2026"
ROUND_CODE = "YN-10-14-HKK"
TOTAL_PROBLEMS = 624
TOTAL_CLUES = 158
SEED = 20211113
DEMO_UNIT = "YN-JYT"  # 省教育厅（省委教育工委）: the demo unit users belong to

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


@transaction.atomic
def demo_load(*, seed: int = SEED) -> dict[str, Any]:
    """Load the demo into an empty database and return a summary with the demo logins."""
    rng = random.Random(seed)
    today = clock.today()
    now = clock.now()
    year = today.year

    # --- the org tree ------------------------------------------------------------------------
    province = org_units_bulk_create([OrgUnit(code="YN", name="中共云南省委", short_name="省委",
                                              kind=OrgKind.PROVINCE)])[0]
    specs = corpus.UNITS
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

    # --- leadership posts, people, tenures (some units have a former principal) -----------------
    names = iter(corpus.unique_names(rng, 20 * 12 + 400))
    posts: list[Post] = []
    for s in specs:
        for order, p in enumerate(corpus.posts_for(s)):
            post = Post(unit=unit_by_code[s.code], title=corpus.post_title(s, p), is_principal=p.is_principal,
                        areas="、".join(corpus.post_areas(s, p)), sort_order=order)
            posts.append(post)
    Post.objects.bulk_create(posts)
    people: list[Person] = []
    tenures: list[tuple[int, Person, Post, dt.date, dt.date | None]] = []
    former_principal_units = set(rng.sample([s.code for s in specs], 8))
    for post in posts:
        current = Person(name=next(names), unit=post.unit, title=post.title)
        people.append(current)
        if post.is_principal and post.unit.code in former_principal_units:
            former = Person(name=next(names), unit=None, title=f"原{post.title}")
            people.append(former)
            handover = today - dt.timedelta(days=rng.randint(150, 420))
            tenures.append((0, former, post, handover - dt.timedelta(days=rng.randint(900, 1800)), handover))
            tenures.append((0, current, post, handover, None))
        else:
            tenures.append((0, current, post, today - dt.timedelta(days=rng.randint(400, 2000)), None))
    Person.objects.bulk_create(people)
    tenure_rows = Tenure.objects.bulk_create([Tenure(person=p, post=post, start=a, end=b) for _, p, post, a, b in tenures])
    current_tenure = {t.post_id: t for t in tenure_rows if t.end is None}

    # --- staff persons per internal department (responsible persons) ----------------------------
    staff: dict[int, list[Person]] = defaultdict(list)
    staff_rows = []
    for d in internal:
        for _ in range(2):
            staff_rows.append(Person(name=next(names), unit=d, title=rng.choice(["处长", "副处长", "主任", "副主任"])
                                     if d.parent.kind == OrgKind.DEPARTMENT else rng.choice(["部长", "副部长", "经理"])))
    Person.objects.bulk_create(staff_rows)
    for person in staff_rows:
        staff[person.unit_id].append(person)

    # --- the rounds ----------------------------------------------------------------------------
    original = InspectionRound.objects.create(
        code="YN-10-14", name="十届省委第十四轮巡视", kind=RoundKind.REGULAR, level=RoundLevel.PROVINCIAL,
        start_date=today - dt.timedelta(days=720), end_date=today - dt.timedelta(days=640),
    )
    rnd = InspectionRound.objects.create(
        code=ROUND_CODE, name="十届省委第十四轮巡视“回头看”", kind=RoundKind.LOOK_BACK, level=RoundLevel.PROVINCIAL,
        look_back_of=original, start_date=today - dt.timedelta(days=130), end_date=today - dt.timedelta(days=80),
    )
    teams = InspectionTeam.objects.bulk_create([
        InspectionTeam(round=rnd, name=name) for name in corpus.TEAMS[:10]
    ])
    inspected = InspectedUnit.objects.bulk_create([
        InspectedUnit(round=rnd, unit=unit_by_code[s.code], team=teams[i // 2],
                      feedback_date=today - dt.timedelta(days=70 + (i % 4)))
        for i, s in enumerate(specs)
    ])

    # --- problems, tasks and the responsibility list --------------------------------------------
    categories = {c.code: c for c in ProblemCategory.objects.all()}
    template_pool = [(code, t) for code, ts in corpus.PROBLEM_TEMPLATES.items() for t in ts]
    per_unit = _split(TOTAL_PROBLEMS, len(inspected), rng, 22, 42)
    problems: list[Problem] = []
    plan: list[tuple[Problem, Any, Any]] = []
    for iu, count, spec in zip(inspected, per_unit, specs, strict=True):
        chosen = rng.sample(template_pool, min(count, len(template_pool)))
        chosen += [rng.choice(template_pool) for _ in range(count - len(chosen))]
        chosen.sort(key=lambda item: item[0])  # the ledger lists problems category by category
        for number, (code, template) in enumerate(chosen, 1):
            category = categories.get(code) or categories.get(code.split(".")[0])
            occurred_from = dt.date(year - rng.randint(2, 5), rng.randint(1, 12), 1)
            problem = Problem(
                inspected_unit=iu, category=category,
                description=corpus.fill(template.description, rng, spec, year - 1),
                detail=corpus.fill(template.detail, rng, spec, year - 1),
                occurred_from=occurred_from, occurred_to=min(today, occurred_from + dt.timedelta(days=rng.randint(200, 900))),
                is_common=rng.random() < 0.15,
            )
            problem.set_number(str(number))
            problems.append(problem)
            plan.append((problem, template, spec))
    Problem.objects.bulk_create(problems)

    tasks: list[Task] = []
    task_meta: list[tuple[Task, Any, Any]] = []
    for problem, template, spec in plan:
        iu_feedback = next(iu.feedback_date for iu in inspected if iu.pk == problem.inspected_unit_id)
        for number, m in enumerate(template.measures[:4], 1):
            if m.kind == "immediate":
                due = iu_feedback + dt.timedelta(days=rng.randint(10, 40))
            elif m.kind == "long_term":
                due = iu_feedback + dt.timedelta(days=rng.randint(120, 200))
            else:
                due = iu_feedback + dt.timedelta(days=rng.choice([45, 60, 60, 75, 80, 85, 90, 90, 90]))
            task = Task(problem=problem, number=number, measure=corpus.fill(m.measure, rng, spec, year - 1),
                        criterion=corpus.fill(m.criterion, rng, spec, year - 1), deadline_kind=m.kind,
                        due_date=due, original_due_date=due)
            tasks.append(task)
            task_meta.append((task, m, spec))

    # Each problem is at one stage of the concentrated period, and its tasks follow it: most
    # are done or awaiting review, some are being worked on, a few are stuck (red lights).
    by_problem: dict[int, list[tuple[Task, Any]]] = defaultdict(list)
    for task, m, _spec in task_meta:
        by_problem[id(task.problem)].append((task, m))
    for group in by_problem.values():
        stage = rng.choices(["done", "review", "working", "stuck"], weights=[58, 12, 23, 7])[0]
        for task, m in group:
            overdue = task.due_date < today
            r = rng.random()
            if m.kind == "long_term":  # closed once its stage goal is met and checked, else continuing
                task.status = (TaskStatus.PENDING if stage == "stuck" else
                               TaskStatus.CLOSED if stage == "done" and r < 0.55 else TaskStatus.IN_PROGRESS)
            elif stage == "done":
                task.status = TaskStatus.CLOSED
            elif stage == "review":
                task.status = TaskStatus.SUBMITTED if r < 0.6 else TaskStatus.CLOSED
            elif stage == "working":
                task.status = (TaskStatus.CLOSED if r < (0.6 if overdue else 0.35)
                               else TaskStatus.IN_PROGRESS if r < 0.9 else TaskStatus.PENDING)
            else:
                task.status = TaskStatus.IN_PROGRESS if r < 0.6 else TaskStatus.PENDING
    Task.objects.bulk_create(tasks)

    responsibilities: list[Responsibility] = []
    post_by_unit: dict[int, list[Post]] = defaultdict(list)
    for post in posts:
        post_by_unit[post.unit_id].append(post)
    for task, m, spec in task_meta:
        unit = unit_by_code[spec.code]
        department = corpus.department_for(spec, m.department)
        templates = corpus.posts_for(spec)
        leader_index = templates.index(corpus.leader_for_department(templates, department))
        post = next(p for p in post_by_unit[unit.pk] if p.sort_order == leader_index)
        tenure = current_tenure[post.pk]
        dept = dept_unit.get((spec.code, department))
        person = rng.choice(staff[dept.pk]) if dept is not None and staff[dept.pk] else None
        responsibilities += [
            Responsibility(task=task, kind=ResponsibilityKind.LEADER, name=tenure.person.name, person=tenure.person,
                           tenure=tenure),
            Responsibility(task=task, kind=ResponsibilityKind.DEPARTMENT, name=department, department=dept),
        ]
        if person is not None:
            responsibilities.append(Responsibility(task=task, kind=ResponsibilityKind.PERSON, name=person.name,
                                                   person=person))
        if rng.random() < 0.25:  # a co-operating department
            other = rng.choice(spec.departments)
            if other != department:
                responsibilities.append(Responsibility(task=task, kind=ResponsibilityKind.DEPARTMENT, name=other,
                                                       department=dept_unit.get((spec.code, other)), is_lead=False))
    Responsibility.objects.bulk_create(responsibilities)

    # --- users ---------------------------------------------------------------------------------
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
    User.objects.bulk_create(extra_users)

    # --- progress, evidence and close-outs --------------------------------------------------------
    progress_rows: list[ProgressEntry] = []
    evidence_rows: list[Evidence] = []
    close_out_rows: list[tuple[CloseOut, list[int]]] = []
    evidence_by_task: dict[int, list[Evidence]] = defaultdict(list)

    def at(day: dt.date, hour: int) -> dt.datetime:
        """That day at about ``hour`` Beijing time — never in the future: an event "today" is moved to
        earlier hours, later hours staying later, so submissions still precede their reviews."""
        minute = rng.randint(0, 59)
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.SHANGHAI)
        return min(moment, now - dt.timedelta(hours=24 - hour, minutes=60 - minute))

    for task, _m, spec in task_meta:
        if task.status == TaskStatus.PENDING:
            continue
        lead = unit_actor[spec.code]
        member = users["jyt_member"] if spec.code == DEMO_UNIT else lead
        feedback = today - dt.timedelta(days=70)
        start = feedback + dt.timedelta(days=rng.randint(3, 15))
        for k in range(rng.randint(1, 3)):
            day = min(today, start + dt.timedelta(days=12 * k + rng.randint(0, 5)))
            progress_rows.append(ProgressEntry(task=task, author=member, text=rng.choice(corpus.PROGRESS_NOTES),
                                               created_at=at(day, 10)))
        if task.status in (TaskStatus.SUBMITTED, TaskStatus.CLOSED) or rng.random() < 0.3:
            for original in rng.sample(corpus.EVIDENCE_NAMES, rng.randint(1, 3)):
                name = original.rsplit(".", 1)[0] + ".pdf"  # demo files are real PDFs (scanned versions)
                content = _pdf(f"task {task.pk}", f"{spec.code} {name}")
                sha = hashlib.sha256(content).hexdigest()
                storage_name = f"evidence/{sha[:2]}/{sha}"
                if not default_storage.exists(storage_name):
                    default_storage.save(storage_name, ContentFile(content))
                ev = Evidence(task=task, file=storage_name, original_name=name, sha256=sha, size=len(content),
                              content_type="application/pdf",
                              uploaded_by=member, uploaded_at=at(min(today, start + dt.timedelta(days=20)), 15))
                evidence_rows.append(ev)
                evidence_by_task[id(task)].append(ev)
    ProgressEntry.objects.bulk_create(progress_rows)
    Evidence.objects.bulk_create(evidence_rows)

    closed_at_updates = []
    for task, _m, spec in task_meta:
        lead = unit_actor[spec.code]
        evidence_ids = [e.pk for e in evidence_by_task.get(id(task), [])]
        submitted_day = min(today, max(task.due_date - dt.timedelta(days=rng.randint(0, 12)),
                                       today - dt.timedelta(days=60)))
        returned_first = task.status != TaskStatus.PENDING and rng.random() < 0.12
        if returned_first:
            close_out_rows.append((CloseOut(
                task=task, note=rng.choice(corpus.CLOSE_OUT_NOTES), submitted_by=lead,
                submitted_at=at(submitted_day - dt.timedelta(days=14), 9), state=CloseOutState.RETURNED,
                reviewed_by=rng.choice(reviewers), reviewed_at=at(submitted_day - dt.timedelta(days=10), 16),
                review_comment=rng.choice(corpus.RETURN_REASONS)), evidence_ids))
        if task.status == TaskStatus.SUBMITTED:
            close_out_rows.append((CloseOut(task=task, note=rng.choice(corpus.CLOSE_OUT_NOTES), submitted_by=lead,
                                            submitted_at=at(submitted_day, 9)), evidence_ids))
        elif task.status == TaskStatus.CLOSED:
            reviewed = at(min(today, submitted_day + dt.timedelta(days=rng.randint(1, 6))), 16)
            close_out_rows.append((CloseOut(
                task=task, note=rng.choice(corpus.CLOSE_OUT_NOTES), submitted_by=lead,
                submitted_at=at(submitted_day, 9), state=CloseOutState.APPROVED, reviewed_by=rng.choice(reviewers),
                reviewed_at=reviewed, review_comment="佐证材料齐全，整改到位，同意销号。"), evidence_ids))
            task.closed_at = reviewed
            closed_at_updates.append(task)
        if task.status in (TaskStatus.SUBMITTED, TaskStatus.CLOSED) and not evidence_ids:
            close_out_rows[-1][0].no_evidence_reason = "相关材料涉密，已按规定线下报送省委巡视办备案。"
    CloseOut.objects.bulk_create([c for c, _ in close_out_rows])
    through = CloseOut.evidence.through
    through.objects.bulk_create([through(closeout_id=c.pk, evidence_id=e) for c, ids in close_out_rows for e in ids])
    Task.objects.bulk_update(closed_at_updates, ["closed_at"])

    # --- clues (confidential) ------------------------------------------------------------------
    per_unit_clues = _split(TOTAL_CLUES, len(inspected), rng, 3, 14)
    problems_by_unit: dict[int, list[Problem]] = defaultdict(list)
    for p in problems:
        problems_by_unit[p.inspected_unit_id].append(p)
    clues = []
    serial = 0
    for iu, count in zip(inspected, per_unit_clues, strict=True):
        for _ in range(count):
            serial += 1
            handed = iu.feedback_date + dt.timedelta(days=rng.randint(0, 7))
            disposition = rng.choice([*ClueDisposition.values, "", ""])
            clues.append(Clue(
                inspected_unit=iu, problem=rng.choice(problems_by_unit[iu.pk]) if rng.random() < 0.6 else None,
                number=f"YN-HKK-XS-{serial:03d}", summary=rng.choice(corpus.CLUE_SUMMARIES),
                handed_to=rng.choice(["省纪委监委", "省纪委监委", "省委组织部"]), handed_over_on=handed,
                disposition=disposition, feedback_on=handed + dt.timedelta(days=rng.randint(20, 60)) if disposition else None,
            ))
    Clue.objects.bulk_create(clues)

    summary = {
        "round": rnd.code,
        "units": [{"code": u.code, "name": u.name, "kind": u.kind} for u in units],
        "problems": len(problems),
        "clues": len(clues),
        "tasks": len(tasks),
        "logins": [_login(users[username]) for username, *_ in LOGINS],
    }
    audit_record(actor=None, action="demo.loaded", object_type="inspections.inspectionround", object_id=rnd.pk,
                 after={k: v for k, v in summary.items() if k in ("round", "problems", "clues", "tasks")}
                 | {"generated_at": now})
    return summary
