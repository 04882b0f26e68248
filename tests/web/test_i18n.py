"""The UI in English (Django i18n) and Chinese (the source language), and the shipped catalogue.

Chinese is the source language: the msgids are the Chinese UI texts, so Chinese needs no catalogue
and is what everyone sees unless they choose English (the language switch sets the language cookie).
The English catalogue is src/rectify/locale/en/LC_MESSAGES/django.po. After changing marked strings:

    cd src/rectify && DJANGO_SETTINGS_MODULE=rectify.settings PYTHONPATH=.. \\
        django-admin makemessages -l en --add-location=file --no-wrap --no-obsolete
    (translate every new entry, drop "fuzzy" flags)
    django-admin compilemessages -l en

and commit both django.po and django.mo: machines without GNU gettext cannot compile the .po, so
the tests below fail when the .mo does not say exactly what the .po says, or when a string marked
in a template or in Python is missing from the catalogue.
"""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.ledger.models import LedgerImport
from rectify.rectification import services
from rectify.rectification.models import TaskStatus
from tests.ledger import fixtures

PACKAGE = Path(settings.BASE_DIR)
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u4e00-\u9fff]")


def client_for(user, language: str | None = None) -> Client:
    c = Client()
    if language:
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    c.force_login(user)
    return c


def english(user) -> Client:
    return client_for(user, "en")


def page(c: Client, url: str, status: int = 200) -> str:
    response = c.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def sidenav(body: str) -> str:
    return re.search(r'<nav class="sidenav".*?</nav>', body, re.S).group(0)


# --- pages --------------------------------------------------------------------------------------

def test_login_page_in_both_languages(db):
    chinese = Client().get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "巡视巡察整改监督平台" in chinese and ">登录</button>" in chinese and "用户名" in chinese
    assert f'action="{reverse("set_language")}"' in chinese  # the 中文 / English switch

    anon = Client()
    anon.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = anon.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in body
    assert "Inspection Rectification Supervision Platform" in body and ">Sign in</button>" in body
    assert "Username" in body and "For authorised users only" in body
    for label in ("登录", "巡视巡察整改监督平台", "用户名", "本系统仅供授权人员使用"):
        assert label not in body


def test_workbench_navigation_and_top_bar_in_english(world):
    body = page(english(world[Role.INSPECTION_OFFICE]), reverse("core:home"))
    nav = sidenav(body)
    for label in ("Workbench", "Inspection rounds", "Rectification ledger", "Close-out review"):
        assert label in nav
    assert not CJK.search(nav), nav
    assert "Sign out" in body and "退出登录" not in body
    assert "Inspection office" in body  # the role, a model choice label
    assert "Tasks needing attention" in body and "Close-out requests awaiting review" in body
    assert "需要关注的整改任务" not in body and "待审核的销号申请" not in body
    assert world.round.name in body  # data stays as stored


def test_workbench_stays_chinese_without_a_choice(world):
    body = page(client_for(world[Role.INSPECTION_OFFICE]), reverse("core:home"))
    nav = sidenav(body)
    for label in ("工作台", "巡视轮次", "整改台账", "销号审核"):
        assert label in nav
    assert "退出登录" in body and "Sign out" not in body and "Workbench" not in body
    assert '<html lang="zh-hans">' in body


def test_round_overview_in_english(world):
    body = page(english(world[Role.COMMISSION]), reverse("inspections:round_detail", args=[world.round.code]))
    for label in ("Progress by unit", "Completion rate", "Inspected unit", "Red-warning problems",
                  "Lowest completion first", "Provincial department", "Feedback 1 May 2026"):
        assert label in body, label
    for label in ("各单位整改进度", "整改完成率", "完成率从低到高", "省直部门"):
        assert label not in body
    assert "省教育厅" in body and "省财政厅" in body  # unit names are data


