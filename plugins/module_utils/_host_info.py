# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One look at a host's Docker engine against the host's slice of the plan (lh_host_info).

Everything here but look() is a pure function; look() takes a connected client and a bind
test, so that the unit tests can hand it doubles. Problems are collected, never raised one by
one: the caller reports all of them at once, each naming the host and the fix.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import shutil
import socket
import threading
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.littlehorse.cluster.plugins.module_utils._container import named_volumes, normalise_port
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._images import survey
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import memory_budget_problem

MINIMUM_SDK = (7, 1)
# Docker 20.10 (API 1.41) is the oldest engine the modules are tested against (Debian's docker.io).
MINIMUM_ENGINE = (20, 10)
REACH_TIMEOUT = 3.0
# The state of a peer at a name that does not resolve here: not dialled (resolve_problem names it once).
UNRESOLVED = "unresolved"
WILDCARDS = ("", "0.0.0.0", "::")


def version_tuple(text):
    """'7.1.0' -> (7, 1, 0); the numeric head of each part ('7.2.0rc1' -> (7, 2, 0))."""
    numbers = []
    for part in str(text or "").split("."):
        digits = ""
        for char in part:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        numbers.append(int(digits))
    return tuple(numbers)


def sdk_problem(sdk_version, host, python="python3"):
    """The message for a missing or too old Docker SDK, or None when it will do."""
    fix = ("Install it for %s on %s: %s -m pip install 'docker>=%d.%d' (the managed hosts need the Docker SDK "
           "for Python, see the collection's requirements.txt; the docker CLI is not needed)."
           % (python, host, python, MINIMUM_SDK[0], MINIMUM_SDK[1]))
    if sdk_version is None:
        return "host %s: the Docker SDK for Python is not installed. %s" % (host, fix)
    if version_tuple(sdk_version) < MINIMUM_SDK:
        return "host %s: the Docker SDK for Python is %s, older than %d.%d. %s" % (
            host, sdk_version, MINIMUM_SDK[0], MINIMUM_SDK[1], fix)
    return None


def engine_problem(engine_version, host):
    """The message for an engine older than MINIMUM_ENGINE, or None."""
    found = version_tuple(engine_version)
    if found and found < MINIMUM_ENGINE:
        oldest = "%d.%d" % MINIMUM_ENGINE
        return ("host %s: the Docker engine is %s, older than %s, the oldest the collection supports. Upgrade "
                "Docker on %s to %s or newer." % (host, engine_version, oldest, host, oldest))
    return None


def disk_problem(disk, min_free_mb, host):
    """The message when the engine's data directory has less than min_free_mb free (unknown: no problem)."""
    if not min_free_mb or disk.get("free_bytes") is None:
        return None
    free_mb = disk["free_bytes"] // (1024 * 1024)
    if free_mb >= min_free_mb:
        return None
    return ("host %s: the Docker engine's data directory %s has %d MiB free, less than the %d MiB the cluster's "
            "containers and volumes need to start (preflight_min_free_disk_mb). Free space on %s under %s, or lower "
            "preflight_min_free_disk_mb if you know the cluster needs less." % (
                host, disk["root_dir"], free_mb, min_free_mb, host, disk["root_dir"]))


def reach_test(address, port, timeout=REACH_TIMEOUT):
    """'open', 'refused' (the machine answered: nothing listens yet) or why nothing answered."""
    try:
        sock = socket.create_connection((address, port), timeout=timeout)
    except socket.timeout:
        return "no answer within %g s" % timeout
    except (OSError, socket.error) as err:
        if getattr(err, "errno", None) == errno.ECONNREFUSED:
            return "refused"
        return getattr(err, "strerror", None) or str(err)
    sock.close()
    return "open"


