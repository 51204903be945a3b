"""`make run PORT=8001` serves on that port, and the links in e-mails follow it."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_on_another_port_moves_the_server_and_the_links_in_e_mails():
    plan = subprocess.run(  # noqa: S603 - a fixed command, dry run: nothing is started
        ["make", "-n", "run", "PORT=8001"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True  # noqa: S607
    ).stdout

    assert "PORT=8001 SITE_URL=${SITE_URL:-http://127.0.0.1:8001}" in plan
    assert "make run PORT=8001" in (ROOT / "README.md").read_text()
