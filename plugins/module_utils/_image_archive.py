# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images from 'docker save' archives, for hosts that reach no registry (lh_image_archive).

An archive is what 'docker save' writes (a tar, optionally gzip, bzip2 or xz compressed, as
'docker load' takes it). Which images it holds is read from the archive itself, without Docker:
manifest.json (RepoTags), else index.json (the OCI layout's image name annotations), else the
legacy 'repositories' file. locate() says which archive holds each needed image; load() loads
the archives that hold the images an engine misses. Problems are collected and returned, each
naming the host, the setting and the fix; nothing raises for a user's mistake.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import tarfile

from ansible_collections.littlehorse.cluster.plugins.module_utils._images import (
    ARCHIVES_SETTING as SETTING, first_line, image_present)

INDEX_FILES = ("manifest.json", "index.json", "repositories")


def normalise_name(image):
    """The name Docker stores an image under: 'docker.io/library/kafka:4' -> 'kafka:4', an untagged name is
    ':latest', a digest reference is kept as it is."""
    name = str(image or "").strip()
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    if name and "@" not in name and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name


def names_in_index(files):
    """The image names of an archive from its index files ({file name: parsed JSON})."""
    names = []
    for entry in files.get("manifest.json") or []:
        names.extend((entry or {}).get("RepoTags") or [])
    for entry in (files.get("index.json") or {}).get("manifests") or []:
        annotations = (entry or {}).get("annotations") or {}
        name = annotations.get("io.containerd.image.name")
        if name:
            names.append(name)
    for repository, tags in (files.get("repositories") or {}).items():
        names.extend("%s:%s" % (repository, tag) for tag in (tags or {}))
    unique = []
    for name in (normalise_name(n) for n in names):
        if name and name not in unique:
            unique.append(name)
    return unique


def read_archive(path):
    """(image names, None) of a 'docker save' archive, or (None, why it cannot be used).

    Reads only the tar's headers and its small index files: an uncompressed archive is skipped
    through by seeking; a compressed one is decompressed once, as a stream."""
    if not os.path.isabs(path):
        return None, "is not an absolute path"
    if not os.path.exists(path):
        return None, "does not exist"
    if not os.path.isfile(path):
        return None, "is not a file"
    files = {}
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                if member.name in INDEX_FILES and member.isfile():
                    handle = archive.extractfile(member)
                    files[member.name] = json.loads(handle.read().decode("utf-8"))
    except (tarfile.TarError, EOFError, OSError, ValueError) as err:
        return None, "cannot be read as a 'docker save' archive (%s)" % (str(err) or type(err).__name__)
    if not files:
        return None, "is not a 'docker save' archive (it has no manifest.json, index.json or repositories)"
    return names_in_index(files), None


def archive_problem(path, why, host, location, setting=SETTING):
    return ("host %s: the image archive %s (%s) %s on %s. Correct the path in %s, or write the archive there with "
            "'docker save -o %s <image>...' on a machine that has the images."
            % (host, path, setting, why, location, setting, path))


def not_in_archives_problem(entry, host, held, setting=SETTING):
    holds = ", ".join(sorted(held)) or "no image"
    return ("host %s: image %s (%s) is not on the host's Docker engine and no archive of %s holds it (they hold: "
            "%s). Add an archive that holds it to %s ('docker save -o <file>.tar %s' where the image is), or set %s "
            "to an image the archives hold."
            % (host, entry["image"], entry["variable"], setting, holds, setting, entry["image"], entry["variable"]))


def duplicate_names_problem(paths, host, setting=SETTING):
    return ("host %s: the image archives %s (%s) have the same file name, and each is copied to the host under its "
            "file name. Rename one of them." % (host, " and ".join(paths), setting))


def normalised_entries(images):
    """The needed images, each {image, variable, required, archive}, once each."""
    entries, seen = [], []
    for entry in images or []:
        entry = dict({"variable": "image", "required": True, "archive": None}, **entry)
        if entry["image"] in seen:
            continue
        seen.append(entry["image"])
        entries.append(entry)
    return entries


def locate(images, archives, host, location, read=read_archive, setting=SETTING):
    """Which archive of `archives` (paths where this runs) holds each of `images` ([{image, variable, required}]).

    Returns (report, archives_read, problems): report is one entry per image, with `archive` (the first archive
    that holds it, or None) and `missing_because`; every archive is checked to exist, and they are read in order
    until each image is found. problems: [{kind, msg}], kind archive (an archive that cannot be used) or image (a
    required image that no archive holds)."""
    problems, read_archives = [], []
    by_name = {}
    for path in archives or []:
        by_name.setdefault(os.path.basename(path), [])
        if path not in by_name[os.path.basename(path)]:
            by_name[os.path.basename(path)].append(path)
    for name in sorted(by_name):
        if len(by_name[name]) > 1:
            problems.append({"kind": "archive", "msg": duplicate_names_problem(by_name[name], host, setting)})
    entries = normalised_entries(images)
    wanted = set(normalise_name(e["image"]) for e in entries)
    found = {}
    for path in archives or []:
        if any(r["path"] == path for r in read_archives):
            continue
        if wanted.issubset(found) and os.path.isfile(path):
            continue  # every image found already: only that the archive exists matters
        names, why = read(path)
        if why:
            problems.append({"kind": "archive", "msg": archive_problem(path, why, host, location, setting)})
            continue
        read_archives.append({"path": path, "images": names})
        for name in names:
            found.setdefault(name, path)
    held = set(found)
    report = []
    for entry in entries:
        archive = found.get(normalise_name(entry["image"]))
        item = {"image": entry["image"], "variable": entry["variable"], "required": entry["required"],
                "archive": archive, "missing_because": ""}
        if archive is None:
            item["missing_because"] = ("image %s (%s) is not on the Docker engine of %s and no archive of %s holds it"
                                       % (entry["image"], entry["variable"], host, setting))
            if entry["required"] and not any(p["kind"] == "archive" for p in problems):
                problems.append({"kind": "image", "msg": not_in_archives_problem(entry, host, held, setting)})
        report.append(item)
    return report, read_archives, problems


def load(client, host, images, archives=(), archive_dir=None, check_mode=False, opener=open, read=read_archive,
         setting=SETTING):
    """Load the images of `images` that the engine misses from the archives that hold them.

    images: [{image, variable, required, archive}]; an image without `archive` is looked for in `archives`.
    archive_dir: where the archives are on this machine, each under its file name (they were copied there), or
    None for the paths as given. Returns (result, problems, changed); nothing is read or loaded when every image
    is present, nothing is loaded in check mode."""
    entries = normalised_entries(images)
    report = []
    missing = []
    for entry in entries:
        item = {"image": entry["image"], "variable": entry["variable"], "required": entry["required"],
                "id": image_present(client, entry["image"]), "archive": None, "loaded": False, "would_load": False,
                "missing_because": ""}
        item["present"] = item["available"] = item["id"] is not None
        report.append(item)
        if not item["present"]:
            missing.append((entry, item))
    result = {"images": report, "archives": []}
    if not missing:
        return result, [], False

    def here(path):
        return os.path.join(archive_dir, os.path.basename(path)) if archive_dir else path

    problems = []
    unlocated = [entry for entry, item in missing if not entry["archive"]]
    located = {}
    if unlocated:
        found, dummy, problems = locate(unlocated, [here(p) for p in archives or []], host, "host " + host,
                                        read=read, setting=setting)
        located = dict((f["image"], f) for f in found)
    for entry, item in missing:
        if entry["archive"]:
            item["archive"] = here(entry["archive"])
        else:
            item["archive"] = located[entry["image"]]["archive"]
            item["missing_because"] = located[entry["image"]]["missing_because"]
    if problems:
        return result, problems, False

    order = []
    for entry, item in missing:
        if item["archive"] and item["archive"] not in order:
            order.append(item["archive"])
    if check_mode:
        for entry, item in missing:
            if item["archive"]:
                item["would_load"] = item["available"] = True
        result["archives"] = [{"path": path, "loaded": False, "would_load": True} for path in order]
        return result, [], bool(order)

    for path in order:
        if not os.path.isfile(path):
            problems.append({"kind": "archive", "msg": archive_problem(path, "does not exist", host, "host " + host,
                                                                       setting)})
            continue
        try:
            with opener(path, "rb") as handle:
                loaded = client.images.load(handle)
            tags = sorted(set(tag for image in loaded or [] for tag in (getattr(image, "tags", None) or [])))
            result["archives"].append({"path": path, "loaded": True, "tags": tags})
        except Exception as err:  # the SDK's ImageLoadError, APIError, an unreadable file ...
            problems.append({"kind": "load", "msg": (
                "host %s: loading the image archive %s (%s) into the Docker engine failed: %s. Check the archive "
                "('docker load -i %s' on the host says more) and the engine's free disk."
                % (host, path, setting, first_line(err), path))})
    changed = bool(result["archives"])
    for entry, item in missing:
        if not item["archive"]:
            continue
        item["id"] = image_present(client, entry["image"])
        item["loaded"] = item["available"] = item["id"] is not None
        if not item["loaded"] and not any(p["msg"].find(item["archive"]) >= 0 for p in problems):
            item["missing_because"] = ("image %s (%s) is still not on the Docker engine of %s after loading %s"
                                       % (entry["image"], entry["variable"], host, item["archive"]))
            values = (host, item["archive"], setting, entry["image"], entry["variable"], setting, entry["variable"])
            problems.append({"kind": "image", "msg": (
                "host %s: the image archive %s (%s) was loaded, but image %s (%s) is still not on the Docker engine: "
                "the archive does not hold it under that name. Add an archive that holds it to %s, or set %s to an "
                "image the archive holds." % values)})
    return result, problems, changed
