# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which release an image holds, and whether the servers run the release their images hold.

Pure functions (no client, no engine): lh_workflow_check reads each server's version (GetServerVersion) and the
image each container runs (lh_host_info), and these decide.

The release of an image, from its reference and its labels (the labels a container carries from its image):
- a reference pinned by a digest (`repo@sha256:...`, with or without a tag): the digest decides what runs, so the
  label org.opencontainers.image.version, else unknown;
- a tag that is a bare release, `1.2.1` (or `v1.2.1`): that release;
- a tag that is a release with a suffix, `1.2.1-p1` or `1.3.0-rc1`: a patched rebuild and a pre-release look
  alike, so the label says which when the image has one (the test bed's `lh-server:1.2.1-p1` is labelled 1.2.1:
  a rebuild of 1.2.1); without a label the tag is read as the pre-release it spells (semantic versioning);
- any other tag (`master`, `latest`, `1.2`, none): the label, else unknown.
A label that is not a version counts as no label. Unknown is reported, never a failure.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._names import parse_image_reference

VERSION_LABEL = "org.opencontainers.image.version"
UNKNOWN = "unknown"
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$")


def parse_version(text):
    """(major, minor, patch, pre-release or '') of 'X.Y.Z[-pre]' (a leading v allowed), else None."""
    match = _VERSION.match(str(text or "").strip())
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4) or ""


def version_text(parsed):
    major, minor, patch, pre = parsed
    return "%d.%d.%d%s" % (major, minor, patch, "-" + pre if pre else "")


def server_version_text(major, minor, patch=None, pre_release=None):
    """The version a server answers GetServerVersion with (LittleHorseVersion), as X.Y.Z[-pre]; a missing patch
    is 0, as the server's own SDKs print it."""
    return version_text((int(major), int(minor), int(patch or 0), str(pre_release or "")))


def split_reference(image):
    """(tag or None, digest or None) of an image reference (Docker's grammar, _names.parse_image_reference)."""
    parsed = parse_image_reference(str(image or "").strip())
    return (parsed["tag"], parsed["digest"]) if parsed else (None, None)


def image_release(image, labels=None):
    """{release, source, label}: the release the image holds (X.Y.Z[-pre], or 'unknown') and where that came from:
    'tag', 'label' or 'unknown'. See the module's docstring for the rules."""
    label_value = (labels or {}).get(VERSION_LABEL)
    label = parse_version(label_value)
    tag, digest = split_reference(image)
    from_tag = None if digest else parse_version(tag)
    if from_tag and not from_tag[3]:
        return {"release": version_text(from_tag), "source": "tag", "label": label_value}
    if label:
        return {"release": version_text(label), "source": "label", "label": label_value}
    if from_tag:
        return {"release": version_text(from_tag), "source": "tag", "label": label_value}
    return {"release": UNKNOWN, "source": UNKNOWN, "label": label_value}


def same_release(one, other):
    """Whether two version texts name the same release (a leading v and whitespace aside)."""
    first, second = parse_version(one), parse_version(other)
    return first is not None and first == second


def _source_text(release):
    if release["source"] == "tag":
        return "its tag"
    if release["source"] == "label":
        return "its label %s" % VERSION_LABEL
    return "no release tag, no %s label" % VERSION_LABEL


def versions_report(servers, versions, containers, dashboard=None):
    """Each server's version beside its image's release, and the dashboard's release beside the servers'.

    servers: [{name, host}] (the plan's). versions: {name: {version, error}} as read from each server.
    containers: [{name, image, labels}] (lh_host_info's; the servers' and the dashboard's). dashboard: the
    dashboard's container name, or None.
    Returns (report, problems, warnings): report {servers: [{name, host, version, image, release, release_source,
    problem, summary}], dashboard: {name, image, release, release_source, warning, summary} or None} (summary: one
    line for the report); problems (a server whose
    version differs from its image's release, or whose version could not be read) fail the check; warnings (a
    dashboard of another release than the servers') do not. A container not given (its host not looked at) leaves
    the image and its release unknown, as an image without a release does: reported, not a failure.
    """
    by_name = dict((c.get("name"), c) for c in containers or [])
    entries, problems = [], []
    for server in servers:
        name = server["name"]
        read = versions.get(name) or {}
        container = by_name.get(name)
        entry = {"name": name, "host": server.get("host"), "version": read.get("version"), "image": None,
                 "release": UNKNOWN, "release_source": UNKNOWN, "problem": None}
        if container:
            release = image_release(container.get("image"), container.get("labels"))
            entry.update(image=container.get("image"), release=release["release"], release_source=release["source"])
        label = "%s (host %s)" % (name, server.get("host"))
        if read.get("error"):
            entry["problem"] = "%s: its version could not be read (%s)" % (label, read["error"])
        elif container and entry["release"] != UNKNOWN and not same_release(entry["version"], entry["release"]):
            entry["problem"] = (
                "%s runs LittleHorse %s, but its image %s is release %s (%s). The container runs another build than "
                "its image names: rebuild or retag the image so that it names the release inside it, or set "
                "server_image to the image of release %s and run site.yml"
                % (label, entry["version"], entry["image"], entry["release"], _source_text(release), entry["version"]))
        entry["summary"] = "%s: LittleHorse %s; image %s, release %s (%s)" % (
            label, entry["version"] or "not read", entry["image"] or "not read", entry["release"],
            _source_text(release) if container else "its container was not read")
        if entry["problem"]:
            problems.append(entry["problem"])
        entries.append(entry)
    report = {"servers": entries, "dashboard": None}
    warnings = []
    if dashboard:
        container = by_name.get(dashboard)
        entry = {"name": dashboard, "image": None, "release": UNKNOWN, "release_source": UNKNOWN, "warning": None}
        if container:
            release = image_release(container.get("image"), container.get("labels"))
            entry.update(image=container.get("image"), release=release["release"], release_source=release["source"])
            running = sorted(set(e["version"] for e in entries if e["version"]))
            if entry["release"] != UNKNOWN and running and not all(same_release(v, entry["release"]) for v in running):
                entry["warning"] = (
                    "the dashboard %s runs image %s, release %s (%s), and the servers run %s: a dashboard of another "
                    "release than its servers may not show everything they hold; set dashboard_image to the "
                    "dashboard of release %s" % (dashboard, entry["image"], entry["release"], _source_text(release),
                                                 ", ".join(running), running[0]))
                warnings.append(entry["warning"])
        entry["summary"] = "dashboard %s: image %s, release %s (%s)" % (
            dashboard, entry["image"] or "not read", entry["release"],
            _source_text(release) if container else "its container was not read")
        report["dashboard"] = entry
    return report, problems, warnings