def test_round_list_and_ledger_index_in_english(world):
    c = english(world[Role.INSPECTION_OFFICE])
    rounds = page(c, reverse("inspections:round_list"))
    assert "Round" in rounds and "Start date" in rounds and "3 months" in rounds and "1 Mar 2026" in rounds
    assert "进驻日期" not in rounds and "个月" not in rounds
    index = page(c, reverse("rectification:ledger_index"))
    assert "Choose an inspected unit" in index and "Rectification period ends" in index


def test_unit_ledger_in_english_with_data_as_stored(world, frozen_today):
    frozen_today(dt.date(2026, 8, 3))  # task_a is due 2026-07-31
    url = reverse("rectification:ledger", args=[world.round.code, world.unit_a.code])
    body = page(english(world[Role.UNIT_LEAD]), url)
    for label in ("Rectification ledger of inspection feedback", "Measures and completion criteria",
                  "Responsibility", "Overdue by 3\u00a0days", "Red warning", "Fixed deadline", "Pending",
                  "Involves clues (handed over)", "Export ledger", "All statuses", "Filter"):
        assert label in body, label
    for label in ("整改措施及完成标准", "逾期3天", "红色预警", "限期整改", "待整改", "筛选", "全部状态"):
        assert label not in body, label
    assert world.problem_a.description in body and world.task_a.measure in body  # Chinese data stays

    chinese = page(client_for(world[Role.UNIT_LEAD]), url)
    assert "逾期3天" in chinese and "红色预警" in chinese and "涉及问题线索（已移交）" in chinese


def test_one_day_is_singular(world, frozen_today):
    frozen_today(dt.date(2026, 7, 30))
    body = page(english(world[Role.UNIT_LEAD]), reverse("rectification:task_detail", args=[world.task_a.pk]))
    assert "1\u00a0day\u00a0left" in body and "1\u00a0days" not in body  # no-break spaces: see the catalogue


def test_task_page_in_english(world):
    body = page(english(world[Role.UNIT_LEAD]), reverse("rectification:task_detail", args=[world.task_a.pk]))
    for label in ("Task details", "Completion criterion", "Upload evidence", "Submit a close-out",
                  "Submit close-out", "Reason for no evidence", "Report progress", "Rectification history",
                  "No evidence uploaded yet", "31 Jul 2026"):
        assert label in body, label
    for label in ("上传佐证材料", "提交销号申请", "无佐证材料的原因", "整改过程", "2026年7月31日"):
        assert label not in body, label
    assert world.task_a.measure in body


def test_review_queue_in_english(world):
    services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk, file=_file(), name="凭证.pdf")
    services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="违规津贴已全部清退")
    body = page(english(world[Role.INSPECTION_OFFICE]), reverse("rectification:review_queue"))
    for label in ("Close-out review", "Pending review", "Returned", "Submitted by", "Check evidence and review"):
        assert label in body, label
    for label in ("待审核", "申请人", ">通过<", "退回…"):
        assert label not in body, label
    assert "违规津贴已全部清退" in body  # the submitter's note is data
    assert '<span class="badge" title="1 pending">' in body


def test_import_page_in_english(world):
    body = page(english(world[Role.INSPECTION_OFFICE]), reverse("ledger:import_start"))
    for label in ("Import a rectification ledger", "Upload a ledger file", "Ledger file", "Open password",
                  "Upload and check", "How importing works"):
        assert label in body, label
    for label in ("导入整改台账", "上传并检查", "台账文件"):
        assert label not in body, label


def test_error_page_in_english(world):
    body = page(english(world[Role.UNIT_LEAD]),
                reverse("rectification:task_detail", args=[world.task_b.pk]), status=404)
    assert "Not found" in body and "The rectification task was not found" in body and "Error code 404." in body
    assert "未找到" not in body


# --- messages from services and views -------------------------------------------------------------

def test_domain_error_from_a_service_comes_out_in_english(world):
    url = reverse("rectification:task_close_out", args=[world.task_a.pk])
    data = {"note": "已完成", "version": world.task_a.version}
    response = english(world[Role.UNIT_LEAD]).post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "A close-out needs at least one piece of evidence, or a reason why there is none." in body
    assert "申请销号须上传至少一份佐证材料" not in body

    chinese = client_for(world[Role.UNIT_LEAD]).post(url, data).content.decode()
    assert "申请销号须上传至少一份佐证材料，或说明无佐证材料的原因。" in chinese


