"""Screenshot pages of a running Rectify as a given user, to look at them as a person would.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 jyt_lead demo-pass-2026 out/ / /rounds/ ...

Uses Debian's Chromium (/usr/bin/chromium) through Playwright.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def main() -> None:
    base, username, password, out, *paths = sys.argv[1:]
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1366, "height": 860})
        page.goto(base + "/login/")
        page.screenshot(path=str(target / "login.png"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for path in paths:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            name = re.sub(r"[^a-zA-Z0-9]+", "_", path).strip("_") or "home"
            page.screenshot(path=str(target / f"{username}-{name}.png"), full_page="full" in sys.argv[0])
            print(target / f"{username}-{name}.png", page.title())
        browser.close()


if __name__ == "__main__":
    main()
