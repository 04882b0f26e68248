"""The ledger index: a province has thousands of inspected units, so it is filtered by round and unit and paged,
newest round first; someone with exactly one unit goes straight to its ledger."""

from __future__ import annotations

from django.urls import reverse

from rectify.accounts.models import Role


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [iu.unit.name for iu in response.context["inspected_units"]]


def test_the_index_filters_by_unit_and_round_and_pages(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world[Role.INSPECTION_OFFICE])
    url = reverse("rectification:ledger_index")
    assert sorted(_names(client.get(url))) == ["省教育厅", "省财政厅"]
    assert _names(client.get(url, {"q": "教育"})) == ["省教育厅"]
    assert _names(client.get(url, {"q": "fin"})) == ["省财政厅"]  # a unit's code, in any case
    nothing = client.get(url, {"round": "NO-SUCH"})
    assert _names(nothing) == [] and "没有符合条件的被巡视单位" in nothing.content.decode()
    assert sorted(_names(client.get(url, {"round": world.round.code}))) == ["省教育厅", "省财政厅"]
    settings.RECTIFY_PAGE_SIZE = 1
    first = client.get(url, {"q": "省"})
    html = first.content.decode()
    assert len(_names(first)) == 1 and first.context["page_obj"].paginator.count == 2
    assert 'href="?q=%E7%9C%81&amp;page=2"' in html  # the next page keeps the filter
    second = client.get(url, {"q": "省", "page": 2})
    assert _names(second) != _names(first)


def test_someone_with_one_unit_goes_straight_to_its_ledger(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world[Role.UNIT_LEAD])
    response = client.get(reverse("rectification:ledger_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("rectification:ledger", args=[world.round.code, world.unit_a.code])
