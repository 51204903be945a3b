"""What the browser tests do again and again: log in, take screenshots, run axe-core."""

import json
import os
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e-screenshots"))
IMPACTS = ("minor", "moderate", "serious", "critical")
PASSWORD = "a-good-long-password"  # noqa: S105 - the factories' test password


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> None:
    """Saved by every run; the best ones are copied to docs/screenshots/ for the README."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


# What axe leaves for a person to review ("incomplete") that we count as failures: a repeated id
# or a field without a name of its own is exactly what a screen reader user trips on.
NEEDS_REVIEW_FAILS = frozenset(
    {"duplicate-id", "duplicate-id-active", "duplicate-id-aria", "label", "form-field-multiple-labels",
     "aria-input-field-name", "label-title-only"}
)


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page; return every violation with its impact and first few nodes, and the
    "needs review" results of ``NEEDS_REVIEW_FAILS`` as serious violations."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations', 'incomplete']})")
    found = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    found += [
        {"id": v["id"], "impact": "serious", "nodes": [n["target"] for n in v["nodes"]][:5], "needs_review": True}
        for v in result["incomplete"]
        if v["id"] in NEEDS_REVIEW_FAILS
    ]
    return found


def assert_accessible(page, name: str) -> None:
    """No serious or critical violation. Every violation found is also logged to axe.jsonl."""
    violations = axe_violations(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with (SHOTS / "axe.jsonl").open("a") as log:
        counts = {impact: sum(v["impact"] == impact for v in violations) for impact in IMPACTS}
        log.write(json.dumps({"page": name, **counts, "rules": sorted({v["id"] for v in violations})}) + "\n")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: {json.dumps(serious, indent=1)}"
