# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The images of every role: valid references, pinned where a floating tag is refused; the warnings; and on each host
the images its look checks (pulled after it when missing), so that no role has to name them for the preflight."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import image_reference_problem, release_of_tag
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import truth
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import ROLE_IMAGES, PlanError, role_default


def role_value(inv, host, role, name):
    """A role variable as the host has it: its inventory value, else the role's default."""
    values = inv.hostvars.get(host) or {}
    value = values.get(name) if isinstance(values, Mapping) else None
    return role_default(role, name) if value is None else value


def role_bool(inv, host, role, name):
    return truth(host, name, role_value(inv, host, role, name))


def image_plan(inv, first):
    """Every image setting on the hosts of its group is a valid reference, and the servers' and the dashboard's are
    pinned (unless littlehorse_allow_floating_tags): refused naming the host. Returns the warnings: the dashboard of
    another release than the servers."""
    allow_floating = inv.bool(first, "littlehorse_allow_floating_tags")
    releases = {}
    for group, role, name, floating_refused, dummy, dummy2 in ROLE_IMAGES:
        for host in inv.hosts(group):
            value = role_value(inv, host, role, name)
            if name == "dashboard_image" and value == "":
                continue  # no dashboard: the role leaves it out with a message
            problem = image_reference_problem(name, value, floating_refused and not allow_floating)
            if problem:
                raise PlanError("host %s: %s" % (host, problem))
            releases.setdefault(name, (host, value, release_of_tag(value)))
    warnings = []
    server, dashboard = releases.get("server_image"), releases.get("dashboard_image")
    if server and dashboard and server[2] and dashboard[2] and server[2] != dashboard[2]:
        warnings.append("host %s: dashboard_image '%s' is of release %s, the servers' server_image '%s' of release %s; "
                        "the dashboard may not understand the servers' API: set dashboard_image to the lh-dashboard "
                        "image of release %s" % (dashboard[0], dashboard[1], dashboard[2], server[1], server[2],
                                                 server[2]))
    return warnings


def looked_at_images(inv, hosts):
    """{host: [{image, variable[, pull][, required]}]}: the images the preflight's look checks on each host (pulled
    after it when missing), those of the roles whose group has the host; a dashboard without an image (dashboard_image
    '') is left out, as the dashboard role leaves it out."""
    images = dict((host, []) for host in hosts)
    for group, role, name, dummy, pull, required in ROLE_IMAGES:
        for host in inv.hosts(group):
            image = role_value(inv, host, role, name)
            if name == "dashboard_image" and not image:
                continue
            entry = {"image": image, "variable": name}
            if pull:
                entry["pull"] = role_bool(inv, host, role, pull)
            if required:
                entry["required"] = role_bool(inv, host, role, required)
            images.setdefault(host, []).append(entry)
    return images
