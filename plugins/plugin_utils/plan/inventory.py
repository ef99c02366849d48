# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the inventory: each setting with its default, typed and checked, every error naming the host; the
addresses a host is reached, published and probed at; how a secret is given (inline or a file)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import zlib

from ansible.module_utils.six import string_types
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import HOST_NAME, is_ipv4
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import (
    CLUSTER_DEFAULTS, HOST_DEFAULTS, INTEGER, NUMERIC, PlanError)


def truth(host, name, value):
    """A setting's value as a boolean: YAML's booleans, or the words Ansible takes for them; else refused naming the
    host and the setting."""
    if isinstance(value, string_types):
        if value.strip().lower() in ("true", "yes", "on", "1"):
            return True
        if value.strip().lower() in ("false", "no", "off", "0", ""):
            return False
        raise PlanError("host %s: %s must be true or false (it is %r)" % (host, name, value))
    return bool(value)


class Inventory(object):
    """Reads settings with their defaults; every read names the host in its errors."""

    def __init__(self, groups, hostvars):
        self.groups = groups
        self.hostvars = hostvars

    def hosts(self, group):
        hosts = self.groups.get(group) or []
        if isinstance(hosts, string_types) or not all(isinstance(h, string_types) for h in hosts):
            raise PlanError("inventory: group '%s' must be a list of host names" % group)
        return list(hosts)

    def raw(self, host, name):
        values = self.hostvars.get(host) or {}
        value = values.get(name) if isinstance(values, Mapping) else None
        if value is None:
            value = CLUSTER_DEFAULTS.get(name, HOST_DEFAULTS.get(name))
        return value

    def int(self, host, name, low=0, high=65535, value=None):
        value = self.raw(host, name) if value is None else value
        given = value
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            value = None  # never truncated: 2023.5 is refused, not taken as 2023
        elif isinstance(value, string_types):
            value = value.strip() if INTEGER.match(value.strip()) else None
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise PlanError("host %s: %s must be a whole number (it is %r); give a whole number such as 2023"
                            % (host, name, given))
        if not low <= value <= high:
            raise PlanError("host %s: %s = %d is outside %d-%d; choose a value in that range" % (host, name, value, low, high))
        return value

    def bool(self, host, name):
        return truth(host, name, self.raw(host, name))

    def advertised_host(self, host):
        values = self.hostvars.get(host) or {}
        value = values.get("littlehorse_advertised_host") or values.get("ansible_host") or host
        value = str(value)
        setting = self.advertised_source(host)
        if "_" in value:
            raise PlanError("host %s: the advertised host '%s' (from %s) contains '_', which LittleHorse refuses in "
                            "advertised listeners; set littlehorse_advertised_host to a name without '_' or an IP "
                            "address" % (host, value, setting))
        if ":" in value or not HOST_NAME.match(value):
            raise PlanError("host %s: the advertised host '%s' (from %s) is not a host name or IPv4 address "
                            "(LittleHorse takes no IPv6 literals); set littlehorse_advertised_host" % (host, value, setting))
        check_address(value, "host %s: the advertised host '%s' (from %s)" % (host, value, setting),
                      "set littlehorse_advertised_host (or ansible_host) to the address clients and the other hosts "
                      "reach this host at")
        return value

    def advertised_source(self, host):
        """Where advertised_host(host) comes from, as the messages name it."""
        values = self.hostvars.get(host) or {}
        values = values if isinstance(values, Mapping) else {}
        return "littlehorse_advertised_host" if values.get("littlehorse_advertised_host") else (
            "ansible_host" if values.get("ansible_host") else "the inventory name")

    def bind(self, host):
        value = str(self.raw(host, "littlehorse_bind_address") or "0.0.0.0").strip()
        if not is_ipv4(value):
            raise PlanError("host %s: littlehorse_bind_address '%s' is not an IPv4 address (the ports are published on "
                            "it: no host names, no IPv6); set it to one of the host's IPv4 addresses, or leave it "
                            "unset to publish on all addresses (0.0.0.0)" % (host, value))
        return value

    def cluster_address(self, host):
        """The address the other hosts of the cluster reach this host at. The ports only they use (the
        servers' internal port, Kafka's broker and controller ports) are published there and nowhere
        else: littlehorse_cluster_address, else the bind address when it is one address, else
        ansible_host or the advertised host when it is an IPv4 address."""
        return self._cluster_address_and_source(host)[0]

    def cluster_address_source(self, host):
        """The setting cluster_address(host) comes from, as messages name it."""
        return self._cluster_address_and_source(host)[1]

    def _cluster_address_and_source(self, host):
        values = self.hostvars.get(host) or {}
        values = values if isinstance(values, Mapping) else {}
        explicit = values.get("littlehorse_cluster_address")
        if explicit:
            value = str(explicit).strip()
            if not is_ipv4(value):
                raise PlanError("host %s: littlehorse_cluster_address '%s' is not an IPv4 address (the internal and "
                                "Kafka ports are published on it); set it to the host's IPv4 address that the other "
                                "hosts reach, or to 0.0.0.0 to publish them on every address" % (host, value))
            return value, "littlehorse_cluster_address"
        bind = self.bind(host)
        if bind != "0.0.0.0":
            return bind, "littlehorse_bind_address"
        for candidate, source in ((values.get("ansible_host"), "ansible_host"),
                                  (self.advertised_host(host), self.advertised_source(host))):
            if candidate and is_ipv4(str(candidate)):
                return str(candidate), source
        raise PlanError("host %s: the servers' internal port and Kafka's ports are published only on the address the "
                        "other hosts reach this host at, and neither ansible_host (%s) nor the advertised host (%s) is "
                        "an IPv4 address; set littlehorse_cluster_address to that IPv4 address (or to 0.0.0.0 to "
                        "publish them on every address, which exposes the plaintext internal port)"
                        % (host, values.get("ansible_host") or "unset", self.advertised_host(host)))

    def cluster_reach(self, host):
        """Where the other hosts connect to this host's internal and Kafka ports (advertised to them)."""
        address = self.cluster_address(host)
        return self.advertised_host(host) if address == "0.0.0.0" else address

    def as_list(self, host, name):
        """A setting that must be a list (or unset: None); a scalar names the host, the setting and the fix."""
        value = self.raw(host, name)
        if value is not None and not isinstance(value, list):
            raise PlanError("host %s: %s must be a list (it is %r); write it as a YAML list, e.g. [%s]"
                            % (host, name, value, value))
        return value

    def probe_host(self, host):
        """Where the collection's modules reach this host's published ports: the bind address, or
        on all addresses loopback from the host itself, or the advertised address when the modules
        talk to the host's engine from elsewhere (littlehorse_docker_host)."""
        bind = self.bind(host)
        if bind != "0.0.0.0":
            return bind
        return self.advertised_host(host) if self.remote_engine(host) else "127.0.0.1"

    def probe_from_others(self, host, single):
        """Where a check that runs on another host of the cluster (or on the controller, for a host whose engine it
        reaches from there) reaches this host's published health ports: the bind address, or, published on every
        address, the address the other hosts reach this host at (cluster_reach). Never loopback, which is the
        checking host itself. One engine: there is no other host, the host's own probe address."""
        if single:
            return self.probe_host(host)
        bind = self.bind(host)
        return bind if bind != "0.0.0.0" else self.cluster_reach(host)

    def remote_engine(self, host):
        return bool(self.raw(host, "littlehorse_docker_host"))

    def wait_host(self, host):
        """The modules' wait_host: None (probe the container on the engine's host) unless remote."""
        return self.probe_host(host) if self.remote_engine(host) else None