def reach_peers(peers, dial=reach_test):
    """Every peer dialled at once (threads: a blocked port costs one timeout, not one each)."""
    results = [None] * len(peers)

    def run(index, peer):
        results[index] = dial(peer["address"], int(peer["port"]))

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(peers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [dict(peer, state=state) for peer, state in zip(peers, results)]


def reach_problem(peer, host):
    """A peer that did not answer at all (refused means the machine is there: nothing listens yet)."""
    if peer["state"] in ("open", "refused", UNRESOLVED):
        return None
    return ("host %s cannot reach %s at %s:%s (%s): %s. Open the port from %s to %s (firewall, security group), or "
            "correct %s's address (ansible_host or littlehorse_advertised_host)."
            % (host, peer["to"], peer["address"], peer["port"], peer["purpose"], peer["state"], host, peer["to"],
               peer["to"]))


# RFC 6761: names under .invalid never resolve, and resolvers should say so without asking anyone; so does this,
# and no query leaves the host for them.
NEVER_RESOLVES = "invalid"
RESOLVE_TIMEOUT = 10.0


def resolve_test(name):
    """([addresses], '') when `name` resolves on this machine, else ([], why not)."""
    labels = str(name).lower().rstrip(".").split(".")
    if labels[-1] == NEVER_RESOLVES:
        return [], "names under .invalid never resolve, RFC 6761"
    try:
        answers = socket.getaddrinfo(name, None, 0, socket.SOCK_STREAM)
    except socket.gaierror as err:
        return [], err.strerror or str(err)
    except (OSError, socket.error, UnicodeError) as err:
        return [], getattr(err, "strerror", None) or str(err)
    addresses = []
    for answer in answers:
        if answer[4][0] not in addresses:
            addresses.append(answer[4][0])
    return addresses, ""


def resolve_names(entries, lookup=resolve_test, timeout=RESOLVE_TIMEOUT):
    """Each {name, host, source} of `entries` once per name, all looked up at the same time (threads: a resolver
    that does not answer costs one timeout, not one each); a lookup still running after `timeout` seconds is
    reported as such. Returns the entries with `resolved`, `addresses` and `error`."""
    unique = []
    for entry in entries or []:
        if entry["name"] not in [u["name"] for u in unique]:
            unique.append(entry)
    results = [None] * len(unique)

    def run(index, name):
        results[index] = lookup(name)

    threads = [threading.Thread(target=run, args=(i, e["name"])) for i, e in enumerate(unique)]
    deadline = time.time() + timeout
    for thread in threads:
        thread.daemon = True  # a lookup that hangs must not keep the module from exiting
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.time()))
    looked = []
    for entry, answer in zip(unique, results):
        addresses, error = answer if answer is not None else ([], "no answer within %g s" % timeout)
        looked.append(dict(entry, resolved=not error, addresses=list(addresses), error=error))
    return looked


def resolve_problem(entry, here):
    """A name of the plan that does not resolve on `here`, the host that must dial or advertise it."""
    if entry["resolved"]:
        return None
    setting = ("littlehorse_advertised_host" if entry.get("source") == "littlehorse_advertised_host"
               else "ansible_host or littlehorse_advertised_host")
    return ("host %s: the advertised host '%s' (from %s) does not resolve here (on %s: %s): set %s to an address, or a "
            "name the hosts and clients resolve."
            % (entry["host"], entry["name"], entry.get("source") or "the inventory", here, entry["error"], setting))


def planned_ports(ports):
    """{container: [published port specs]} -> sorted [{container, bind, port, protocol}]."""
    planned = []
    for container in sorted(ports or {}):
        for spec in ports[container] or []:
            bind, host_port, dummy, protocol = _split(normalise_port(str(spec)))
            planned.append({"container": container, "bind": bind, "port": host_port, "protocol": protocol})
    return sorted(planned, key=lambda p: (p["port"], p["protocol"], p["bind"], p["container"]))


def _split(normalised):
    """'127.0.0.1:2023:2023/tcp' -> ('127.0.0.1', 2023, 2023, 'tcp')."""
    head, protocol = normalised.rsplit("/", 1)
    bind, host_port, container_port = head.rsplit(":", 2)
    return bind, int(host_port), int(container_port), protocol


def binds_overlap(one, other):
    return one in WILDCARDS or other in WILDCARDS or one == other


