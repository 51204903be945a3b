"""`make bench`: seed 1,000, 10,000 and 100,000 cases, measure the pages people use most at each size.

For each size it runs, in order: ``seed_demo --cases N`` (timed), then in a fresh process the
page latencies, query counts and one reminder dispatch pass (``bench/measure.py``), then the
CSV export of every row in a process of its own for its peak memory (``bench/export_memory.py``),
then the load runs with wrk against gunicorn on 127.0.0.1. Results go to ``bench/results.json``
and a table on stdout (``bench/report.py``), ending with each target of ``bench/targets.py``,
its measured value and whether it was met; the figures block of ``bench/README.md`` is
rewritten with them. ``--recheck`` measures nothing: it checks the targets again on an earlier
run's results and prints its table.

The database is PostgreSQL when one is reachable (a database of its own, ``compassion_bench``
or ``--database``, created and dropped here; never the one DATABASE_URL names), else SQLite in
a temporary folder.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script (make bench): the bench package beside it

from bench import report, targets  # noqa: E402

BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results.json"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "compassion_bench"
# Cases a day, as a national program takes them in: 100,000 cases are some nine years of history.
PER_DAY = 30


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


# ---------------------------------------------------------------- the database


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _postgres(url: str, database: str = "postgres"):
    import psycopg2

    parts = urlsplit(_with_name(url, database))
    return psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=database,
        connect_timeout=3,
    )


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def choose_database(workdir: Path, name: str) -> tuple[str, str]:
    """("postgresql" or "sqlite", the URL the benchmark uses: database ``name``), and why, printed."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith("sqlite"):
        say("DATABASE_URL points at SQLite: the benchmark runs on SQLite, in a temporary folder.")
        return "sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}"
    url = _with_name(configured if configured.startswith("postgres") else DEFAULT_POSTGRES, name)
    try:
        _postgres(url).close()
    except Exception as error:  # noqa: BLE001 - any failure to connect means "not reachable"
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        say(f"PostgreSQL is not reachable ({reason}): the benchmark runs on SQLite, less realistic.")
        return "sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}"
    say(f"PostgreSQL is reachable: the benchmark runs on it, in a database of its own ({name}).")
    return "postgresql", url


def recreate_database(kind: str, url: str) -> None:
    if kind == "sqlite":
        Path(urlsplit(url).path).unlink(missing_ok=True)
        return
    connection = _postgres(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{_name(url)}"')
    connection.close()


def drop_database(kind: str, url: str) -> None:
    if kind == "postgresql":
        with suppress(Exception):
            connection = _postgres(url)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')
            connection.close()


def analyze(kind: str, url: str) -> None:
    """What autovacuum does after a bulk load in production: statistics and the visibility map."""
    if kind == "postgresql":
        connection = _postgres(url, _name(url))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        connection.close()
    else:
        import sqlite3

        connection = sqlite3.connect(urlsplit(url).path)
        connection.execute("ANALYZE")
        connection.close()


def database_version(kind: str, url: str) -> str:
    if kind == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    connection = _postgres(url, _name(url))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return f"PostgreSQL {version.split()[0]}"


# ---------------------------------------------------------------- running the pieces


def django_env(url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of the development settings, on the benchmark's database, writing under ``workdir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"))
    }
    env.update(DATABASE_URL=url, VAR_DIR=str(workdir / "var"), PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING", **extra)
    return env


def run(command: list[str], env: dict[str, str], *, what: str) -> float:
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-4000:])
        raise SystemExit(f"bench: {what} failed (exit {completed.returncode}).")
    return time.monotonic() - started


