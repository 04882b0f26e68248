"""The library's pages as people use them: the list and search with filters, a document with its figures and
similar cases, the upload of several files (JSON per file for the progress list, or all at once without
script), the review form; who may import; navigation; query counts constant in the library's size."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accountability.catalogue_seed import catalogue_ensure
from rectify.accountability.models import AccountabilityForm, Circumstance
from rectify.accounts.models import Role
from rectify.cases.models import CaseDocument, CaseReview
from tests.cases.builders import zip_bomb_docx
from tests.cases.library import build
from tests.factories import PASSWORD


@pytest.fixture
def library(world, seed_bytes):  # type: ignore[no-untyped-def]
    catalogue_ensure()
    return build(seed_bytes)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_every_role_sees_the_library_in_the_navigation_and_can_search(library, world):
    for role in (Role.UNIT_MEMBER, Role.LEADER, Role.COMMISSION):
        page = _client(world[role]).get(reverse("cases:library"), {"q": "截留口罩"})
        assert page.status_code == 200
        html = page.content.decode()
        assert "案例库" in html and "培训" in html
        assert "<mark>" in html and "大理州违规" in html
        masks = html.index(reverse("cases:document", args=[library.masks.pk]))
        assert masks < html.index(reverse("cases:document", args=[library.training.pk]))


def test_the_list_pages_and_filters_in_a_constant_number_of_queries(library, world, django_assert_max_num_queries):
    client = _client(world[Role.LEADER])
    client.get(reverse("cases:library"))
    with django_assert_max_num_queries(22):
        page = client.get(reverse("cases:library"), {"year": "2021"})
    html = page.content.decode()
    assert "瑞丽市疫情防控形式主义官僚主义问题问责情况通报" in html and "大理州违规截留口罩事件处理情况" not in html
    for n in range(30):
        CaseDocument.objects.create(title=f"案例{n}", identity_key=f"k{n}", content_hash=f"h{n}", paragraphs=["正文"])
    with django_assert_max_num_queries(22):
        assert client.get(reverse("cases:library")).status_code == 200


def test_a_document_shows_its_body_figures_and_similar_cases(library, world):
    page = _client(world[Role.UNIT_LEAD]).get(reverse("cases:document", args=[library.interview.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "云南12家单位巡视整改不力被约谈" in html and "梁斌" in html and "记者 李灵娜" in html
    assert "624个" in html and "各类问题" in html and "158件" in html
    assert "id=\"similar\"" in html
    assert "复盘" not in html.split("page-actions")[1][:200]  # a unit user does not review


def test_similar_cases_come_from_words_and_from_the_review(library, world):
    from rectify.cases.precedents import similar_documents
    from rectify.cases.services import review_save

    lax = Circumstance.objects.filter(parent__isnull=True).order_by("sort_order").first()
    review_save(actor=world[Role.COMMISSION], document=library.ruili, expected_version=None, circumstance=lax)
    review_save(actor=world[Role.COMMISSION], document=library.water, expected_version=None, circumstance=lax)
    found = similar_documents(library.ruili, limit=5)
    assert library.water.pk in [s.document.pk for s in found]  # the same circumstance
    assert lax.name in next(s for s in found if s.document.pk == library.water.pk).reasons
    assert library.ruili.pk not in [s.document.pk for s in found]
    by_words = similar_documents(library.masks, limit=3)
    assert by_words and by_words[0].document.pk == library.training.pk  # the article that replays the masks case


def test_the_accountability_hook_offers_reviewed_library_cases_as_precedents(library, world):
    from rectify.accountability import hooks
    from rectify.cases.services import review_save

    lax = Circumstance.objects.filter(parent__isnull=True).order_by("sort_order").first()
    warning = AccountabilityForm.objects.filter(parent__isnull=True).order_by("sort_order").first()
    review_save(actor=world[Role.COMMISSION], document=library.water, expected_version=None, circumstance=lax,
                forms=[warning], outcome="对镇党委书记诫勉")
    found = hooks.precedents(circumstances=[lax.code])
    library_found = [p for p in found if p.source == "library"]
    assert [p.title for p in library_found] == ["宣威市海岱镇旧屋村饮水工程造假问题"]
    assert library_found[0].forms == (warning.code,) and library_found[0].summary == "对镇党委书记诫勉"
    assert library_found[0].url == reverse("cases:document", args=[library.water.pk])


def test_uploading_several_files_one_by_one_answers_json_for_the_progress_list(library, world, seed_bytes):
    client = _client(world[Role.COMMISSION])
    page = client.get(reverse("cases:upload"))
    assert page.status_code == 200 and b"multiple" in page.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    new = SimpleUploadedFile("通报.txt", "楚雄州某县扶贫资金问题通报\n　　共发现问题35个，约谈8个单位。\n".encode())
    answer = client.post(reverse("cases:upload"), {"files": new}, HTTP_ACCEPT="application/json").json()
    assert answer["created"] == 1 and answer["documents"][0]["title"] == "楚雄州某县扶贫资金问题通报"
    assert answer["documents"][0]["url"] == reverse("cases:document", args=[answer["documents"][0]["id"]])
    assert [(f["value"], f["what"]) for f in answer["documents"][0]["facts"]] == [(35, "问题"), (8, "单位")]
    again = SimpleUploadedFile("renamed.txt", seed_bytes["training"])
    answer = client.post(reverse("cases:upload"), {"files": again}, HTTP_ACCEPT="application/json").json()
    assert answer["duplicates"] == 1 and answer["documents"][0]["duplicate"] is True
    bomb = SimpleUploadedFile("bomb.docx", zip_bomb_docx(60))
    refused = client.post(reverse("cases:upload"), {"files": bomb}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 422 and "解压后超过" in refused.json()["errors"][0]["message"]


def test_uploading_without_script_lists_every_file_and_who_may_upload(library, world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.RECTIFY_CASE_MAX_FILE_BYTES = 4096
    files = [SimpleUploadedFile("a.txt", "甲案例\n正文一。\n".encode()),
             SimpleUploadedFile("b.txt", ("乙案例\n" + "长" * 3000).encode())]
    page = _client(world[Role.INSPECTION_OFFICE]).post(reverse("cases:upload"), {"files": files})
    html = page.content.decode()
    assert "甲案例" in html and "超过" in html and "b.txt" in html
    for role in (Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER):
        assert _client(world[role]).get(reverse("cases:upload")).status_code == 403


def test_the_review_form_saves_the_structured_review(library, world):
    lax = Circumstance.objects.filter(parent__isnull=True).order_by("sort_order").first()
    forms = list(AccountabilityForm.objects.filter(parent__isnull=True).order_by("sort_order")[:2])
    client = _client(world[Role.COMMISSION])
    url = reverse("cases:review_edit", args=[library.ruili.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"what_happened": "边境管控漏洞", "responsible": "市委书记（主要领导责任）",
                                 "responsibility_type": "principal", "circumstance": lax.code,
                                 "forms": [f.code for f in forms], "outcome": "免职", "lessons": "压实属地责任",
                                 "precision": "precise", "precision_note": "责任划分清楚"})
    assert response.status_code == 302
    review = CaseReview.objects.get(document=library.ruili)
    assert review.circumstance == lax and set(review.forms.all()) == set(forms)
    assert review.responsibility_type.code == "principal" and review.precision == "precise"
    html = client.get(reverse("cases:document", args=[library.ruili.pk])).content.decode()
    assert "压实属地责任" in html and "精准" in html
    stale = client.post(url, {"version": "99", "outcome": "x"})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    assert _client(world[Role.UNIT_LEAD]).get(url).status_code == 403


def test_the_api_imports_files_and_shows_a_document(library, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rectify.accounts.services import api_token_create
    from tests.api.conftest import ApiClient

    commission = ApiClient(api_token_create(actor=None, user=world[Role.COMMISSION], name="t"))
    files = [SimpleUploadedFile("x.txt", "丙案例\n共约谈12个单位。\n".encode()),
             SimpleUploadedFile("y.bin", b"\x00\x01\x02" * 100)]
    body = commission.post("/api/v1/cases/import", {"files": files}).json()
    assert body["created"] == 1 and len(body["errors"]) == 1 and body["errors"][0]["path"] == "y.bin"
    doc = commission.get(f"/cases/{body['documents'][0]['id']}").json()
    assert doc["facts"] == [{"value": 12, "approx": "", "unit": "个", "what": "单位", "text": "共约谈12个单位。"}]
    member = ApiClient(api_token_create(actor=None, user=world[Role.UNIT_MEMBER], name="t"))
    assert member.post("/api/v1/cases/import", {"files": [SimpleUploadedFile("z.txt", "丁\n正文".encode())]}
                       ).status_code == 403


def test_an_accountability_case_lists_similar_typical_cases_beside_its_file(library, world):
    from rectify.accountability.case_models import SourceKind
    from rectify.accountability.case_services import case_open

    case = case_open(actor=world[Role.COMMISSION], title="某市疫情防控形式主义官僚主义问题问责", unit=world.unit_a,
                     source_kind=SourceKind.SUPERVISION_ORDER, source_reference="督办单〔2026〕3号",
                     summary="边境管控存在漏洞，疫情防控落实不力。")
    html = _client(world[Role.COMMISSION]).get(reverse("accountability:case_detail", args=[case.pk])).content.decode()
    section = html[html.index('id="precedents"'):]
    assert reverse("cases:document", args=[library.ruili.pk]) in section[:3000]
    assert "瑞丽市疫情防控形式主义官僚主义问题问责情况通报" in section[:3000]


def test_a_case_is_linked_to_a_round_and_unit_and_its_figures_found_by_them(library, world):
    from rectify.accounts.services import api_token_create
    from rectify.cases.selectors import facts_for
    from tests.api.conftest import ApiClient

    commission = ApiClient(api_token_create(actor=None, user=world[Role.COMMISSION], name="t"))
    response = commission.post_json(f"/cases/{library.interview.pk}/link",
                                    {"round": world.round.code, "unit": world.unit_a.code})
    assert response.status_code == 200
    figures = facts_for(user=world[Role.LEADER], round_id=world.round.pk)
    assert [(int(f.value), f.what) for f in figures][5:7] == [(624, "各类问题"), (158, "领导干部问题线索")]
    assert facts_for(user=world[Role.LEADER], unit_id=world.unit_b.pk).count() == 0
    leader = ApiClient(api_token_create(actor=None, user=world[Role.LEADER], name="t"))
    assert leader.post_json(f"/cases/{library.interview.pk}/link", {"round": None}).status_code == 403
    assert commission.post_json(f"/cases/{library.interview.pk}/link", {"unit": "NOPE"}).status_code == 400