def test_success_message_and_parameterised_error_in_english(world):
    c = english(world[Role.UNIT_MEMBER])
    url = reverse("rectification:task_evidence", args=[world.task_a.pk])
    response = c.post(url, {"file": SimpleUploadedFile("凭证.pdf", b"%PDF proof")}, follow=True)
    assert "Evidence “凭证.pdf” uploaded." in response.content.decode()
    body = c.post(url, {"file": SimpleUploadedFile("程序.exe", b"MZ")}).content.decode()
    assert "“.exe” files are not accepted. Upload one of these formats:" in body


def test_api_follows_the_language_too(world):
    from rectify.accounts.services import api_token_create

    token = api_token_create(actor=None, user=world[Role.UNIT_LEAD])
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = c.get(f"/api/v1/tasks/{world.task_a.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["status_label"] == "Pending"
    assert Client().get(f"/api/v1/tasks/{world.task_a.pk}",
                        HTTP_AUTHORIZATION=f"Bearer {token}").json()["status_label"] == TaskStatus.PENDING.label


def test_exported_ledger_stays_the_standard_chinese_workbook(world):
    import io

    from openpyxl import load_workbook

    response = english(world[Role.UNIT_LEAD]).get(
        reverse("ledger:export") + f"?round={world.round.code}&unit={world.unit_a.code}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"整改类型", "限期整改", "待整改"} <= values  # the importer reads these back
    assert not values & {"Fixed deadline", "Pending", "Rectification type"}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize(("language", "expected", "absent"), [
    ("en", ("Differences", "Confirm import", "New problems", "Problem 2", "Check complete"), ("差异明细", "问题 2")),
    (None, ("差异明细", "确认导入", "新增问题", "问题 2", "检查完成"), ("Differences", "Problem 2")),
])
def test_import_report_is_written_in_the_uploaders_language(feedback_2021, immediate_tasks,
                                                           django_capture_on_commit_callbacks, language, expected,
                                                           absent):
    world = feedback_2021
    c = client_for(world[Role.INSPECTION_OFFICE], language)
    upload = SimpleUploadedFile("台账.xlsx", fixtures.provincial_department_xlsx())
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("ledger:import_start"), {"round_code": world.round.code, "unit_code": "FIN",
                                                            "file": upload})
    assert response.status_code == 302
    job = LedgerImport.objects.get()
    body = page(c, response["Location"]) + job.phase
    for text in expected:
        assert text in body, text
    for text in absent:
        assert text not in body, text


def test_ledger_file_errors_in_english(world, immediate_tasks, django_capture_on_commit_callbacks):
    c = english(world[Role.INSPECTION_OFFICE])
    upload = SimpleUploadedFile("错误.xlsx", fixtures.mistakes_xlsx())
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("ledger:import_start"), {"round_code": world.round.code, "unit_code": "EDU",
                                                            "file": upload})
    body = page(c, response["Location"])
    assert "errors found and nothing was written" in body
    assert re.search(r"Row \d+ has no “[^”]+”", body)
    assert "行缺少" not in body


# --- the language switch -------------------------------------------------------------------------

def test_language_switch_sets_the_cookie_and_returns_to_the_page(world):
    c = client_for(world[Role.INSPECTION_OFFICE])
    rounds = reverse("inspections:round_list")
    body = page(c, rounds)
    assert 'name="language" value="en"' in body and f'name="next" value="{rounds}"' in body
    response = c.post(reverse("set_language"), {"language": "en", "next": rounds})
    assert response.status_code == 302 and response["Location"] == rounds
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Inspection rounds" in page(c, rounds)
    c.post(reverse("set_language"), {"language": "zh-hans", "next": rounds})
    assert "巡视轮次" in sidenav(page(c, rounds))