def port_holders(listed_containers, port, bind="0.0.0.0", protocol="tcp"):
    """Names of the running containers (as the engine lists them) that publish `port` on an
    address overlapping `bind`."""
    names = []
    for container in listed_containers or []:
        for published in container.get("Ports") or []:
            if (published.get("PublicPort") == port and (published.get("Type") or "tcp") == protocol
                    and binds_overlap(published.get("IP") or "", bind)):
                name = container_name(container)
                if name not in names:
                    names.append(name)
    return names


def container_name(listed):
    names = listed.get("Names") or [""]
    return names[0].lstrip("/")


# A bind that fails with EADDRNOTAVAIL: the address is not one of this host's, so nothing can hold the port there.
NOT_AN_ADDRESS_HERE = os.strerror(errno.EADDRNOTAVAIL)


def classify_port(planned, holders, bind_error):
    """One planned port: free, ours (held by the planned container: a re-run), taken, or on an address that is not
    one of the host's (state 'address': the bind said EADDRNOTAVAIL)."""
    result = dict(planned)
    if planned["container"] in holders:
        result.update(state="ours", held_by=planned["container"])
    elif holders:
        result.update(state="container", held_by=", ".join(holders))
    elif bind_error == NOT_AN_ADDRESS_HERE:
        result.update(state="address", held_by=None)
    elif bind_error:
        result.update(state="process", held_by="a process on the host (%s)" % bind_error)
    else:
        result.update(state="free", held_by=None)
    return result


def port_problem(port, host):
    if port["state"] not in ("container", "process"):
        return None
    what = ("published by container %s" % port["held_by"]) if port["state"] == "container" else (
        "held by %s" % port["held_by"])
    return ("host %s: port %d/%s (%s), planned for %s, is %s. Free it (stop or move what holds it), or move the "
            "cluster's ports (littlehorse_public_port_base, littlehorse_internal_port_base, "
            "littlehorse_health_port_base, littlehorse_dashboard_port, littlehorse_load_balancer_port, "
            "littlehorse_kafka_port, or pin littlehorse_server_ports)."
            % (host, port["port"], port["protocol"], port["bind"], port["container"], what))


# What to change when an address of the plan is not one of the host's, by the setting it comes from (the plan's
# `addresses`); %(host)s is the host.
ADDRESS_FIXES = {
    "littlehorse_bind_address": "Set littlehorse_bind_address to one of %(host)s's own IPv4 addresses, or leave it "
                                "unset to publish on all addresses (0.0.0.0).",
    "littlehorse_cluster_address": "Set littlehorse_cluster_address to %(host)s's own IPv4 address that the other "
                                   "hosts reach, or to 0.0.0.0 to publish them on every address.",
}
ADDRESS_FIX_ADVERTISED = ("Set %(setting)s to an IPv4 address of %(host)s itself; or, when the other hosts reach "
                          "%(host)s at an address it does not have (NAT), set littlehorse_cluster_address to 0.0.0.0 "
                          "(every address of %(host)s) and keep %(setting)s.")
ADDRESS_FIX_UNKNOWN = ("Set the setting that puts it there (littlehorse_bind_address, littlehorse_cluster_address, "
                       "or ansible_host / littlehorse_advertised_host) to an IPv4 address of %(host)s itself.")


def address_problems(ports, host, sources=None):
    """One message per planned address that is not one of the host's (the ports of state 'address'), naming the
    address, the setting it comes from (`sources`: {address: setting}, the plan's addresses of this host), the ports
    planned there and the fix."""
    problems = []
    by_address = {}
    for port in ports or []:
        if port.get("state") == "address":
            by_address.setdefault(port["bind"], []).append(port)
    for address in sorted(by_address):
        setting = (sources or {}).get(address)
        if setting in ("littlehorse_bind_address", "littlehorse_cluster_address"):
            what, fix = "%s %s" % (setting, address), ADDRESS_FIXES[setting]
        elif setting:
            what = ("%s (from %s: the address the other hosts reach %s at, where the ports only they use are "
                    "published)" % (address, setting, host))
            fix = ADDRESS_FIX_ADVERTISED
        else:
            what, fix = "%s, where the plan publishes ports," % address, ADDRESS_FIX_UNKNOWN
        listed = ", ".join("%d/%s (%s)" % (p["port"], p["protocol"], p["container"]) for p in by_address[address])
        problems.append("host %s: %s is not an address of %s (%s), so the ports planned there cannot be published: "
                        "%s. %s" % (host, what, host, NOT_AN_ADDRESS_HERE, listed,
                                    fix % {"host": host, "setting": setting}))
    return problems


