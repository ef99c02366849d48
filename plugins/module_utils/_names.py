# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of names, ports, hosts and paths, once, for the plan (plugins/plugin_utils/plan), the modules and the
host look: the patterns, the collection's folder on the hosts, the published-port strings, and their checks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible.module_utils.six import string_types
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

LISTENER_NAME = re.compile(r"^[A-Z0-9_]+$")
# A host name or IPv4 address: letters, digits, '.' and '-', neither first nor last ('_' and IPv6 literals are not).
HOST_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
# A KRaft cluster id: 22 characters of base64url, as 'kafka-storage.sh random-uuid' prints.
KRAFT_CLUSTER_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
# The collection's files on the hosts, each container's in a folder of its own (playbooks/teardown.yml removes them).
FILES_ROOT = "/etc/littlehorse"


def is_loopback(address):
    """A loopback address or name: on a host, only that host reaches it; in a container, only the container."""
    return address == "localhost" or address.startswith("127.")


def is_ipv4(value):
    """Four numbers 0-255, dotted."""
    parts = value.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)


def api_protocol(listener_protocol):
    """What a client of a server listener of that protocol speaks (LHC_API_PROTOCOL, lh_dashboard's api_protocol):
    PLAINTEXT on a PLAIN listener, TLS on a TLS or MTLS one."""
    return "PLAINTEXT" if listener_protocol == "PLAIN" else "TLS"


def files_folder(name, *parts):
    """The folder (or file) of `name`'s files on its host: /etc/littlehorse/<name>[/<part>...]."""
    return "/".join((FILES_ROOT, name) + parts)


def published_port(address, host_port, container_port=None):
    """A published port as Docker's port syntax and the modules' published_ports take it: address:host:container."""
    return "%s:%d:%d" % (address, host_port, host_port if container_port is None else container_port)


def published_address(spec):
    """The address of a published port (address:host:container), '' when it names none (host:container)."""
    return str(spec).rsplit(":", 2)[0] if str(spec).count(":") == 2 else ""


def published_host_port(spec):
    """The host port of a published port (address:host:container or host:container)."""
    return int(str(spec).split(":")[-2])


def check_port(option, value):
    if value is None:
        return
    if not isinstance(value, int) or not 1 <= value <= 65535:
        raise LHClusterError("%s: %r is not a port number (1-65535)" % (option, value))


def check_listener_name(option, name):
    if not name or not LISTENER_NAME.match(name):
        raise LHClusterError("%s: listener name '%s' may only hold upper-case letters, digits and '_' "
                             "(it becomes part of variable names); e.g. PLAIN or INTERNAL_TLS" % (option, name))


def check_advertised_host(option, host):
    if host is None:
        return
    if ":" in host:
        raise LHClusterError("%s: '%s' looks like an IPv6 literal or host:port; give a host name or IPv4 "
                             "address (the port goes in the port option)" % (option, host))
    if "_" in host:
        raise LHClusterError("%s: '%s' contains '_', which is not allowed in an advertised host; "
                             "use '-' instead" % (option, host))
    if not HOST_NAME.match(host):
        raise LHClusterError("%s: '%s' is not a valid host name or IPv4 address" % (option, host))


def check_no_port_clash(container, ports):
    """ports: list of (option, port) that bind inside one container."""
    seen = {}
    for option, port in ports:
        if port is None:
            continue
        if port in seen:
            raise LHClusterError("%s: port %d is already used by %s in container %s; give each listener its "
                                 "own port" % (option, port, seen[port], container))
        seen[port] = option


def check_unique_names(option, names):
    seen = set()
    for name in names:
        if name in seen:
            raise LHClusterError("%s: listener name '%s' appears twice; names must be unique" % (option, name))
        seen.add(name)


# Docker's reference grammar (distribution/reference): [host[:port]/]path[:tag][@digest], the path of lower-case
# components joined by '/', each alphanumerics joined by '.', '_', '__' or dashes.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = r"(?:%s(?:\.%s)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?" % (_DOMAIN_COMPONENT, _DOMAIN_COMPONENT)
IMAGE_PATH = re.compile(r"^%s(?:/%s)*$" % (_PATH_COMPONENT, _PATH_COMPONENT))
IMAGE_DOMAIN = re.compile(r"^%s$" % _DOMAIN)
IMAGE_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
IMAGE_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
# Tags that move to another build without notice ('latest' is not even published for LittleHorse).
FLOATING_TAGS = ("latest", "master")
RELEASE = re.compile(r"^v?([0-9]+\.[0-9]+\.[0-9]+)")


def parse_image_reference(reference):
    """A Docker image reference -> {"domain", "path", "tag", "digest"} (None where absent), or None when it is not a
    valid reference. The first component is a registry host when it holds '.' or ':', is 'localhost' or has upper-case
    letters (as Docker decides)."""
    if not isinstance(reference, string_types) or not reference or len(reference) > 512:
        return None
    name, _at, digest = reference.partition("@")
    if _at and not IMAGE_DIGEST.match(digest):
        return None
    tag = None
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:
        name, tag = name[:colon], name[colon + 1:]
        if not IMAGE_TAG.match(tag):
            return None
    domain, _slash, path = name.partition("/")
    if not _slash or not ("." in domain or ":" in domain or domain == "localhost" or domain != domain.lower()):
        domain, path = None, name
    if domain is not None and not IMAGE_DOMAIN.match(domain):
        return None
    if len(name) > 255 or not IMAGE_PATH.match(path):
        return None
    return {"domain": domain, "path": path, "tag": tag, "digest": digest or None}


def image_reference_problem(setting, reference, floating_refused):
    """Why `reference` (the value of `setting`) cannot be deployed, or None: not a valid reference, or (when
    `floating_refused`) a floating tag - 'latest', 'master' or no tag - without a digest. The sentence names the
    setting and the fix; the caller adds the host."""
    parsed = parse_image_reference(reference)
    if parsed is None:
        return ("%s '%s' is not a valid image reference ([registry-host[:port]/]path[:tag][@sha256:<64 hex>], the path "
                "in lower case, the tag of letters, digits, '_', '.', '-', at most 128); set %s to an image such as "
                "ghcr.io/littlehorse-enterprises/littlehorse/lh-server:1.2.1" % (setting, reference, setting))
    if floating_refused and parsed["digest"] is None and (parsed["tag"] is None or parsed["tag"] in FLOATING_TAGS):
        what = "has no tag (Docker takes 'latest')" if parsed["tag"] is None else "has the floating tag '%s'" % parsed[
            "tag"]
        return ("%s '%s' %s, which moves to another build without notice: the servers of one cluster could run "
                "different builds, and a re-run would roll them to a new one. Pin a release (e.g. '%s:1.2.1') or a "
                "digest (@sha256:...), or set littlehorse_allow_floating_tags: true to run it anyway"
                % (setting, reference, what, reference.rpartition(":")[0] if parsed["tag"] else reference))
    return None


def release_of_tag(reference):
    """The release an image's tag names ('1.2.1' of ...:1.2.1 or ...:1.2.1-p1), or None (no tag, or not a release)."""
    parsed = parse_image_reference(reference)
    match = RELEASE.match(parsed["tag"] or "") if parsed else None
    return match.group(1) if match else None
