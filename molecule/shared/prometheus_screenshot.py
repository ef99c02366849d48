# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A screenshot of Prometheus's graph page: one query over a time range, drawn by the page itself in headless
Chromium, saved as a PNG (a build artifact of the Molecule scenarios' verify).

  prometheus_screenshot.py URL QUERY OUT.png [--start START] [--end END] [--timeout SECONDS]

  START  epoch seconds; a duration back from END (90s, 15m, 2h); or `first`: the oldest sample Prometheus holds
         (its TSDB head's minTime: for a Prometheus deployed by the scenario, the scenario's first scrape). 15m if
         not given.
  END    epoch seconds, or `now` (the default).

First the query must return data over the range (/api/v1/query_range), else it fails saying so. Then the graph page
(where Prometheus's / redirects: /graph upstream, /classic/graph in Debian's package, which has no React UI) with
the query on its graph tab (g0.expr, g0.tab=0, g0.range_input in seconds, g0.end_input in UTC minutes when the
range does not end now) is loaded by `chromium --headless=new` with a virtual time budget, which dumps the page's
DOM and takes the screenshot in one run; the DOM must show a plotted line (Rickshaw's path in the classic UI, flot's
canvas and legend in the React UI) and no error, and the PNG must have the window's size and more than a blank
page's bytes, else it tries again with twice the budget until TIMEOUT (60 s). Prints one JSON line (the PNG's path,
bytes and size, the range, the series and the page's URL) and exits non-zero with the reason on failure.
The browser: $CHROMIUM, else chromium, chromium-browser or google-chrome on PATH (Debian: apt-get install chromium).
"""
import argparse
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

WINDOW = (1400, 900)
# a blank or unstyled page at 1400x900 is a few KB; the graph page with a plotted line is tens of KB
MIN_BYTES = 20000
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Failure(Exception):
    pass


def api(url, path, **query):
    try:
        with urlopen("%s%s?%s" % (url, path, urlencode(query)), timeout=10) as reply:
            answer = json.loads(reply.read().decode("utf-8"))
    except HTTPError as err:
        try:
            answer = json.loads(err.read().decode("utf-8"))
        except ValueError:
            raise Failure("%s%s: HTTP %s" % (url, path, err.code))
    except (URLError, OSError, ValueError) as err:
        raise Failure("Prometheus at %s does not answer %s: %s" % (url, path, err))
    if answer.get("status") != "success":
        raise Failure("%s%s: %s: %s" % (url, path, answer.get("errorType"), answer.get("error")))
    return answer["data"]


def duration(text):
    match = re.match(r"^(\d+)([smhdw])$", text)
    return int(match.group(1)) * UNITS[match.group(2)] if match else None


def time_range(url, start, end, now):
    if end == "now":
        end_at = now
    elif re.match(r"^\d+(\.\d+)?$", end):
        end_at = float(end)
    else:
        raise Failure("--end %r: epoch seconds or now" % end)
    if start == "first":
        start_at = api(url, "/api/v1/status/tsdb")["headStats"]["minTime"] / 1000.0
        if start_at <= 0 or start_at > end_at:
            raise Failure("Prometheus holds no sample yet (its TSDB head is empty)")
    elif duration(start):
        start_at = end_at - duration(start)
    elif re.match(r"^\d+(\.\d+)?$", start):
        start_at = float(start)
    else:
        raise Failure("--start %r: epoch seconds, a duration (90s, 15m, 2h) or first" % start)
    if end_at - start_at < 60:
        start_at = end_at - 60  # the graph page's range: at least a minute
    return int(start_at), int(round(end_at))


def check_data(url, query, start, end):
    """The series and points the query returns over [start, end] at the graph page's resolution (range / 250)."""
    step = max((end - start) // 250, 1)
    data = api(url, "/api/v1/query_range", query=query, start=start, end=end, step=step)
    series = data["result"]
    points = sum(len(s.get("values") or []) for s in series)
    if not series or not points:
        raise Failure("%s returns no data from %s to %s (%d s): nothing to draw" % (
            query, stamp(start), stamp(end), end - start))
    return len(series), points


def stamp(epoch):
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def graph_page(url, query, start, end, now):
    """The graph page's URL: where / redirects to, with the query's panel options."""
    try:
        with urlopen(url + "/", timeout=10) as reply:
            page = reply.geturl()
    except (URLError, OSError) as err:
        raise Failure("Prometheus at %s does not answer /: %s" % (url, err))
    if not urlsplit(page).path.rstrip("/").endswith("/graph"):
        page = url + "/graph"
    options = [("g0.expr", query), ("g0.tab", "0")]
    if now - end < 30:
        options.append(("g0.range_input", "%ds" % (end - start)))  # ending now: the page's default end
    else:
        # the classic UI's end picker takes minutes (YYYY-MM-DD HH:mm, UTC): the next whole minute, the range widened
        end_minute = -(-end // 60) * 60
        options += [("g0.range_input", "%ds" % (end_minute - start)),
                    ("g0.end_input", time.strftime("%Y-%m-%d %H:%M", time.gmtime(end_minute)))]
    return "%s?%s" % (page.split("?")[0], urlencode(options))


def browser(given):
    if given:
        if not shutil.which(given):
            raise Failure("no Chromium at %s ($CHROMIUM or --chromium)" % given)
        return shutil.which(given)
    for name in ["chromium", "chromium-browser", "google-chrome"]:
        if shutil.which(name):
            return shutil.which(name)
    raise Failure("no Chromium found (chromium, chromium-browser, google-chrome on PATH, or $CHROMIUM); "
                  "on Debian: apt-get install --no-install-recommends chromium (tests/testbed/prereqs.sh)")


def command(chromium, budget_ms, out, page):
    """Chromium's command line but for its profile folder (--user-data-dir, a new one for each try)."""
    return [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--window-size=%d,%d" % WINDOW, "--no-first-run", "--virtual-time-budget=%d" % budget_ms,
            "--dump-dom", "--screenshot=" + out, page]


def attempt(argv, out, bound, last):
    """None when Chromium saved a screenshot of the plotted graph, else what is wrong with it. Only the last try's
    timeout is a failure; an earlier one is tried again with a larger budget."""
    if os.path.exists(out):
        os.remove(out)
    profile = tempfile.mkdtemp(prefix="prometheus-screenshot-")
    try:
        dom = run(argv[:1] + ["--user-data-dir=" + profile] + argv[1:], bound)
    except Failure as err:
        if last or "took more than" not in str(err):
            raise
        return str(err)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = drawn(dom)
    if missing is None:
        if not os.path.exists(out):
            missing = "Chromium wrote no screenshot"
        elif png_size(out) != WINDOW:
            missing = "the PNG is %dx%d, not the window's %dx%d" % (png_size(out) + WINDOW)
        elif os.path.getsize(out) < MIN_BYTES:
            missing = "the PNG has %d bytes, a blank page's" % os.path.getsize(out)
    return missing


def run(argv, timeout):
    """Chromium's stdout (the DOM); Chromium and every process it started killed when it outlasts timeout."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        dom, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise Failure("Chromium took more than %.0f s" % timeout)
    if proc.returncode != 0:
        raise Failure("Chromium exited %d: %s" % (proc.returncode, err.decode("utf-8", "replace")[-800:]))
    return dom.decode("utf-8", "replace")


def drawn(dom):
    """None when the page plotted the query, else what is missing."""
    for match in re.finditer(r'<div[^>]*class="[^"]*alert-danger[^"]*"([^>]*)>(.*?)</div>', dom, re.S):
        text = re.sub(r"<[^>]+>", "", match.group(2)).strip()
        if text and "display: none" not in match.group(1):
            return "the page shows an error: %s" % text[:300]
    if re.search(r'<path class="path" d="M', dom):
        return None  # the classic UI: Rickshaw drew a line
    if "flot-base" in dom and "legend-item" in dom:
        return None  # the React UI: flot's canvas with a legend
    if "does not include the modern React web UI" in dom:
        return "Debian's Prometheus without the React UI at this page (its graph page is /classic/graph)"
    return "no plotted line in the page yet"


def png_size(path):
    with open(path, "rb") as handle:
        head = handle.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failure("%s is no PNG" % path)
    return struct.unpack(">II", head[16:24])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("query")
    parser.add_argument("out")
    parser.add_argument("--start", default="15m")
    parser.add_argument("--end", default="now")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--budget", type=int, default=5000, help="the first virtual time budget, in ms")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM"))
    args = parser.parse_args()
    if args.budget < 500:
        parser.error("--budget: 500 ms at least (the page fetches its script and the query)")
    url, out = args.url.rstrip("/"), os.path.abspath(args.out)
    started = time.time()
    try:
        start, end = time_range(url, args.start, args.end, started)
        series, points = check_data(url, args.query, start, end)
        page = graph_page(url, args.query, start, end, started)
        chromium = browser(args.chromium)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        budget, tries, missing = args.budget, 0, None
        while True:
            left = args.timeout - (time.time() - started)
            if left < 1:
                raise Failure("no screenshot of a plotted graph within %d s (%d tries): %s" % (
                    args.timeout, tries, missing))
            tries += 1
            # one try bounded too: a page that never settles holds Chromium past its virtual time
            bound = min(left, 15 + 2 * budget / 1000.0)
            missing = attempt(command(chromium, budget, out, page), out, bound, last=bound == left)
            if missing is None:
                break
            if missing.startswith(("the page shows an error", "Debian's")):
                raise Failure(missing)
            budget *= 2
    except Failure as err:
        print("prometheus_screenshot: %s" % err, file=sys.stderr)
        return 1
    print(json.dumps({"png": out, "bytes": os.path.getsize(out), "size": "%dx%d" % png_size(out),
                      "query": args.query, "start": stamp(start), "end": stamp(end), "series": series,
                      "points": points, "page": page, "tries": tries, "seconds": round(time.time() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
