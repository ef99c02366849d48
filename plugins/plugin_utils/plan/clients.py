# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The clients phase: where clients bootstrap on each listener, and the listener the generated client file uses."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import named_listener

def clients_plan(inv, first, plan):
    """Where clients bootstrap, per listener ({name: {host, port, protocol, authentication, servers}}), and the
    one the generated client file uses (littlehorse_client_listener, the first listener by default). The load
    balancer fronts the first listener, so clients of that listener bootstrap through it."""
    servers, balancer = plan["servers"], plan["load_balancer"]
    names = [l["name"] for l in servers[0]["listeners"]]
    listeners = {}
    for position, name in enumerate(names):
        entries = [next(l for l in s["listeners"] if l["name"] == name) for s in servers]
        entry = {"name": name, "host": entries[0]["advertised_host"], "port": entries[0]["advertised_port"],
                 "protocol": entries[0]["protocol"], "authentication": entries[0]["authentication"],
                 "servers": ["%s:%d" % (l["advertised_host"], l["advertised_port"]) for l in entries],
                 # every server as a worker on this listener must be assigned it (lh_workflow_check's servers)
                 "members": [{"name": s["container"], "host": s["host"], "advertised_host": l["advertised_host"],
                              "advertised_port": l["advertised_port"]} for s, l in zip(servers, entries)]}
        if balancer and position == 0:
            entry.update(host=balancer["advertised_host"], port=balancer["port"])
        entry["bootstrap"] = "%s:%d" % (entry["host"], entry["port"])
        listeners[name] = entry
    chosen = named_listener(inv, first, "littlehorse_client_listener", names) or names[0]
    clients = dict(listeners[chosen])
    clients["listener"] = chosen
    clients["listeners"] = listeners
    return clients
