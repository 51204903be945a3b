"""The CSV export of every case, read to the end, in a process of its own: its time and peak memory.

Peak memory is the process's peak resident set size (``getrusage``), Django and the app
included: what a gunicorn worker serving the export would need. The resident size just
before the export is recorded too, so that the export's own share can be read off.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.export_memory --out export.json
"""

import argparse
import json
import os
import resource
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases.models import Case  # noqa: E402


def _rss_mb() -> float:
    """The resident set size now, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    client = Client()
    client.force_login(get_user_model().objects.get(username="supervisor"))
    url = reverse("reporting:export_csv")
    # Warm up on a one-row export: imports, templates and connections are not the export's cost.
    first = Case.objects.order_by("pk").values_list("reference", flat=True)[0]
    b"".join(client.get(url, {"q": first}).streaming_content)
    before = _rss_mb()

    started = time.perf_counter()
    response = client.get(url)
    rows = size = 0
    for piece in response.streaming_content:
        size += len(piece)
        rows += piece.count(b"\n")
    response.close()
    seconds = time.perf_counter() - started

    result = {
        "rows": rows - 1,  # the header
        "bytes": size,
        "seconds": round(seconds, 2),
        "rows_per_s": round((rows - 1) / seconds),
        "peak_mb": round(_peak_mb(), 1),
        "before_mb": round(before, 1),
        "measured_as": "peak resident set size of the process (getrusage), Django included",
    }
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
