# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The images a host needs: which the engine has, which a pull would fetch, and the pull itself.

survey() only reads (lh_host_info's look at a host); pull() pulls what survey() found missing and pullable
(lh_image). Both report each image in the same shape, and a missing required image as a problem naming the host,
the variable and the fix. Images that come from 'docker save' archives are loaded by _image_archive.load().
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    LOCAL_ONLY_IMAGE_PREFIX, is_local_only_image)

ARCHIVES_SETTING = "littlehorse_image_archives"


def image_options(**extra):
    """The suboptions of the `images` option of lh_host_info, lh_image and lh_image_archive: {image, variable,
    required} and the module's own (`extra`)."""
    options = dict(image=dict(type="str", required=True), variable=dict(type="str", default="image"),
                   required=dict(type="bool", default=True))
    options.update(extra)
    return options


def image_present(client, image):
    """The image's id on the engine, or None."""
    try:
        return client.api.inspect_image(image)["Id"]
    except Exception as err:  # the SDK's NotFound / ImageNotFound
        if type(err).__name__ in ("NotFound", "ImageNotFound"):
            return None
        raise


def first_line(err):
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def entries(images):
    """The needed images, each {image, variable, required, pull, archive}, once each (the first entry wins)."""
    unique, seen = [], []
    for entry in images or []:
        entry = dict({"required": True, "pull": True, "variable": "image", "archive": False}, **entry)
        if entry["image"] in seen:
            continue
        seen.append(entry["image"])
        unique.append(entry)
    return unique


def pullable(entry):
    """Whether a missing image may be pulled: pulling is on and it is no local build of the test bed."""
    return bool(entry["pull"]) and not is_local_only_image(entry["image"])


def missing_image_problem(entry, host, reason):
    return ("host %s: image %s (%s) is not on the Docker engine %s. Load the image on that host with 'docker load' "
            "(from a 'docker save' archive), or set %s to an image the host can pull."
            % (host, entry["image"], entry["variable"], reason, entry["variable"]))


def image_reason(entry, pull_error=None):
    """Why a missing image is still missing, as the message's tail."""
    if is_local_only_image(entry["image"]):
        return "and is a local build of the test bed (%s*), never pulled" % LOCAL_ONLY_IMAGE_PREFIX
    if not entry["pull"]:
        return "and pulling is off"
    return "and cannot be pulled (%s)" % (pull_error or "unknown error")


def still_missing(entry, report, host, problems, pull_error=None):
    """Record in `report` (and, for a required image, in `problems`) why the image is not on the engine."""
    reason = image_reason(entry, pull_error)
    report["missing_because"] = "image %s (%s) is not on the Docker engine of %s %s" % (
        entry["image"], entry["variable"], host, reason)
    if entry["required"]:
        problems.append({"kind": "image", "msg": missing_image_problem(entry, host, reason)})


def survey(client, host, images):
    """Which of `images` the engine has, reading only. Returns (reports, to_pull, from_archives, problems).

    A missing image is listed in `to_pull` when it may be pulled (its report says would_pull), in `from_archives`
    when it comes from an image archive (entry `archive`: never pulled, no problem here), and is otherwise missing
    for good: a problem when it is required. to_pull and from_archives hold {image, variable, required}, as lh_image
    and lh_image_archive take them."""
    reports, to_pull, from_archives, problems = [], [], [], []
    for entry in entries(images):
        report = {"image": entry["image"], "variable": entry["variable"], "required": entry["required"],
                  "present": False, "pulled": False, "would_pull": False, "id": image_present(client, entry["image"]),
                  "available": False, "from_archive": False, "missing_because": ""}
        report["present"] = report["available"] = report["id"] is not None
        reports.append(report)
        if report["present"]:
            continue
        needed = {"image": entry["image"], "variable": entry["variable"], "required": entry["required"]}
        if entry["archive"]:
            report["from_archive"] = True
            report["missing_because"] = ("image %s (%s) is not on the Docker engine of %s and no archive of %s holds "
                                         "it" % (entry["image"], entry["variable"], host, ARCHIVES_SETTING))
            from_archives.append(needed)
        elif pullable(entry):
            report["would_pull"] = True
            to_pull.append(needed)
        else:
            still_missing(entry, report, host, problems)
    return reports, to_pull, from_archives, problems


def pull(client, host, images, check_mode=False):
    """Pull the images of `images` that the engine misses (never a local build of the test bed, nor one with pull
    off). Returns (reports, problems, changed); in check mode nothing is pulled and each image that would be is
    reported with would_pull (and available)."""
    needed = entries(images)
    reports, to_pull, dummy, problems = survey(client, host, needed)
    wanted = set(entry["image"] for entry in to_pull)
    changed = False
    for entry, report in zip(needed, reports):
        if entry["image"] not in wanted:
            continue
        if check_mode:
            report["available"] = changed = True
            continue
        try:
            report["id"] = client.images.pull(entry["image"]).id
        except Exception as err:  # the SDK raises several types here
            report["would_pull"] = False
            still_missing(entry, report, host, problems, first_line(err))
            continue
        report.update(pulled=True, would_pull=False, available=True)
        changed = True
    return reports, problems, changed
