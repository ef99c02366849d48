# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prometheus's typed options -> prometheus.yml, its rules files and the container that runs it.

The configuration and the rules are reloadable mounts: Prometheus re-reads them on SIGHUP, so a new target or rule
reaches a running Prometheus without a restart (its data and its alerts' state stay). Both are written as JSON, which
Prometheus reads as the YAML it is: the module needs no YAML library on the managed host (the rules come parsed,
from the controller)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import datetime
import json
import os
import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    ContainerSpec, Mount, host_files_dir, http_probe, write_file)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._monitoring_plan import DURATION, PROMETHEUS_PORT
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_kwargs

# The official image's layout: its entrypoint /bin/prometheus, configuration in /etc/prometheus, data in /prometheus.
CONFIG_TARGET = "/etc/prometheus/prometheus.yml"
RULES_TARGET = "/etc/prometheus/rules"
DATA_DIR = "/prometheus"
PORT = PROMETHEUS_PORT
RELOAD_SIGNAL = "SIGHUP"
STOP_TIMEOUT = 60
REQUIRED = ("image", "scrape_configs")
RULES_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$")
JOB_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
TARGET = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?:[0-9]{1,5}$")
CERTIFICATE_RULES = "littlehorse-certificates.yml"


def argument_spec():
    return dict(
        scrape_configs=dict(type="list", elements="dict", options=dict(
            job_name=dict(type="str", required=True),
            metrics_path=dict(type="str", default="/metrics"),
            targets=dict(type="list", elements="dict", required=True),
        )),
        scrape_interval=dict(type="str", default="15s"),
        evaluation_interval=dict(type="str", default="15s"),
        retention=dict(type="str", default="15d"),
        rules=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            groups=dict(type="list", elements="dict", required=True),
        )),
        alert_for=dict(type="dict", default={}),
        certificates=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            not_after=dict(type="str", required=True),
        )),
        certificate_renewal_days=dict(type="int", default=30),
        cluster_labels=dict(type="dict", default={}),
        volume=dict(type="str"),
        config_dir=dict(type="path"),
    )


def _duration(option, value):
    if not value or not DURATION.match(str(value)):
        raise LHClusterError("%s: %r is not a Prometheus duration; give a number with its unit - ms, s, m, h, d, w or "
                             "y - such as 15s or 15d" % (option, value))


def validate(params):
    for option in ("scrape_interval", "evaluation_interval", "retention"):
        _duration(option, params[option])
    if not params["scrape_configs"]:
        raise LHClusterError("scrape_configs: give at least one job, e.g. {job_name: littlehorse-server, targets: "
                             "[{targets: ['lh-server-1:1822']}]}")
    names = set()
    for index, job in enumerate(params["scrape_configs"]):
        where = "scrape_configs[%d]" % index
        if not JOB_NAME.match(job["job_name"]) or job["job_name"] in names:
            raise LHClusterError("%s.job_name: %r must be unique and hold only letters, digits, '_', '.', '-'"
                                 % (where, job["job_name"]))
        names.add(job["job_name"])
        for number, group in enumerate(job["targets"]):
            targets = group.get("targets") if isinstance(group, dict) else None
            if not targets or not all(TARGET.match(str(t)) for t in targets):
                raise LHClusterError("%s.targets[%d]: %r needs targets, a list of host:port" % (where, number, group))
            for name in (group.get("labels") or {}):
                if not LABEL_NAME.match(str(name)):
                    raise LHClusterError("%s.targets[%d].labels: %r is not a Prometheus label name" % (where, number, name))
    seen = set()
    for rule in params["rules"]:
        if not RULES_NAME.match(rule["name"]) or rule["name"] in seen or rule["name"] == CERTIFICATE_RULES:
            raise LHClusterError("rules: %r must be a unique file name ending in .yml (not %s, which the module writes "
                                 "from certificates)" % (rule["name"], CERTIFICATE_RULES))
        seen.add(rule["name"])
        for group in rule["groups"]:
            if not group.get("name") or not isinstance(group.get("rules"), list):
                raise LHClusterError("rules: %s: every group needs a name and its rules (a list), as in a Prometheus rules "
                                     "file; %r has not" % (rule["name"], group.get("name")))
    for name, value in params["alert_for"].items():
        _duration("alert_for[%s]" % name, value)
    known = set(alerts_of(params["rules"]))
    unknown = sorted(set(params["alert_for"]) - known)
    if unknown:
        raise LHClusterError("alert_for: %s %s no alert of the rules (%s); fix the name"
                             % (", ".join(unknown), "is" if len(unknown) == 1 else "are", ", ".join(sorted(known))))
    for item in params["certificates"]:
        _timestamp(item)
    if params["certificate_renewal_days"] < 0:
        raise LHClusterError("certificate_renewal_days: must be 0 or more")


def alerts_of(rules):
    """The alert names of rules files [{name, groups}]."""
    return [r["alert"] for rule in rules for group in rule["groups"] for r in group["rules"] if "alert" in r]