def bind_test(bind, port, protocol="tcp"):
    """'' when this machine can bind the port now, else why not."""
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    sock = socket.socket(family, kind)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((bind or "0.0.0.0", port))
        return ""
    except (OSError, socket.error) as err:
        return getattr(err, "strerror", None) or str(err)
    finally:
        sock.close()


# The settings a container's data belongs to: {env: (inventory variable, what a change loses)}.
IDENTITY = {
    "LHS_CLUSTER_ID": ("littlehorse_cluster_id", "the cluster id prefixes every topic of the cluster, so the server "
                       "would start a new, empty cluster and leave the data of this one behind"),
    "LHS_CLUSTER_PARTITIONS": ("littlehorse_partitions", "the partition count is fixed when the topics are created, "
                               "so the servers could no longer read the cluster's data"),
    "LHS_INSTANCE_ID": ("littlehorse_server_id_base or littlehorse_server_instance_ids", "its state on the volume "
                        "belongs to that instance"),
    "CLUSTER_ID": ("littlehorse_kafka_cluster_id", "its log directories were formatted for that KRaft cluster, so the "
                   "node would refuse to start on its data"),
    "KAFKA_NODE_ID": ("littlehorse_kafka_node_id", "its log directories belong to that node of the quorum"),
}


def identity_of(env_list):
    """The IDENTITY settings of a container, from its Config.Env list."""
    identity = {}
    for item in env_list or []:
        key, sep, value = item.partition("=")
        if sep and key in IDENTITY:
            identity[key] = value
    return identity


def destructive_problems(found, expected, host):
    """Each setting where an existing container (found: summaries with identity) holds other data than the
    plan expects of it (expected: {container: {env: value}})."""
    problems = []
    for container in found:
        for key, value in sorted((expected or {}).get(container["name"], {}).items()):
            held = container["identity"].get(key)
            if held is None or held == str(value):
                continue
            variable, loss = IDENTITY[key]
            problems.append(
                "host %s: %s holds data for %s %s (%s=%s) and the plan now says %s: %s. Put %s back to %s, or set "
                "littlehorse_allow_destructive_changes: true (group_vars/all) to re-create it deliberately on data "
                "that no longer fits." % (host, container["name"], variable, held, key, held, value, loss, variable,
                                          held))
    return problems


# The Kafka node's listener for the rolling gate's tools: PLAINTEXT on the container's loopback, whatever the
# cluster's protocol, so it says nothing of it.
KAFKA_TOOLS_LISTENER = "LOCAL"


def listener_protocols(env_list):
    """The protocols of a Kafka container's listeners (KAFKA_LISTENER_SECURITY_PROTOCOL_MAP, without the tools'
    listener), a SASL one with its mechanism (e.g. 'SASL_SSL (SCRAM-SHA-512)'), sorted; None when the container is
    no Kafka node of the collection."""
    env = dict(item.partition("=")[::2] for item in env_list or [])
    if "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP" not in env:
        return None
    pairs = [entry.partition(":") for entry in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",") if entry]
    return sorted(set(with_mechanism(protocol, env.get("KAFKA_SASL_ENABLED_MECHANISMS"))
                      for name, unused, protocol in pairs if name != KAFKA_TOOLS_LISTENER))


def with_mechanism(protocol, mechanism):
    """A listener protocol as listener_protocols names it: a SASL one with its mechanism."""
    return "%s (%s)" % (protocol, mechanism) if protocol.startswith("SASL_") and mechanism else protocol