def test_language_switch_on_a_form_error_page_returns_to_the_form(world):
    task_page = reverse("rectification:task_detail", args=[world.task_a.pk])
    response = client_for(world[Role.UNIT_LEAD]).post(
        reverse("rectification:task_close_out", args=[world.task_a.pk]), {"note": "", "version": 1},
        HTTP_REFERER=f"http://testserver{task_page}")
    assert response.status_code == 400  # rendered by the POST-only close-out URL
    assert f'name="next" value="http://testserver{task_page}"' in response.content.decode()


# --- the catalogue -------------------------------------------------------------------------------

def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text)


def read_po(path: Path) -> tuple[dict, list[dict]]:
    """The catalogue as GNUTranslations keys it (``ctx\\x04msgid``; ``(msgid, n)`` for plurals), and the
    raw entries. Enough of the PO format for what makemessages writes."""
    entries: list[dict] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += _unquote(line[1:-1])
            else:
                key, _, rest = line.partition(" ")
                entry[key] = _unquote(rest[1:-1])
        if "msgid" in entry:
            entries.append(entry)
    catalog: dict = {}
    for e in entries:
        if e["msgid"] == "":
            continue
        msgid = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            for key in [k for k in e if k.startswith("msgstr[")]:
                catalog[(msgid, int(key[7:-1]))] = e[key]
        else:
            catalog[msgid] = e["msgstr"]
    return catalog, entries


def test_po_is_complete_and_the_shipped_mo_matches_it():
    po, entries = read_po(PO)
    assert len(po) > 400
    untranslated = [k for k, v in po.items() if not v]
    assert not untranslated, untranslated
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"] and e["msgid"]]
    assert not fuzzy, fuzzy
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    shipped = {k: v for k, v in mo._catalog.items() if k != ""}  # type: ignore[attr-defined]
    assert shipped == po, "django.mo is out of date: run `django-admin compilemessages -l en` in src/rectify"
    assert mo.plural(1) == 0 and mo.plural(2) == 1


def test_translations_keep_the_placeholders():
    _, entries = read_po(PO)
    named = re.compile(r"%\((\w+)\)[sd]")
    for e in entries:
        if not e["msgid"]:
            continue
        wanted = set(named.findall(e["msgid"])) | set(named.findall(e.get("msgid_plural", "")))
        for key in [k for k in e if k.startswith("msgstr")]:
            assert set(named.findall(e[key])) == wanted, (e["msgid"], e[key])
            assert not CJK.search(e[key]) or CJK.search(e["msgid"]), e[key]


def _template_msgids() -> set[str]:
    from django.utils.translation.template import templatize

    literal = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    call = re.compile(rf"\b(n?p?gettext|_)\(((?:\s*{literal}\s*,?)+)")
    found: set[str] = set()
    for path in (PACKAGE / "templates").rglob("*.html"):
        for name, args in call.findall(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
            strings = [ast.literal_eval(s.lstrip("u")) for s in re.findall(literal, args)]
            found.add(f"{strings[0]}\x04{strings[1]}" if name.startswith(("pgettext", "npgettext")) else strings[0])
    return found


def _python_msgids() -> set[str]:
    one = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
    ctx = {"pgettext", "pgettext_lazy", "npgettext"}
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id in one and args and isinstance(node.args[0], ast.Constant):
                found.add(args[0])
            elif node.func.id in ctx and len(args) >= 2:
                found.add(f"{args[0]}\x04{args[1]}")
    return found


def test_every_marked_string_is_in_the_catalogue():
    po, _ = read_po(PO)
    msgids = {k[0] if isinstance(k, tuple) else k for k in po}
    template_ids, python_ids = _template_msgids(), _python_msgids()
    assert len(template_ids) > 250 and len(python_ids) > 250, (len(template_ids), len(python_ids))
    missing = sorted((template_ids | python_ids) - msgids)
    assert not missing, f"run makemessages and translate: {missing}"


def _file():
    import io

    return io.BytesIO(b"%PDF-1.4 proof")