def derived_base(host, span, limit):
    """A base id of its own for a host that pins none: from its name, so it never depends on order."""
    return (zlib.crc32(host.encode("utf-8")) % (limit // span - 1) + 1) * span


def check_address(value, what, fix):
    """An address others connect to: a host name or a valid IPv4 address, never 0.0.0.0."""
    if NUMERIC.match(value) and not is_ipv4(value):
        raise PlanError("%s is not a valid IPv4 address (four numbers 0-255, e.g. 10.0.0.3); %s" % (what, fix))
    if value == "0.0.0.0":
        raise PlanError("%s is 0.0.0.0, which means 'all addresses' to a listener and nothing to a client; %s"
                        % (what, fix))


def secret_source(inv, first, setting, needed_by, what):
    """How a secret is given: {"inline": True} (the Ansible Vault variable `setting`, which the roles read; its value
    is never put in the plan) or {"file": path on the controller} (`setting`_file). At most one of the two; one of
    them when `needed_by` (what needs it, as the messages name it) is given."""
    inline, path = inv.raw(first, setting), inv.raw(first, setting + "_file")
    if inline and path:
        raise PlanError("host %s: %s and %s_file are both set; give %s one way only - the Ansible Vault variable %s or "
                        "the file on the controller %s_file - and remove the other"
                        % (first, setting, setting, what, setting, setting))
    if needed_by and not (inline or path):
        raise PlanError("host %s: %s needs %s, and neither %s nor %s_file is set; set %s (an Ansible Vault variable) "
                        "or %s_file (a file on the controller that holds it) in group_vars/all"
                        % (first, needed_by, what, setting, setting, setting, setting))
    if path and not str(path).startswith(("/", "~")):
        raise PlanError("host %s: %s_file '%s' is a relative path, which would be read relative to wherever "
                        "ansible-playbook is started; give an absolute path on the controller (~ is expanded)"
                        % (first, setting, path))
    return {"inline": bool(inline), "file": str(path) if path else None}


def check_unique_ids(pairs, setting):
    seen = {}
    for value, host in pairs:
        if value in seen:
            where = "host %s" % host if seen[value] == host else "hosts %s and %s" % (seen[value], host)
            raise PlanError("%s: id %d is given twice; pin %s so that every id is unique" % (where, value, setting))
        seen[value] = host


def named_listener(inv, host, setting, names):
    """The listener name `setting` gives (None when unset), which must be one of `names`."""
    value = inv.raw(host, setting)
    if value in (None, ""):
        return None
    if str(value) not in names:
        raise PlanError("host %s: %s '%s' is not a listener of littlehorse_listeners (%s); name one of them"
                        % (host, setting, value, ", ".join(names)))
    return str(value)
