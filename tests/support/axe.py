"""axe-core (Deque's accessibility rules, WCAG 2.1 A and AA) run on the page Chromium shows.

The pages themselves run no JavaScript (the browser tests keep it off); WebDriver injects
axe-core's own script into the page and asks it for violations. `make test` installs the
script from the npm registry beside the venv (`AXE_JS` in the Makefile)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / ".venv" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(result => done(result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))
  .catch(error => done([{id: 'axe-error', impact: 'critical', help: String(error), nodes: []}]));
"""


def axe_script() -> str:
    if not AXE_JS.exists():
        pytest.fail(
            f"the accessibility checks need axe-core at {AXE_JS}: `make test` installs it "
            "(npm install --prefix .venv/axe-core axe-core)",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


def violations(driver: WebDriver) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations axe-core finds on the page now shown (none: [])."""
    driver.execute_script(axe_script())
    driver.set_script_timeout(30)
    found: list[dict[str, Any]] = driver.execute_async_script(_RUN, WCAG_AA)
    return found