def protocol_problems(found, expected, host):
    """Each Kafka node whose listeners run on other protocols than the plan says (expected: {container:
    {protocols, setting, value}}): nodes and servers on the old and the new protocol cannot reach each other, so
    such a change cannot roll one node at a time."""
    problems = []
    for container in found:
        want = (expected or {}).get(container["name"])
        held = container.get("listener_protocols")
        if not want or held is None or held == sorted(want["protocols"]):
            continue
        problems.append(
            "host %s: %s runs its listeners on %s and the plan now says %s (%s %s): Kafka nodes and servers on the old "
            "and the new protocol cannot reach each other, so this change cannot roll one node at a time. Put %s back "
            "to what the running cluster uses; or switch in a maintenance window: playbooks/teardown.yml (it keeps "
            "the volumes and their data), then site.yml with the new setting."
            % (host, container["name"], ", ".join(held), ", ".join(sorted(want["protocols"])), want["setting"],
               want["value"], want["setting"]))
    return problems


UNPLANNED = {
    "LHS_CLUSTER_ID": (
        "server",
        "host %s: %s is a LittleHorse server of this cluster (%s=%s) that the plan no longer puts on %s (its "
        "littlehorse_server_count, littlehorse_server_id_base or littlehorse_servers group changed). Take it out one "
        "at a time with playbooks/remove_server.yml (its volume is kept unless server_remove_purge_volumes is "
        "true), or plan it again."),
    "CLUSTER_ID": (
        "kafka",
        "host %s: %s is a Kafka node of this cluster (%s=%s) that the plan no longer puts on %s (its "
        "littlehorse_kafka_node_id or kafka group changed). The collection does not take Kafka nodes out: plan it "
        "again; or move its partitions to the other brokers and remove it from the KRaft quorum with Kafka's tools, "
        "then remove the container yourself."),
}


def unplanned_members(listed, planned, members, inspect):
    """This cluster's containers on the engine that the plan does not put here.

    listed: the engine's container list; planned: the names the plan puts on this host; members: [{name_prefix,
    env, value}] - a container whose name starts with name_prefix and whose env holds value is this cluster's.
    inspect(name) -> the container's attributes. Returns summaries with `kind` (server or kafka)."""
    found = []
    for item in listed or []:
        name = container_name(item)
        if not name or name in planned:
            continue
        for member in members or []:
            if not name.startswith(member["name_prefix"]):
                continue
            summary = summarise_container(inspect(name))
            if summary["identity"].get(member["env"]) == str(member["value"]):
                summary.update(kind=UNPLANNED[member["env"]][0], member_of=member["env"])
                found.append(summary)
            break
    return sorted(found, key=lambda c: c["name"])


def unplanned_problem(container, host):
    kind, template = UNPLANNED[container["member_of"]]
    return {"kind": "unplanned_" + kind,
            "msg": template % (host, container["name"], container["member_of"],
                               container["identity"][container["member_of"]], host)}


def summarise_container(attrs):
    state = attrs.get("State") or {}
    config = attrs.get("Config") or {}
    return {
        "name": (attrs.get("Name") or "").lstrip("/"),
        "id": attrs.get("Id"),
        "image": config.get("Image"),
        "image_id": attrs.get("Image"),
        "running": bool(state.get("Running")),
        "status": state.get("Status"),
        "started_at": state.get("StartedAt"),
        "labels": config.get("Labels") or {},
        "identity": identity_of(config.get("Env")),
        "listener_protocols": listener_protocols(config.get("Env")),
        "volumes": named_volumes(attrs),
    }


# The options of lh_host_info that its `plan` option may give at once: the host's slice of the plan.
PLAN_OPTIONS = ("containers", "ports", "addresses", "images", "volumes", "memory", "identity", "protocols", "peers",
                "resolve", "members")