# ---------------------------------------------------------------- wrk against gunicorn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(url: str, workdir: Path, *, workers: int):
    """gunicorn with the production settings on 127.0.0.1, stopped (its whole process group) at the end."""
    port = free_port()
    env = django_env(
        url,
        workdir,
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        CELERY_BROKER_URL="memory://",
        EMAIL_URL="dummymail://",
        SMS_ENABLED="false",  # the load runs send nothing; production would refuse to start without a gateway
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
    )
    env["LOG_LEVEL"] = "INFO"  # production's: an access line per request, as JSON
    if not (workdir / "var" / "staticfiles" / "staticfiles.json").exists():
        run([sys.executable, "manage.py", "collectstatic", "--noinput"], env, what="collectstatic")
    log = (workdir / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        # No control socket: another gunicorn on this machine (make smoke) keeps its own.
        [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base, process)
        yield base
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


HTTPS = {"X-Forwarded-Proto": "https"}  # as the proxy in front of gunicorn says


def _wait_for(base: str, process: subprocess.Popen) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("bench: gunicorn stopped at start-up; see its log in the bench's temporary folder.")
        with suppress(requests.RequestException):
            if requests.get(f"{base}/accounts/login/", headers=HTTPS, timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise SystemExit("bench: gunicorn did not answer within 60 s.")


def login_cookie(base: str, username: str, password: str) -> str:
    """Log in through the login form, as a browser does; returns the Cookie header for wrk."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", headers=HTTPS, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    cookies = {"csrftoken": page.cookies["csrftoken"]}
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={**HTTPS, "Referer": f"https://{urlsplit(base).netloc}/accounts/login/"},
        cookies=cookies,
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302 or "sessionid" not in answer.cookies:
        raise SystemExit(f"bench: logging in for the load run failed (HTTP {answer.status_code}).")
    cookies["sessionid"] = answer.cookies["sessionid"]
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def wrk(url: str, *, cookie: str | None, duration: int, connections: int, threads: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99_ms": _milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
    }


def load_runs(url: str, workdir: Path, portal_path: str, args) -> dict:
    if not shutil.which("wrk"):
        say("wrk is not installed (apt-get install wrk): the load runs are skipped.")
        return {"available": False, "reason": "wrk is not installed"}
    with gunicorn(url, workdir, workers=args.workers) as base:
        cookie = login_cookie(base, "supervisor", "compassion-demo")
        options = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
        return {
            "available": True,
            "case_list": wrk(f"{base}/cases/", cookie=cookie, **options),
            "portal": wrk(f"{base}{portal_path}", cookie=None, **options),
        }


# ---------------------------------------------------------------- one size


def measure_size(cases: int, kind: str, url: str, workdir: Path, args, seed_total: float) -> dict:
    env = django_env(url, workdir)
    say(f"{cases:,} cases: seeding")
    seed_s = run(
        [sys.executable, "manage.py", "seed_demo", "--cases", str(cases), "--per-day", str(PER_DAY)],
        env,
        what=f"seed_demo --cases {cases}",
    )
    analyze(kind, url)
    say(f"{cases:,} cases: seeded in {seed_s:.1f} s; measuring pages ({args.requests} requests each) and dispatch")
    out, portal = workdir / f"measure-{cases}.json", workdir / f"portal-{cases}.txt"
    bench_env = django_env(url, workdir, DJANGO_SETTINGS_MODULE="bench.settings")
    run(
        [sys.executable, "-m", "bench.measure", "--cases", str(cases), "--requests", str(args.requests)]
        + ["--out", str(out), "--token-out", str(portal)],
        bench_env,
        what="the page measurements",
    )
    measured = json.loads(out.read_text())
    say(f"{cases:,} cases: the CSV export of every row, in a process of its own")
    export_out = workdir / f"export-{cases}.json"
    run([sys.executable, "-m", "bench.export_memory", "--out", str(export_out)], bench_env, what="the CSV export")
    export = json.loads(export_out.read_text())
    say(f"{cases:,} cases: load runs with wrk ({args.duration} s, {args.connections} connections each)")
    load = load_runs(url, workdir, portal.read_text(), args)
    pages = measured["pages"]
    floor = pages.pop("floor")
    staff_floor = pages.pop("staff_floor")
    dispatch = measured["dispatch"]
    return {
        "cases": measured["cases"],
        "data": measured["data"],
        "seed_s": round(seed_s, 1),
        "seed_total_s": round(seed_total + seed_s, 1),
        "floor_ms": floor["p95_ms"],
        "floor_median_ms": floor["median_ms"],
        "floor_queries": floor["queries"],
        "staff_floor": staff_floor,
        "pages": {name: pages[name] for name in targets.PAGES},
        "case_detail_events": measured["case_detail_events"],
        "dispatch_per_s": dispatch["dispatch_per_s"],
        "dispatch": dispatch,
        "export_peak_mb": export["peak_mb"],
        "export": export,
        "wrk": load,
    }


# ---------------------------------------------------------------- the machine


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    with suppress(OSError, ValueError):
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
        memory_gb = round(kilobytes / 1024 / 1024, 1)
    cores = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": cores,
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "summary": f"{cpu}, {cores} cores, {memory_gb} GB, Python {platform.python_version()}",
    }


# ---------------------------------------------------------------- main


def recheck(path: Path) -> None:
    """Check the targets again on an earlier run's results (after the targets changed); measure nothing."""
    results = json.loads(path.read_text())
    results["targets"] = targets.check(results)
    results["targets_rechecked_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    text = report.table(results)
    path.write_text(json.dumps(results, indent=2) + "\n")
    if path == RESULTS:
        report.write_readme_figures(results, text)
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,10000,100000"))
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--duration", type=int, default=15, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help=f"name of the PostgreSQL database created, used and dropped (default: {BENCH_DATABASE})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database at the end")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the results file (default: bench/results.json)")
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="measure nothing: check the targets again on the results in --out and print their table",
    )
    args = parser.parse_args()
    if args.recheck:
        recheck(args.out)
        return
    if args.database == _name(os.environ.get("DATABASE_URL", "")):
        parser.error(f"--database {args.database} is the database DATABASE_URL names; the benchmark drops its own.")
    sizes = sorted(int(size) for size in args.sizes.split(","))

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="compassion-bench-"))
    kind, url = choose_database(workdir, args.database)
    results: dict = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "machine": {**machine(), "load_average_at_start": [round(load, 2) for load in os.getloadavg()]},
        "settings": {
            "requests_per_page": args.requests,
            "warmup_requests_per_page": 20,
            "wrk_duration_s": args.duration,
            "wrk_connections": args.connections,
            "wrk_threads": args.threads,
            "gunicorn_workers": args.workers,
        },
        "sizes": {},
    }
    try:
        recreate_database(kind, url)
        run([sys.executable, "manage.py", "migrate", "--noinput"], django_env(url, workdir), what="migrate")
        results["database_version"] = database_version(kind, url)
        seed_total = 0.0
        for cases in sizes:
            result = measure_size(cases, kind, url, workdir, args, seed_total)
            seed_total = result["seed_total_s"]
            results["sizes"][str(cases)] = result
    finally:
        if not args.keep:
            drop_database(kind, url)
        shutil.rmtree(workdir, ignore_errors=True)
    results["total_s"] = round(time.monotonic() - started, 1)
    # Other work on the machine shows in the p95s and the load runs: say how busy it was.
    results["machine"]["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    results["targets"] = targets.check(results)
    text = report.table(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    if args.out == RESULTS:
        report.write_readme_figures(results, text)
    print()
    print(text)
    print(f"\nResults: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
