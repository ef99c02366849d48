# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a cluster leaves on a host once its containers are gone, and its removal (lh_host_cleanup).

The decisions are pure (`decide`): which paths and volumes go and which stay, and why; `apply` carries them out.
Only the collection's own paths are ever removed: a folder only when it is a folder of the collection's files root
(/etc/littlehorse/<name>), a file only when it is a regular file (or a link) that the collection wrote - by
construction (`owned: path`, e.g. a copied image archive), by its first line (`owned: marker`) or, for a Prometheus
targets file, by every target group carrying the cluster's prefix (`owned: targets`). Anything else is kept and
reported with the reason.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import FILES_ROOT
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

HEAD_BYTES = 4096
OWNED = ("folder", "path", "marker", "targets", "never")


def is_files_folder(path, root=FILES_ROOT):
    """Whether path is a folder directly under the collection's files root (/etc/littlehorse/<name>)."""
    normal = os.path.normpath(str(path))
    parent, name = os.path.split(normal)
    return os.path.isabs(normal) and parent == os.path.normpath(root) and name not in ("", ".", "..")


def folder_entries(folders):
    """The entries of `decide` for folders of the collection's files, each removed whole."""
    return [{"path": str(f), "what": "files of %s" % os.path.basename(os.path.normpath(str(f))), "owned": "folder"}
            for f in folders]


def archive_entries(archives, keep=False):
    """The entries of `decide` for image archives the collection copied: removed with purge unless `keep`."""
    why = ("an image archive the collection copied (littlehorse_image_archives); a later deploy loads from it%s"
           % ("; kept by littlehorse_teardown_keep_image_archives" if keep else ""))
    return [{"path": str(a), "what": "image archive", "owned": "never" if keep else "path", "purge_only": True,
             "keep_why": why} for a in archives]


def path_problems(entries, root=FILES_ROOT):
    """Entries the module refuses before it removes anything: a folder outside the files root, a relative path."""
    problems = []
    for entry in entries:
        path = str(entry["path"])
        if not os.path.isabs(path):
            problems.append("%s (%s) is a relative path; give the absolute path" % (path, entry["what"]))
        elif entry["owned"] == "folder" and not is_files_folder(path, root):
            problems.append("%s (%s) is not a folder of the collection's files (%s/<name>): only those are removed "
                            "whole" % (path, entry["what"], root))
    return problems


def owned_by_content(entry, head):
    """Whether a file's first bytes (`head`, text) show that the collection wrote it, for owned marker/targets."""
    if entry["owned"] == "marker":
        return head.startswith(entry.get("marker") or "\0")
    if entry["owned"] == "targets":
        try:
            groups = json.loads(head)
        except ValueError:
            return False
        return (isinstance(groups, list) and len(groups) > 0 and all(
            isinstance(g, dict) and isinstance(g.get("labels"), dict)
            and g["labels"].get("littlehorse_prefix") == entry.get("prefix") for g in groups))
    return entry["owned"] in ("path", "folder")


def decide(entries, volumes, purge, state):
    """Which of `entries` (paths) and `volumes` to remove and which to keep.

    entries: [{path, what, owned, purge_only, marker, prefix, keep_why}] - owned one of OWNED ('never': only
    reported, as kept, when it is there); purge_only: removed only with purge. volumes: [{name, what}].
    state: {path: None (absent) | 'dir' | 'file' | 'other', 'head:' + path: the file's first bytes as text,
    'volume:' + name: whether it exists}. Returns (remove, keep): remove [{kind: path|volume, name, what}],
    keep [{kind, name, what, why}], both in the order given, entries that are not there left out.
    """
    remove, keep = [], []
    for entry in entries:
        path, kind = entry["path"], state.get(entry["path"])
        if kind is None:
            continue
        item = {"kind": "path", "name": path, "what": entry["what"]}
        if entry["owned"] == "never":
            keep.append(dict(item, why=entry.get("keep_why") or "the collection never removes it"))
        elif entry["owned"] == "folder" and kind != "dir":
            keep.append(dict(item, why="it is not a folder"))
        elif entry["owned"] != "folder" and kind != "file":
            keep.append(dict(item, why="it is not a regular file"))
        elif not owned_by_content(entry, state.get("head:" + path, "")):
            keep.append(dict(item, why="littlehorse.cluster did not write it (its content is not the collection's)"))
        elif entry.get("purge_only") and not purge:
            keep.append(dict(item, why=entry.get("keep_why") or "kept without littlehorse_teardown_purge_volumes"))
        else:
            remove.append(item)
    for volume in volumes:
        if not state.get("volume:" + volume["name"]):
            continue
        item = {"kind": "volume", "name": volume["name"], "what": volume["what"]}
        if purge:
            remove.append(item)
        else:
            keep.append(dict(item, why="data is kept without littlehorse_teardown_purge_volumes (a later deploy finds "
                                       "the cluster as it was)"))
    return remove, keep