def with_plan_options(params, argument_spec):
    """lh_host_info's params with those of its `plan` option (the host's slice of the plan, one dict of the options of
    PLAN_OPTIONS) in place, each validated and converted as that option; a key that is no such option, or one that is
    also given on its own, is refused (LHClusterError)."""
    plan = params.get("plan") or {}
    unknown = sorted(set(plan) - set(PLAN_OPTIONS))
    if unknown:
        raise LHClusterError("plan: %s %s no option it may give; it gives %s" % (
            ", ".join(unknown), "is" if len(unknown) == 1 else "are", ", ".join(PLAN_OPTIONS)))
    twice = sorted(key for key in plan if params.get(key) != argument_spec[key].get("default"))
    if twice:
        raise LHClusterError("plan: %s also given on its own; give each option once" % ", ".join(twice))
    validated = ArgumentSpecValidator(dict((key, argument_spec[key]) for key in plan)).validate(dict(plan))
    if validated.error_messages:
        raise LHClusterError("plan: %s" % "; ".join(validated.error_messages))
    return dict(params, **validated.validated_parameters)


def role_items(planned, host, mode, pending=None, started=None):
    """What one run of the kafka or server role handles on `host`, from the plan's entries of that kind (`planned`:
    each with host and container): {containers, selected, selected_containers, first_run, changes_existing,
    writes_files}. `containers` names every entry of the host; `selected` is every entry of the host, except for mode
    'pending' (those of `pending`, which the 'new' run found running and different: the ones that were down it
    started itself) and 'restart' (all but those of `started`, which the role's 'new' run in restart.yml's play before
    created or started - they were missing or down - and are not restarted again). The flags say what the mode does,
    for both roles: `first_run` ('new', 'start': the run over every host at once, which finds the running entries
    that differ and remembers those it started), `changes_existing` ('pending', 'restart', 'all': running entries
    change, one at a time) and `writes_files` (all but 'restart' and 'ready', which change no file)."""
    here = [entry for entry in planned or [] if entry.get("host") == host]
    containers = [entry["container"] for entry in here]
    if mode == "pending":
        chosen = set(pending or [])
    elif mode == "restart":
        chosen = set(containers) - set(started or [])
    else:
        chosen = set(containers)
    selected = [entry for entry in here if entry["container"] in chosen]
    return {"containers": containers, "selected": selected,
            "selected_containers": [entry["container"] for entry in selected],
            "first_run": mode in ("new", "start"), "changes_existing": mode in ("pending", "restart", "all"),
            "writes_files": mode not in ("restart", "ready")}


def behind_first(entries, infos):
    """`entries` (plan entries with a container), those whose server lh_server_info reported not caught up (`infos`:
    its servers, each with name and caught_up) first - they serve nothing yet, so they go first - each alone in a
    batch of one, for a loop that changes them one at a time."""
    behind = set(info.get("name") for info in infos or [] if not info.get("caught_up"))
    ordered = [e for e in entries if e["container"] in behind] + [e for e in entries if e["container"] not in behind]
    return [[entry] for entry in ordered]


def local_engine_path(docker_host):
    """The socket path when the engine is reached through a local unix socket, else None."""
    if docker_host and docker_host.startswith("unix://"):
        return docker_host[len("unix://"):]
    return None


def disk_free(root_dir, readable=True):
    """{root_dir, free_bytes, total_bytes}; the sizes are None when the directory cannot be read here."""
    disk = {"root_dir": root_dir, "free_bytes": None, "total_bytes": None}
    if readable and root_dir and os.path.isdir(root_dir):
        try:
            usage = shutil.disk_usage(root_dir)
            disk.update(free_bytes=usage.free, total_bytes=usage.total)
        except OSError:
            pass
    return disk


def _not_found(err):
    return type(err).__name__ in ("NotFound", "ImageNotFound")


