# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A diagnostics bundle of a cluster: what each host holds (lh_diagnostics_info) and the one archive on the
controller (lh_diagnostics_bundle), with every secret value removed.

Secrets are removed where they are read, on each host, before anything leaves the module:
- a value under a name that looks like a secret (SECRET_NAME_PATTERN, e.g. LHS_OAUTH_CLIENT_SECRET, a Kafka
  property's ssl.keystore.password) is replaced by REDACTED - in container environments (NAME=value), in dicts
  (the plan, docker inspect) and in NAME=value text of log lines;
- every such value found in a container's environment, and every value the caller names as secret, is then
  replaced wherever else it shows (log lines, /status answers, inspect data, the plan).
Everything here but collect() and write_bundle() is a pure function; those two take their I/O as arguments so
that the unit tests can hand them doubles.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import io
import json
import os
import re
import tarfile
import tempfile
import time

from ansible.module_utils.six import string_types

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import answered_as, identity_problem

SECRET_NAME_PATTERN = "PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL|KEY"
REDACTED = "<redacted>"
# A shorter value cannot be removed from free text without destroying the text around it (and says little).
MIN_SCRUB_LENGTH = 4
# NAME=value in free text (log lines, command lines): NAME as environment variables and Java properties spell it.
ASSIGNMENT = re.compile(r"(?P<name>\b[A-Za-z_][A-Za-z0-9_.-]*)(?P<sep>=)(?P<value>\"[^\"]*\"|'[^']*'|[^\s,;]+)")
SERVER_PATHS = ("/status", "/diskUsage")


class Redactor(object):
    """Removes secret values from text and data: by name (the pattern) and by value (the secrets known)."""

    def __init__(self, pattern=SECRET_NAME_PATTERN, values=()):
        self.pattern = re.compile(pattern, re.IGNORECASE)
        self.values = []
        self.add_values(values)

    def add_values(self, values):
        for value in values or ():
            if value is None or isinstance(value, bool):
                continue
            text = value if isinstance(value, string_types) else str(value)
            if len(text) >= MIN_SCRUB_LENGTH and text not in self.values:
                self.values.append(text)
        # Longest first, so that a secret containing another is removed whole.
        self.values.sort(key=len, reverse=True)

    def is_secret_name(self, name):
        return bool(name) and bool(self.pattern.search(str(name)))

    def text(self, text):
        """text with every known secret value replaced, and the value of every NAME=value whose NAME looks secret."""
        if not isinstance(text, string_types) or not text:
            return text
        for value in self.values:
            if value in text:
                text = text.replace(value, REDACTED)

        def assignment(match):
            if self.is_secret_name(match.group("name")) and match.group("value") != REDACTED:
                return match.group("name") + match.group("sep") + REDACTED
            return match.group(0)

        return ASSIGNMENT.sub(assignment, text)

    def data(self, value, key=None):
        """A copy of value (dicts, lists, scalars) where every scalar under a secret-looking key is REDACTED and
        every string is cleaned as text()."""
        if isinstance(value, dict):
            return dict((self.text(k) if isinstance(k, string_types) else k, self.data(v, k))
                        for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return [self.data(item, key) for item in value]
        if key is not None and self.is_secret_name(key) and value not in (None, "", [], {}):
            return REDACTED
        if isinstance(value, string_types):
            return self.text(value)
        return value


def redactor_from(params):
    """The Redactor of a module's secret_name_pattern and secret_values options."""
    try:
        return Redactor(params["secret_name_pattern"], params["secret_values"])
    except re.error as err:
        raise LHClusterError("secret_name_pattern: '%s' is not a regular expression (%s)"
                             % (params["secret_name_pattern"], err))


def env_secrets(env_list, redactor):
    """(names, values) of the NAME=value entries of a container's Config.Env whose NAME looks like a secret."""
    names, values = [], []
    for entry in env_list or []:
        name, sep, value = entry.partition("=")
        if sep and redactor.is_secret_name(name):
            names.append(name)
            if value:
                values.append(value)
    return names, values


def redact_env(env_list, redactor):
    """Config.Env with the value of every secret-looking NAME replaced, and known secret values removed."""
    redacted = []
    for entry in env_list or []:
        name, sep, value = entry.partition("=")
        if sep and redactor.is_secret_name(name):
            redacted.append("%s=%s" % (name, REDACTED if value else ""))
        else:
            redacted.append(redactor.text(entry))
    return redacted


def container_names(planned, listed, name_prefix):
    """The plan's containers on this host, in its order, then every other container of the engine whose name
    starts with name_prefix (left-overs of the cluster, such as a server the plan no longer puts here), sorted."""
    names = list(planned or [])
    extra = set()
    for item in listed or []:
        for name in item.get("Names") or []:
            name = name.lstrip("/")
            if name_prefix and name.startswith(name_prefix) and name not in names:
                extra.add(name)
    return names + sorted(extra)


def state_of(attrs):
    """What a reader wants first of a container: running or not, since when, how it last ended, its health."""
    state = attrs.get("State") or {}
    config = attrs.get("Config") or {}
    health = state.get("Health") or {}
    return {
        "status": state.get("Status"),
        "running": bool(state.get("Running")),
        "restarting": bool(state.get("Restarting")),
        "oom_killed": bool(state.get("OOMKilled")),
        "exit_code": state.get("ExitCode"),
        "error": state.get("Error") or "",
        "started_at": state.get("StartedAt"),
        "finished_at": state.get("FinishedAt"),
        "restart_count": attrs.get("RestartCount"),
        "health": health.get("Status"),
        "image": config.get("Image"),
        "image_id": attrs.get("Image"),
        "created": attrs.get("Created"),
    }


def _decode(raw):
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return raw or ""


def _parse(body):
    try:
        return json.loads(body)
    except (TypeError, ValueError):
        return body


def collect(client, containers=(), name_prefix="", servers=(), log_lines=500, redactor=None, fetch=None,
            sdk_version=None):
    """Read the host once through `client`: the engine, each container (state, inspect, last log lines) and each
    server's /status and /diskUsage (fetch(url) -> (status code or None, body)). Nothing that is read fails the
    collection: what could not be read is reported in its place. Returns data with every secret removed."""
    redactor = redactor or Redactor()
    version = client.version()
    info = client.info()
    engine = {
        "version": version.get("Version"), "api_version": version.get("ApiVersion"),
        "min_api_version": version.get("MinAPIVersion"), "go_version": version.get("GoVersion"),
        "os": info.get("OperatingSystem"), "kernel": info.get("KernelVersion"), "arch": version.get("Arch"),
        "cpus": info.get("NCPU"), "memory_bytes": info.get("MemTotal"), "root_dir": info.get("DockerRootDir"),
        "storage_driver": info.get("Driver"), "cgroup_version": info.get("CgroupVersion"),
        "containers": info.get("Containers"), "containers_running": info.get("ContainersRunning"),
        "images": info.get("Images"), "warnings": info.get("Warnings") or [], "sdk_version": sdk_version,
    }
    names = container_names(containers, client.api.containers(all=True), name_prefix)
    # First every container's secrets, so that one container's secret is removed from another's logs too.
    inspected = {}
    for name in names:
        try:
            inspected[name] = client.api.inspect_container(name)
        except Exception as err:  # the SDK's NotFound, or the engine's error
            inspected[name] = err
        if isinstance(inspected[name], dict):
            redactor.add_values(env_secrets((inspected[name].get("Config") or {}).get("Env"), redactor)[1])

    found = []
    for name in names:
        attrs = inspected[name]
        entry = {"name": name, "planned": name in (containers or ())}
        if not isinstance(attrs, dict):
            missing = type(attrs).__name__ in ("NotFound", "ImageNotFound")
            entry.update(exists=False, error="" if missing else redactor.text(str(attrs)))
            found.append(entry)
            continue
        config = attrs.get("Config") or {}
        secret_names = env_secrets(config.get("Env"), redactor)[0]
        attrs = dict(attrs, Config=dict(config, Env=redact_env(config.get("Env"), redactor)))
        entry.update(exists=True, state=redactor.data(state_of(attrs)), inspect=redactor.data(attrs),
                     redacted_env=secret_names)
        try:
            entry["logs"] = redactor.text(_decode(client.api.logs(name, stdout=True, stderr=True, timestamps=True,
                                                                  tail=log_lines)))
            entry["logs_error"] = ""
        except Exception as err:
            entry["logs"], entry["logs_error"] = "", redactor.text(str(err))
        found.append(entry)

    read = []
    for server in servers or ():
        base = "http://%s:%d" % (server["host"], server["health_port"])
        entry = {"name": server.get("name") or base, "url": base}
        for path in SERVER_PATHS:
            code, body = fetch(base + path) if fetch else (None, "no fetch")
            entry[path.lstrip("/")] = {"status_code": code,
                                       "body": redactor.data(_parse(body)) if code is not None else None,
                                       "error": "" if code is not None else redactor.text(body)}
        # who answered: /status names its instanceId (another server's answer would mislead whoever reads the bundle)
        body = entry["status"]["body"]
        entry["instance_id"] = server.get("instance_id")
        entry["answered_as"] = answered_as(body)
        entry["identity_problem"] = identity_problem(
            {"name": entry["name"], "host": server["host"], "health_port": server["health_port"], "status": body},
            server.get("instance_id"))
        read.append(entry)
    return {"engine": redactor.data(engine), "containers": found, "servers": read,
            "redaction": {"pattern": redactor.pattern.pattern, "redacted_env": dict(
                (c["name"], c["redacted_env"]) for c in found if c.get("redacted_env"))}}


def _safe(name):
    """A name usable as one path component of the archive."""
    return re.sub(r"[^A-Za-z0-9_.@+-]", "_", str(name)) or "_"


def _json(data):
    return json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"


def host_error(result):
    """Why a host's result holds nothing to write (unreachable, failed, not run), or None."""
    result = result or {}
    if result.get("unreachable") or result.get("failed") or "engine" not in result:
        return result.get("msg") or "no result from the host (it was not read)"
    return None


def bundle_files(plan, hosts, redactor, created, log_lines=None):
    """{path inside the archive: text}, every text cleaned by redactor (a second time for what the hosts
    already cleaned: the controller also knows the secrets the caller named)."""
    files = {"plan.json": _json(redactor.data(plan))}
    summary = {"created": created, "hosts": {}, "redaction": {
        "pattern": redactor.pattern.pattern, "replaced_by": REDACTED,
        "note": "values under names matching the pattern, every such value found in a container's environment "
                "and the values of the variables named secret were removed everywhere in this archive"}}
    for host in sorted(hosts or {}):
        result = hosts[host] or {}
        folder = "hosts/%s" % _safe(host)
        reason = host_error(result)
        if reason:
            files[folder + "/error.txt"] = redactor.text("%s\n" % reason)
            summary["hosts"][host] = {"error": redactor.text(reason)}
            continue
        files[folder + "/engine.json"] = _json(redactor.data(result["engine"]))
        host_summary = {"engine": (result["engine"] or {}).get("version"), "containers": {}, "servers": {},
                        "redacted_env": redactor.data(result.get("redaction", {}).get("redacted_env", {}))}
        for container in result.get("containers") or []:
            where = "%s/containers/%s" % (folder, _safe(container["name"]))
            if not container.get("exists"):
                files[where + "/state.json"] = _json(redactor.data(container))
                host_summary["containers"][container["name"]] = "absent" + (
                    " (%s)" % container["error"] if container.get("error") else "")
                continue
            files[where + "/state.json"] = _json(redactor.data(container["state"]))
            files[where + "/inspect.json"] = _json(redactor.data(container["inspect"]))
            logs = redactor.text(container.get("logs") or "")
            if container.get("logs_error"):
                logs += "\n[diagnostics] the logs could not be read: %s\n" % redactor.text(container["logs_error"])
            files[where + "/logs.txt"] = logs
            host_summary["containers"][container["name"]] = (container.get("state") or {}).get("status")
        for server in result.get("servers") or []:
            where = "%s/servers/%s" % (folder, _safe(server["name"]))
            for path in SERVER_PATHS:
                answer = server.get(path.lstrip("/")) or {}
                files["%s/%s.json" % (where, path.lstrip("/"))] = _json(redactor.data(answer))
            host_summary["servers"][server["name"]] = dict(
                (path.lstrip("/"), (server.get(path.lstrip("/")) or {}).get("status_code")) for path in SERVER_PATHS)
        summary["hosts"][host] = host_summary
    if log_lines is not None:
        summary["log_lines"] = log_lines
    files["summary.json"] = _json(redactor.data(summary))
    return files


def write_bundle(path, files, mode=0o600, clock=time.time):
    """Write files ({archive path: text}) to a tar.gz at path, under one folder named like the file; written to
    a temporary file first and renamed, so that a reader never sees half an archive. Returns the member names."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    top = os.path.basename(path)
    for suffix in (".tar.gz", ".tgz"):
        if top.endswith(suffix):
            top = top[:-len(suffix)]
    members = []
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=folder)
    try:
        with os.fdopen(handle, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as archive:
                for name in sorted(files):
                    data = files[name].encode("utf-8")
                    info = tarfile.TarInfo("%s/%s" % (top, name))
                    info.size, info.mode, info.mtime = len(data), 0o600, int(clock())
                    archive.addfile(info, io.BytesIO(data))
                    members.append(info.name)
        os.chmod(temporary, mode)
        os.rename(temporary, path)
    except Exception:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return members