def read_state(entries, volumes, volume_names):
    """The state `decide` needs, read from this machine's filesystem; volume_names: the engine's volumes."""
    state = {}
    for entry in entries:
        path = entry["path"]
        if os.path.islink(path) or os.path.isfile(path):
            state[path] = "file"
            if entry["owned"] in ("marker", "targets"):
                try:
                    with open(path, "rb") as handle:
                        data = handle.read(HEAD_BYTES if entry["owned"] == "marker" else 1 << 20)
                    state["head:" + path] = data.decode("utf-8", "replace")
                except (IOError, OSError):
                    state["head:" + path] = ""
        elif os.path.isdir(path):
            state[path] = "dir"
        elif os.path.lexists(path):
            state[path] = "other"
    present = set(volume_names or [])
    for volume in volumes:
        state["volume:" + volume["name"]] = volume["name"] in present
    return state


def prune(folders):
    """Remove each folder of `folders` that is empty (in the order given); returns the ones removed."""
    removed = []
    for folder in folders:
        try:
            if os.path.isdir(folder) and not os.path.islink(folder) and not os.listdir(folder):
                os.rmdir(folder)
                removed.append(folder)
        except OSError:
            continue
    return removed


def remove_path(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def summary(item):
    text = "%s %s (%s)" % (item["kind"], item["name"], item["what"])
    return text + (": " + item["why"] if item.get("why") else "")


def validate(entries):
    problems = path_problems(entries)
    for entry in entries:
        if entry["owned"] not in OWNED:
            problems.append("%s: owned must be one of %s" % (entry["path"], ", ".join(OWNED)))
    if problems:
        raise LHClusterError("nothing was removed: " + "; ".join(problems))


def cleanup(connect, host, entries, volumes=(), network=None, purge=False, prune_dirs=(), check_mode=False):
    """Remove what `decide` says and the network; `connect()` gives a Docker client (called only when volumes or a
    network are given). Returns {changed, removed, kept, network} (removed and kept as summaries, kept also as
    items); raises LHClusterError naming the host and what could not be removed."""
    entries, volumes = list(entries), list(volumes)
    validate(entries)
    client = connect() if volumes or network else None
    names = [v.get("Name") for v in (client.api.volumes() or {}).get("Volumes") or []] if volumes else []
    remove, keep = decide(entries, volumes, purge, read_state(entries, volumes, names))
    result = {"changed": False, "removed": [], "kept": [summary(k) for k in keep], "kept_items": keep,
              "network": None}
    errors = []
    for item in remove:
        result["changed"] = True
        result["removed"].append(summary(item))
        if check_mode:
            continue
        try:
            if item["kind"] == "path":
                remove_path(item["name"])
            else:
                client.api.remove_volume(item["name"])
        except Exception as err:  # OSError, or the SDK's APIError (a volume still in use)
            errors.append("%s %s: %s" % (item["kind"], item["name"], str(err).strip().splitlines()[0]))
    if network:
        found = [n for n in client.api.networks(names=[network]) or [] if n.get("Name") == network]
        if found:
            result["changed"] = True
            result["network"] = network
            result["removed"].append("network %s (the cluster's)" % network)
            if not check_mode:
                try:
                    client.api.remove_network(network)
                except Exception as err:  # the SDK's APIError: a container of someone else still on it
                    errors.append("network %s: %s" % (network, str(err).strip().splitlines()[0]))
    if not check_mode:
        result["pruned"] = prune(prune_dirs)
    if errors:
        raise LHClusterError("host %s: could not remove %s" % (host, "; ".join(errors)), result=result)
    return result
