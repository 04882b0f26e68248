"""Chinese full-text search of the library, on SQLite (FTS5) and PostgreSQL (tsvector): queries that need
word segmentation, ranking (title before body), highlighted and escaped snippets, the filters, the API for
every signed-in role and 401 without a login."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from rectify.accountability.catalogue_seed import catalogue_ensure
from rectify.accountability.models import AccountabilityForm, Circumstance
from rectify.accounts.models import Role
from rectify.cases.selectors import Filters, document_search_for
from rectify.cases.services import review_save
from tests.api.conftest import ApiClient, api  # noqa: F401  (the api fixture)
from tests.cases.library import build


@pytest.fixture
def library(world, seed_bytes):  # type: ignore[no-untyped-def]
    catalogue_ensure()
    return build(seed_bytes)


def _ids(found) -> list[int]:  # type: ignore[no-untyped-def]
    return [h.document.pk for h in found.hits]


def test_a_query_is_cut_into_words_so_words_apart_in_the_text_still_match(library, world):
    # "瑞丽形式主义" never occurs as such; jieba cuts it into 瑞丽 + 形式主义, both in two documents.
    found = document_search_for(user=world[Role.UNIT_MEMBER], query="瑞丽形式主义")
    assert set(_ids(found)) == {library.ruili.pk, library.training.pk}
    assert found.tokens == ["瑞丽", "形式主义"]
    # and a word inside a longer one: 主义 is in 形式主义 and 官僚主义 (jieba's search mode indexes both)
    assert library.ruili.pk in _ids(document_search_for(user=world[Role.UNIT_MEMBER], query="官僚"))


def test_every_word_is_required(library, world):
    found = document_search_for(user=world[Role.LEADER], query="口罩 种茶")
    assert _ids(found) == [library.training.pk]  # only the training article names both cases


def test_a_title_match_ranks_before_a_body_match(library, world):
    found = document_search_for(user=world[Role.LEADER], query="截留口罩")
    assert _ids(found)[0] == library.masks.pk
    assert library.training.pk in _ids(found)
    assert found.hits[0].score > found.hits[-1].score
    assert found.count == len(found.hits) == 2


def test_snippets_mark_the_words_and_escape_the_text(library, world):
    [hit] = document_search_for(user=world[Role.LEADER], query="作假材料").hits
    assert hit.document.pk == library.water.pk
    assert "<mark>作假</mark>" in hit.snippet and "<mark>材料</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "<script>" not in hit.snippet
    assert "<mark>" not in hit.title_marked  # the title says 造假, not 作假
    hit = document_search_for(user=world[Role.LEADER], query="饮水工程造假").hits[0]  # the training article too
    assert hit.document.pk == library.water.pk
    assert "<mark>造假</mark>" in hit.title_marked and "<mark>饮水" in hit.title_marked


def test_the_review_is_searched_too(library, world):
    assert document_search_for(user=world[Role.LEADER], query="层层加码").count == 0
    review_save(actor=world[Role.COMMISSION], document=library.masks, expected_version=None,
                lessons="防疫物资调配不得层层加码、各自为政。")
    found = document_search_for(user=world[Role.LEADER], query="层层加码")
    assert _ids(found) == [library.masks.pk]


def test_filters_by_year_region_category_circumstance_and_form(library, world):
    user = world[Role.COMMISSION]
    lax = Circumstance.objects.filter(parent__isnull=True).order_by("sort_order").first()
    warning = AccountabilityForm.objects.filter(parent__isnull=True).order_by("sort_order").first()
    review_save(actor=user, document=library.ruili, expected_version=None, circumstance=lax, forms=[warning],
                what_happened="边境管控存在漏洞")
    assert set(_ids(document_search_for(user=user, query="问责", filters=Filters(year=2021)))) == {
        library.ruili.pk, library.tea.pk, library.training.pk}
    assert _ids(document_search_for(user=user, query="问责", filters=Filters(region="大理州"))) == [library.masks.pk]
    assert set(_ids(document_search_for(user=user, query="问责", filters=Filters(category="金融")))) == {
        library.training.pk}
    assert _ids(document_search_for(user=user, query="问责", filters=Filters(circumstance=lax.code))) == [
        library.ruili.pk]
    assert _ids(document_search_for(user=user, query="问责", filters=Filters(form=warning.code, year=2021))) == [
        library.ruili.pk]
    assert document_search_for(user=user, query="问责", filters=Filters(form=warning.code, year=2020)).count == 0


def test_the_api_answers_every_signed_in_role_with_items_and_count(library, api):  # noqa: F811
    for role in (Role.UNIT_MEMBER, Role.LEADER, Role.COMMISSION, Role.ADMIN):
        response = api(role).get("/cases/search", {"q": "截留口罩"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        assert body["items"][0]["id"] == library.masks.pk
        first = body["items"][0]
        assert set(first) == {"id", "title", "date", "snippet", "score"}
        assert first["title"] == "大理州违规截留口罩事件处理情况" and first["date"] == "2020-02-10"
        assert "<mark>" in first["snippet"] and first["score"] > 0
    filtered = api(Role.LEADER).get("/cases/search", {"q": "问责", "year": "2020", "region": ""}).json()
    assert {i["id"] for i in filtered["items"]} == {library.masks.pk, library.water.pk}


def test_the_api_without_a_login_is_401(library):
    response = ApiClient(None).get("/cases/search", {"q": "口罩"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_bad_filter_is_422_not_500(library, api):  # noqa: F811
    assert api(Role.LEADER).get("/cases/search", {"q": "口罩", "year": "二〇二一"}).status_code == 422


def test_search_queries_do_not_grow_with_the_results(library, world, django_assert_max_num_queries):
    user = world[Role.LEADER]
    with django_assert_max_num_queries(3):
        found = document_search_for(user=user, query="问责", filters=Filters(year=2021))
    assert found.count >= 3


def test_past_the_cap_the_count_says_more_than(library, world, monkeypatch, client):
    from rectify.cases import search

    monkeypatch.setattr(search, "COUNT_CAP", 2)
    found = document_search_for(user=world[Role.LEADER], query="问责", limit=1)
    assert found.count == 2 and not found.count_exact  # five documents say 问责
    assert len(found.hits) == 1
    exact = document_search_for(user=world[Role.LEADER], query="截留口罩", limit=1)
    assert exact.count == 2 and exact.count_exact  # exactly two: said as a plain count
    filtered = document_search_for(user=world[Role.LEADER], query="问责", filters=Filters(region="大理州"), limit=1)
    assert (filtered.count, filtered.count_exact) == (1, True)  # the filters count too
    filtered = document_search_for(user=world[Role.LEADER], query="问责", filters=Filters(year=2020), limit=1)
    assert (filtered.count, filtered.count_exact) == (2, True)
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    filtered = document_search_for(user=world[Role.LEADER], query="问责", filters=Filters(year=2020), limit=1)
    assert (filtered.count, filtered.count_exact) == (1, False)
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    client.force_login(world[Role.LEADER])
    page = client.get(reverse("cases:library"), {"q": "问责"}).content.decode()
    assert "的检索结果：5 篇" in page and "篇以上" not in page  # one page of 20 holds all five: counted
    monkeypatch.setattr("rectify.cases.views.PAGE_SIZE", 1)
    page = client.get(reverse("cases:library"), {"q": "问责"}).content.decode()
    assert "的检索结果：2 篇以上" in page and "共 <strong>2</strong> 条以上" in page


def test_past_the_cap_the_last_page_is_the_last_one_counted(library, world, monkeypatch, client):
    from rectify.cases import search

    monkeypatch.setattr(search, "COUNT_CAP", 2)
    monkeypatch.setattr("rectify.cases.views.PAGE_SIZE", 1)
    client.force_login(world[Role.LEADER])
    second = client.get(reverse("cases:library"), {"q": "问责", "page": "2"}).context
    far = client.get(reverse("cases:library"), {"q": "问责", "page": "9"}).context
    assert far["page_obj"].number == 2  # not page 9's hits under a "page 2" label
    assert [h.document.pk for h in far["hits"]] == [h.document.pk for h in second["hits"]]


def test_the_api_says_whether_the_count_is_exact(library, api, monkeypatch):  # noqa: F811
    from rectify.cases import search

    body = api(Role.LEADER).get("/cases/search", {"q": "问责", "limit": 1}).json()
    assert body["count"] == 5 and body["count_exact"] is True
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    body = api(Role.LEADER).get("/cases/search", {"q": "问责", "limit": 1}).json()
    assert body["count"] == 3 and body["count_exact"] is False


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's two ranking paths")


def _pg_plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())


@postgresql_only
def test_postgresql_ranks_in_the_rum_index_where_the_extension_is_installed(library, world):
    from rectify.cases import search

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum'), "
                       "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
        available, superuser = cursor.fetchone()
    if not (available and superuser):
        pytest.skip("no RUM extension on this server, or a role that may not create it (the search uses GIN)")
    assert search.uses_rum()
    with connection.cursor() as cursor:  # five documents: the planner would rather read them all; at 10^5 it
        cursor.execute("SET LOCAL enable_seqscan = off")  # does not (bench/cases_search.py)
    plan = _pg_plan("SELECT d.id FROM cases_casedocument d, plainto_tsquery('simple', %s) q "
                    "WHERE d.search_vector @@ q ORDER BY d.search_vector <=> q LIMIT 20", ("问责",))
    assert search.RUM_INDEX in plan and "Order By" in plan, plan  # best first from the index, no sort of all


@postgresql_only
def test_postgresql_ranks_alike_with_and_without_the_rum_index(library, world):
    from rectify.cases import search
    from rectify.cases.tokens import query_tokens

    for query in ("问责", "截留口罩", "瑞丽形式主义", "饮水工程造假"):
        tokens = query_tokens(query)
        if not search.uses_rum():
            pytest.skip("the RUM extension is not installed on this server")
        by_rum, n_rum, _e = search.ranked_ids(tokens, None, limit=20, rum=True)
        by_gin, n_gin, _e = search.ranked_ids(tokens, None, limit=20, rum=False)
        assert n_rum == n_gin and {i for i, _s in by_rum} == {i for i, _s in by_gin}
        gin_score = {i: round(s, 6) for i, s in by_gin}
        along_rum = [gin_score[i] for i, _s in by_rum]
        assert along_rum == sorted(along_rum, reverse=True)  # the same order; ties may fall either way
        assert all(s > 0 for _i, s in by_rum + by_gin)
    # RUM sorts every match each time, so page after page gives the one order (ties included), never a repeat
    tokens = query_tokens("问责")
    whole = [i for i, _s in search.ranked_ids(tokens, None, limit=5, rum=True)[0]]
    paged = [search.ranked_ids(tokens, None, limit=1, offset=n, rum=True)[0][0][0] for n in range(5)]
    assert paged == whole and len(set(whole)) == 5