def look(client, host, containers=(), ports=None, images=(), volumes=(), bind=bind_test, local=True,
         min_free_disk_mb=0, peers=(), dial=reach_test, identity=None, members=(),
         resolve=(), lookup=resolve_test, protocols=None, addresses=None, memory=None):
    """Read the host once through `client`, changing nothing; returns (result, problems).

    problems: [{kind, msg}], kind one of engine, disk, memory, resolve, reach, destructive, protocol, unplanned_server,
    unplanned_kafka, image, port, address. `resolve` ({name, host, source}) are the names this host must resolve,
    each looked up with `lookup`; a peer at a name that does not resolve is not dialled. `identity`
    ({container: {env: value}}) is what each existing container must hold; `protocols` ({container: {protocols,
    setting, value}}) are the protocols each existing Kafka node's listeners must run on; `addresses` ({address:
    setting}) name where each planned address comes from, for an address that is not the host's; `members`
    recognise the cluster's containers that the plan does not put here (see unplanned_members). `bind` tests a port
    on this machine (used only when `local`, i.e. the engine runs where the module runs); `dial` tries each of `peers`
    ({to, address, port, purpose}) from here. `memory` ({container: bytes}) are the limits planned here, which
    must fit in the engine's memory together. `images` are surveyed (_images.survey): a missing image that may be
    pulled is listed in result["pull"] for lh_image, one from an image archive in result["load_from_archives"]."""
    problems = []
    version = client.version()
    info = client.info()
    result = {
        "engine": {"version": version.get("Version"), "api_version": version.get("ApiVersion"),
                   "os": info.get("OperatingSystem"), "memory_bytes": info.get("MemTotal")},
        "disk": disk_free(info.get("DockerRootDir"), readable=local),
    }
    for kind, message in (("engine", engine_problem(version.get("Version"), host)),
                          ("disk", disk_problem(result["disk"], min_free_disk_mb, host)),
                          ("memory", memory_budget_problem(host, dict((name, int(size)) for name, size in
                                                                      (memory or {}).items()), info.get("MemTotal")))):
        if message:
            problems.append({"kind": kind, "msg": message})
    result["resolve"] = resolve_names(list(resolve or []), lookup)
    problems.extend({"kind": "resolve", "msg": m} for m in (resolve_problem(e, host) for e in result["resolve"]) if m)
    unresolved = set(e["name"] for e in result["resolve"] if not e["resolved"])
    peers = list(peers or [])
    dialled = iter(reach_peers([p for p in peers if p["address"] not in unresolved], dial))
    result["reach"] = [dict(p, state=UNRESOLVED) if p["address"] in unresolved else next(dialled) for p in peers]
    problems.extend({"kind": "reach", "msg": m} for m in (reach_problem(p, host) for p in result["reach"]) if m)

    found = []
    for name in containers or []:
        try:
            found.append(summarise_container(client.api.inspect_container(name)))
        except Exception as err:  # the SDK's NotFound
            if not _not_found(err):
                raise
    result["containers"] = found
    problems.extend({"kind": "destructive", "msg": m} for m in destructive_problems(found, identity, host))
    problems.extend({"kind": "protocol", "msg": m} for m in protocol_problems(found, protocols, host))
    if members:
        result["unplanned"] = unplanned_members(client.api.containers(all=True), set(containers or []), members,
                                                client.api.inspect_container)
        problems.extend(unplanned_problem(c, host) for c in result["unplanned"])
    else:
        result["unplanned"] = []

    listed = client.api.containers(all=False) if ports else []
    checked = []
    for planned in planned_ports(ports):
        holders = port_holders(listed, planned["port"], planned["bind"], planned["protocol"])
        bind_error = bind(planned["bind"], planned["port"], planned["protocol"]) if local and not holders else ""
        port = classify_port(planned, holders, bind_error)
        # A remote engine: no container publishes it, but the host's processes were not looked at.
        port["checked"] = "engine and bind" if local else "engine only"
        checked.append(port)
        message = port_problem(port, host)
        if message:
            problems.append({"kind": "port", "msg": message})
    result["ports"] = checked
    problems.extend({"kind": "address", "msg": m} for m in address_problems(checked, host, addresses))

    result["images"], result["pull"], result["load_from_archives"], missing = survey(client, host, images)
    problems.extend(missing)

    present_volumes = set(v.get("Name") for v in (client.api.volumes() or {}).get("Volumes") or [])
    result["volumes"] = [v for v in volumes or [] if v in present_volumes]
    result["networks"] = sorted(n.get("Name") for n in client.api.networks() or [])
    return result, problems