def tuned_groups(groups, alert_for):
    """The groups of a rules file with the `for:` of the alerts named in alert_for replaced (the rest as it is)."""
    groups = copy.deepcopy(groups)
    for group in groups:
        for rule in group["rules"]:
            if rule.get("alert") in alert_for:
                rule["for"] = str(alert_for[rule["alert"]])
    return groups


def rules_text(groups, source):
    """A rules file's text: JSON (which Prometheus reads as YAML) under a comment that says where it comes from."""
    return "# Written by littlehorse.cluster.lh_prometheus from %s; a change is overwritten.\n%s\n" % (
        source, json.dumps({"groups": groups}, indent=2))


def _timestamp(item):
    text = str(item["not_after"]).replace("Z", "+00:00")
    try:
        moment = datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise LHClusterError("certificates[%s].not_after: %r is not an ISO 8601 time such as 2027-11-26T01:30:00+00:00 "
                             "(lh_pki returns it)" % (item["name"], item["not_after"]))
    offset = text[19:]
    if offset and offset not in ("+00:00", "Z"):
        raise LHClusterError("certificates[%s].not_after: %r must be in UTC (+00:00)" % (item["name"], item["not_after"]))
    return int((moment - datetime.datetime(1970, 1, 1)).total_seconds())


def certificate_rules(certificates, renewal_days, labels):
    """Recording rules of each certificate's expiry (littlehorse_certificate_expiry_timestamp_seconds) and renewal
    window (littlehorse_certificate_renewal_window_seconds), for the alert LittleHorseCertificateExpiring; '' without
    certificates."""
    if not certificates:
        return ""
    rules = []
    for item in sorted(certificates, key=lambda c: c["name"]):
        series = dict(labels, certificate=item["name"])
        rules.append({"record": "littlehorse_certificate_expiry_timestamp_seconds",
                      "expr": "vector(%d)" % _timestamp(item), "labels": series})
        rules.append({"record": "littlehorse_certificate_renewal_window_seconds",
                      "expr": "vector(%d)" % (renewal_days * 86400), "labels": series})
    return rules_text([{"name": "littlehorse-certificates", "rules": rules}],
                      "the certificates the collection keeps (lh_pki)")


def rule_files(params):
    """[(file name, content)]: the given rules (tuned by alert_for) and the certificates' rules."""
    files = [(rule["name"], rules_text(tuned_groups(rule["groups"], params["alert_for"]), "the rules %s" % rule["name"]))
             for rule in params["rules"]]
    generated = certificate_rules(params["certificates"], params["certificate_renewal_days"], params["cluster_labels"])
    if generated:
        files.append((CERTIFICATE_RULES, generated))
    return files


def render(params):
    """The prometheus.yml text of the options; validates first."""
    validate(params)
    config = {
        "global": {"scrape_interval": params["scrape_interval"], "evaluation_interval": params["evaluation_interval"]},
        "rule_files": ["%s/%s" % (RULES_TARGET, name) for name, _content in rule_files(params)],
        "scrape_configs": [{"job_name": job["job_name"], "metrics_path": job["metrics_path"],
                            "static_configs": [dict(targets=list(g["targets"]),
                                                    **({"labels": dict((str(k), str(v)) for k, v in g["labels"].items())}
                                                       if g.get("labels") else {}))
                                               for g in job["targets"]]}
                           for job in params["scrape_configs"]],
    }
    return ("# Written by littlehorse.cluster.lh_prometheus for container %s; a change is overwritten.\n" % params["name"]
            + json.dumps(config, indent=2, sort_keys=False) + "\n")


def command(params):
    return ["--config.file=%s" % CONFIG_TARGET, "--storage.tsdb.path=%s" % DATA_DIR,
            "--storage.tsdb.retention.time=%s" % params["retention"], "--web.listen-address=:%d" % PORT]


def build_spec(params, check_mode=False):
    config = render(params)
    folder = host_files_dir(params["config_dir"], params["name"])
    files = [(os.path.join(folder, "prometheus.yml"), CONFIG_TARGET, config)] + [
        (os.path.join(folder, "rules", name), "%s/%s" % (RULES_TARGET, name), content)
        for name, content in rule_files(params)]
    written, mounts = [], []
    for path, target, content in files:
        # 0644 in 0755 folders: Prometheus reads them as the image's user (nobody)
        if write_file(path, content, 0o644, 0o755, check_mode):
            written.append(path)
        mounts.append(Mount(target, host_path=path, read_only=True, content=content, reloadable=True))
    if params["volume"]:
        mounts.append(Mount(DATA_DIR, volume=params["volume"]))
    spec = ContainerSpec(mounts=mounts, command=command(params), health=http_probe(PORT, ["/-/ready"]),
                         reload_signal=RELOAD_SIGNAL, **container_kwargs(params))
    return spec, {"files_written": written, "config": config, "config_path": files[0][0],
                  "rules_files": [path for path, _target, _content in files[1:]]}
