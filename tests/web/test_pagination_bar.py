"""The pagination bar every list shares: first and last page, two either side of the current one, gaps between —
worked out without visiting every page number (a list of 130,000 tasks has 5,200 pages)."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def _bar(page_number: int, pages: int = 5200, **context: object) -> tuple[list[str], int]:
    page = Paginator(range(pages * 25), 25).get_page(page_number)
    html = render_to_string("includes/pagination.html", {"page_obj": page, "querystring": "warning=red", **context})
    shown = re.findall(r'page=(\d+)">\d+</a>|aria-current="page">(\d+)<', html)
    return [a or b for a, b in shown], html.count('class="gap"')


def test_a_long_list_shows_the_ends_and_two_pages_either_side() -> None:
    numbers, gaps = _bar(50)
    assert numbers == ["1", "48", "49", "50", "51", "52", "5200"] and gaps == 2


def test_near_the_start_there_is_no_gap_before() -> None:
    numbers, gaps = _bar(4)
    assert numbers == ["1", "2", "3", "4", "5", "6", "5200"] and gaps == 1


def test_a_page_may_give_its_own_numbers() -> None:
    numbers, gaps = _bar(3, page_range=[1, 2, 3, Paginator.ELLIPSIS, 9])
    assert numbers == ["1", "2", "3", "9"] and gaps == 1


def test_links_keep_the_filters() -> None:
    page = Paginator(range(100), 25).get_page(2)
    html = render_to_string("includes/pagination.html", {"page_obj": page, "querystring": "warning=red"})
    assert 'href="?warning=red&amp;page=3"' in html and 'rel="next"' in html
