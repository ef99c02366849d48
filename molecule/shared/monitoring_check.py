# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of a running Prometheus (the monitoring role's), for the Molecule scenarios' verify. Each prints one JSON
line of figures and exits non-zero with the reason when the check fails.

  monitoring_check.py URL ready COUNT TIMEOUT
      wait until Prometheus scrapes COUNT targets, every one up, and no alert fires
  monitoring_check.py URL alert NAME CONTAINER firing|cleared TIMEOUT
      wait until the alert NAME of CONTAINER fires (or no longer fires); prints the seconds it took
  monitoring_check.py URL panels DASHBOARD.json TIMEOUT
      every query of every panel of the Grafana dashboard returns data (at least one series), retried until TIMEOUT
      (a rate needs two scrapes); $__rate_interval is read as 1m, ${datasource} dropped
"""
import json
import sys
import time
from urllib.parse import urlencode
from urllib.request import urlopen


def get(url, path, **query):
    with urlopen("%s%s%s" % (url, path, ("?" + urlencode(query)) if query else ""), timeout=10) as reply:
        return json.loads(reply.read().decode("utf-8"))["data"]


def ready(url, count, timeout):
    started = time.time()
    while True:
        try:
            targets = get(url, "/api/v1/targets", state="active")["activeTargets"]
            alerts = [a for a in get(url, "/api/v1/alerts")["alerts"] if a["state"] == "firing"]
        except (OSError, ValueError) as err:
            targets, alerts = [], [{"labels": {"alertname": "(Prometheus does not answer: %s)" % err}}]
        up = [t for t in targets if t["health"] == "up"]
        if len(targets) == count and len(up) == count and not alerts:
            print(json.dumps({"targets": count, "up": len(up), "firing": 0, "seconds": round(time.time() - started, 1)}))
            return 0
        if time.time() - started > timeout:
            print("after %ds: %d targets (%d expected), %d up (%s); firing: %s" % (
                timeout, len(targets), count, len(up),
                ", ".join("%s %s %s" % (t["labels"].get("container"), t["health"], t["lastError"]) for t in targets),
                ", ".join(a["labels"]["alertname"] for a in alerts) or "none"))
            return 1
        time.sleep(2)


def firing(url, name, container):
    return [a for a in get(url, "/api/v1/alerts")["alerts"]
            if a["labels"].get("alertname") == name and a["labels"].get("container") == container
            and a["state"] == "firing"]


def alert(url, name, container, want, timeout):
    started = time.time()
    while True:
        now = bool(firing(url, name, container))
        if now == (want == "firing"):
            print(json.dumps({"alert": name, "container": container, want: True,
                              "seconds": round(time.time() - started, 1)}))
            return 0
        if time.time() - started > timeout:
            print("%s of %s not %s after %ds; alerts: %s" % (name, container, want, timeout,
                                                             get(url, "/api/v1/alerts")["alerts"]))
            return 1
        time.sleep(1)


def queries(dashboard):
    """[(panel title, expr)] of every panel, rows' panels included."""
    found = []

    def walk(panels):
        for panel in panels:
            walk(panel.get("panels") or [])
            for target in panel.get("targets") or []:
                if target.get("expr"):
                    found.append((panel["title"], target["expr"]))
    walk(dashboard["panels"])
    return found


def panels(url, path, timeout):
    with open(path) as handle:
        dashboard = json.load(handle)
    pending = dict((expr, title) for title, expr in queries(dashboard))
    total = len(pending)
    started = time.time()
    series = {}
    while pending:
        for expr in list(pending):
            result = get(url, "/api/v1/query", query=expr.replace("$__rate_interval", "1m"))["result"]
            if result:
                series[pending.pop(expr)] = len(result)
        if not pending:
            break
        if time.time() - started > timeout:
            print("%d of %d panel queries return no data after %ds: %s" % (
                len(pending), total, timeout, "; ".join("%s: %s" % (t, e) for e, t in pending.items())))
            return 1
        time.sleep(5)
    print(json.dumps({"panels": len(series), "queries": total, "series": series,
                      "seconds": round(time.time() - started, 1)}))
    return 0


def main(argv):
    url, command = argv[1].rstrip("/"), argv[2]
    if command == "ready":
        return ready(url, int(argv[3]), float(argv[4]))
    if command == "alert":
        return alert(url, argv[3], argv[4], argv[5], float(argv[6]))
    if command == "panels":
        return panels(url, argv[3], float(argv[4]))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
