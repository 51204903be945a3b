"""The report of a benchmark run: the figures at each size, then the targets' table (``bench/targets.py``).

``bench/run.py`` prints it at the end of a run and copies it into the figures block of
``bench/README.md``. Plain functions over the results' dictionary, as ``results.json`` holds it.
"""

from pathlib import Path

from bench import targets

README = Path(__file__).resolve().parent / "README.md"


def table(results: dict) -> str:
    sizes = sorted(results["sizes"], key=int)
    machine = results["machine"]
    lines = [
        f"Database: {results['database_version']}   Machine: {machine['summary']}",
        f"Load average (1, 5, 15 min) at the start: {machine.get('load_average_at_start')}, "
        f"at the end: {machine.get('load_average_at_end')}",
        "",
    ]
    cell = "{:>8} {:>8} {:>4} {:>7} {:>7}"
    lines.append((f"{'':<12}" + "".join(f" | {f'{int(n):,} cases':^38}" for n in sizes)).rstrip())
    lines.append(
        f"{'ms':<12}" + " | ".join(["", *[cell.format("median", "p95", "q", "x floor", "x staff") for _ in sizes]])
    )

    def row(label: str, figures) -> None:
        cells = [cell.format(*figures(results["sizes"][n])) for n in sizes]
        lines.append((f"{label:<12}" + " | ".join(["", *cells])).rstrip())

    row("floor", lambda r: (f"{r['floor_median_ms']:.2f}", f"{r['floor_ms']:.2f}", r["floor_queries"], "1.00", ""))
    row(
        "staff floor",
        lambda r: (
            f"{r['staff_floor']['median_ms']:.2f}",
            f"{r['staff_floor']['p95_ms']:.2f}",
            r["staff_floor"]["queries"],
            f"{r['staff_floor']['ratio_to_floor']:.2f}",
            "1.00",
        ),
    )
    # An earlier run's results (``--recheck``) may lack a page added since.
    for name in [name for name in targets.PAGES if all(name in results["sizes"][n]["pages"] for n in sizes)]:
        row(
            name,
            lambda r, name=name: (
                f"{r['pages'][name]['median_ms']:.2f}",
                f"{r['pages'][name]['p95_ms']:.2f}",
                r["pages"][name]["queries"],
                f"{r['pages'][name]['ratio_to_floor']:.2f}",
                f"{targets.staff_ratio(r, name):.2f}" if name in targets.STAFF_PAGES else "",
            ),
        )
    lines.append("x floor: the page's p95 over the floor's; x staff: a staff page's p95 over the staff floor's.")
    lines.append("")
    for label, value in [
        (
            "The data: open cases, timeline events, reminders",
            lambda r: (
                f"{r['data']['open_cases']:,} open, {r['data']['timeline_events']:,} events, "
                f"{r['data']['reminders']:,} reminders"
            ),
        ),
        ("Seeding, s (this size / in all)", lambda r: f"{r['seed_s']} / {r['seed_total_s']}"),
        (
            "Reminder dispatch, 1,000 due: reminders/s (plain send_mail loop/s, ratio)",
            lambda r: (
                f"{r['dispatch_per_s']} ({r['dispatch']['plain_send_mail_per_s']}, "
                f"{r['dispatch']['dispatch_vs_plain']})"
            ),
        ),
        (
            "CSV export of all rows: time, peak memory of the process",
            lambda r: f"{r['export']['rows']:,} rows in {r['export']['seconds']} s, {r['export_peak_mb']} MB",
        ),
        ("wrk, case list: requests/s, p99, errors", lambda r: _wrk_cell(r, "case_list")),
        ("wrk, portal page: requests/s, p99, errors", lambda r: _wrk_cell(r, "portal")),
    ]:
        lines.append(label)
        for n in sizes:
            lines.append(f"  {int(n):>9,} cases: {value(results['sizes'][n])}")
    lines.append("")
    lines.append(targets.table(results))
    if results.get("total_s") is not None:
        lines.append(f"\nmake bench took {results['total_s'] / 60:.1f} minutes.")
    return "\n".join(lines)


def _wrk_cell(result: dict, name: str) -> str:
    load = result["wrk"]
    if not load.get("available"):
        return "not measured (" + load.get("reason", "") + ")"
    figures = load[name]
    return f"{figures['requests_per_s']:.0f} req/s, p99 {figures['p99_ms']} ms, {figures['errors']} errors"


def write_readme_figures(results: dict, text: str) -> None:
    """Replace the figures block of bench/README.md with this run's table."""
    if not README.exists():
        return
    readme = README.read_text()
    start, end = "<!-- figures: written by bench/run.py -->", "<!-- /figures -->"
    if start not in readme or end not in readme:
        return
    when = results["generated_at"][:10]
    if results.get("targets_rechecked_at"):
        when += f" (its targets checked again on {results['targets_rechecked_at'][:10]}: bench/run.py --recheck)"
    block = f"{start}\nLatest run, {when}:\n\n```text\n{text}\n```\n{end}"
    README.write_text(readme[: readme.index(start)] + block + readme[readme.index(end) + len(end) :])
