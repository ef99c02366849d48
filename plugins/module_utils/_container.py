# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one reconcile engine behind every container module.

A product model (Kafka node, LittleHorse server, dashboard) turns typed options into a
ContainerSpec. This engine compares the spec with the running container on normalised
values, only for the settings the spec renders, and creates, re-creates (keeping volumes),
starts, stops or removes the container. Check mode computes the same plan and touches nothing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import hashlib
import os
import socket
import time

from ansible.module_utils.six.moves.urllib.error import HTTPError
from ansible.module_utils.urls import open_url
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import LOG_DRIVER
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import FILES_ROOT

MANAGED_ENV_LABEL = "io.littlehorse.cluster.managed-env"
MANAGED_LABELS_LABEL = "io.littlehorse.cluster.managed-labels"
FILES_DIGEST_LABEL = "io.littlehorse.cluster.files-digest"
MASK = "********"
STATES = ("started", "present", "stopped", "absent", "restarted")
RESTART_POLICIES = ("no", "on-failure", "always", "unless-stopped")


def named_volumes(attrs):
    """The named volumes an inspected container mounts."""
    return [m["Name"] for m in attrs.get("Mounts") or [] if m.get("Type") == "volume" and m.get("Name")]


class Mount(object):
    """A named volume or a read-only host file/folder inside the container."""

    def __init__(self, target, volume=None, host_path=None, read_only=False, content=None, reloadable=False):
        self.target = target
        self.volume = volume
        self.host_path = host_path
        self.read_only = read_only
        self.content = content  # what host_path will hold once written (inline secrets), if known
        # The process re-reads this file on the spec's reload signal: a new content reloads the
        # running container instead of re-creating it (so it is left out of the files digest).
        self.reloadable = reloadable

    def key(self):
        if self.volume:
            return "volume:%s:%s:%s" % (self.volume, self.target, "ro" if self.read_only else "rw")
        return "bind:%s:%s:%s" % (self.host_path, self.target, "ro" if self.read_only else "rw")


class ContainerSpec(object):
    """Everything the engine needs to know about one desired container."""

    def __init__(self, name, image, env=None, mounts=None, published_ports=None, network=None,
                 network_aliases=None, restart_policy="unless-stopped", stop_timeout=None,
                 labels=None, command=None, secret_env=(), health=None, reload_signal=None, settle=None,
                 after_start=None, entrypoint=None, wrap_entrypoint=None, memory=None, log_options=None):
        self.name = name
        self.image = image
        self.env = dict(env or {})
        self.mounts = list(mounts or [])
        self.published_ports = normalise_ports(published_ports or [])
        self.network = network
        self.network_aliases = sorted(network_aliases or [])
        self.restart_policy = restart_policy
        self.stop_timeout = stop_timeout
        # memory: the container's limit in bytes (HostConfig Memory, and MemorySwap alike: no swap beyond it).
        # log_options: the json-file driver's {max-size, max-file}. Both None: left as the engine has them.
        self.memory = memory
        self.log_options = dict(log_options) if log_options else None
        # settle(run) -> (ok, detail): after an existing container was re-created or restarted and is
        # healthy, whether it has caught up with its peers; run(argv) -> (exit code, output) in the container.
        self.settle = settle
        # after_start(run) -> (ok, detail): what must be done in a container that was created, re-created or
        # restarted, once healthy (and before settle), tried until ok - e.g. the credentials it serves with.
        self.after_start = after_start
        self.labels = dict(labels or {})
        self.command = command
        self.entrypoint = entrypoint
        # wrap_entrypoint(image's Entrypoint, image's Cmd) -> (entrypoint, command): a container that starts through a
        # wrapper of its own and then the image's own entrypoint and command, read from the image when it is applied.
        self.wrap_entrypoint = wrap_entrypoint
        self.secret_env = set(secret_env)
        self.health = health  # callable(reach) -> (ok, detail), or None; reach(port) -> (host, port)
        self.reload_signal = reload_signal  # e.g. "SIGHUP": how the process re-reads its reloadable files

    def masked_env(self):
        return mask_env(self.env, self.secret_env)


def mask_env(env, secret_keys):
    return dict((k, MASK if k in secret_keys else v) for k, v in env.items())


def normalise_port(text):
    """'[host_ip:]host_port:container_port[/proto]' -> 'host_ip:host_port:container_port/proto'."""
    value = str(text).strip()
    proto = "tcp"
    if "/" in value:
        value, proto = value.rsplit("/", 1)
    parts = value.rsplit(":", 2)
    if len(parts) == 2:
        parts = ["0.0.0.0"] + parts
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit() or proto not in ("tcp", "udp"):
        raise LHClusterError(
            "published_ports: '%s' is not of the form [host_ip:]host_port:container_port[/tcp|udp]" % text)
    host_ip = parts[0].strip("[]") or "0.0.0.0"
    for port in (parts[1], parts[2]):
        if not 1 <= int(port) <= 65535:
            raise LHClusterError("published_ports: port %s in '%s' is outside 1-65535" % (port, text))
    return "%s:%d:%d/%s" % (host_ip, int(parts[1]), int(parts[2]), proto)


def normalise_ports(ports):
    normalised = sorted(set(normalise_port(p) for p in ports))
    seen = {}
    for port in normalised:
        host_side = port.split(":")[0] + ":" + port.split(":")[1] + "/" + port.rsplit("/", 1)[1]
        if host_side in seen:
            raise LHClusterError("published_ports: host port %s is published twice (%s and %s)"
                                 % (host_side, seen[host_side], port))
        seen[host_side] = port
    return normalised


def files_digest(mounts):
    """A digest of the contents of every bind-mounted host file, so that a renewed
    certificate or secret re-creates the container although no setting changed."""
    digest = hashlib.sha256()
    for mount in sorted((m for m in mounts if m.host_path and not m.reloadable), key=lambda m: m.target):
        digest.update(mount.target.encode())
        if mount.content is not None:
            # In check mode an inline secret is not written yet: digest what the file will hold.
            digest.update(mount.content.encode("utf-8"))
            continue
        try:
            with open(mount.host_path, "rb") as handle:
                digest.update(handle.read())
        except IOError:
            digest.update(b"(missing)")
    return digest.hexdigest()[:32]


def write_file(path, content, mode, folder_mode, check_mode):
    """Write content to path with mode when content or mode differ, in place (a file bind-mounted in a
    running container sees the new text); True when it (would) change. content: text, or bytes as they are."""
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            same = hashlib.sha256(handle.read()).digest() == hashlib.sha256(data).digest()
        if same and os.stat(path).st_mode & 0o777 == mode:
            return False
    except (IOError, OSError):
        pass
    if not check_mode:
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            os.makedirs(folder, folder_mode)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(path, mode)
    return True


def host_file_entries(files):
    """The `files` option's items as (path, bytes, mode, folder_mode, owner), checked before anything is written:
    a mode that is not octal, content that is not base64, a path that is not absolute or that is given twice."""
    entries, seen = [], set()
    for index, item in enumerate(files or []):
        path = item["path"]
        label = "files[%d] (%s)" % (index, path)
        if not os.path.isabs(path):
            raise LHClusterError("%s: the path must be absolute (the file's place on the host)" % label)
        if path in seen:
            raise LHClusterError("%s: this path is given more than once" % label)
        seen.add(path)
        modes = []
        for option in ("mode", "folder_mode"):
            try:
                modes.append(int(item[option], 8))
            except (TypeError, ValueError):
                raise LHClusterError("%s: %s %r is not an octal mode such as '0644'" % (label, option, item[option]))
        try:
            data = base64.b64decode(item["content_base64"], validate=True)
        except (TypeError, ValueError, binascii.Error):
            raise LHClusterError("%s: content_base64 is not base64 (the littlehorse.cluster.host_files lookup "
                                 "gives it)" % label)
        entries.append((path, data, modes[0], modes[1], item.get("owner")))
    return entries


def write_host_files(entries, check_mode):
    """Write each entry of host_file_entries where its content, mode or owner differ; the paths (that would be)
    written, in order."""
    return [path for path, data, mode, folder_mode, owner in entries
            if write_owned(path, data, mode, folder_mode, check_mode, owner)]


# The key of a container's params that holds the paths of the run's `files` (written before the containers are
# applied, after they are validated): those count as the host's files already.
FILES_PLANNED = "_files_planned"


def require_host_file(option, path, params):
    """Raise unless `path` is a file on the managed host or one of the run's `files`."""
    if path not in (params.get(FILES_PLANNED) or ()) and not os.path.isfile(path):
        raise LHClusterError("%s: %s is not a file on the managed host" % (option, path))


def host_files_dir(folder, name):
    """The host folder of container `name`'s files (mounted secrets, configuration): `folder` when given, else
    /etc/littlehorse/<name> (FILES_ROOT; playbooks/teardown.yml removes it)."""
    return folder or os.path.join(FILES_ROOT, name)


def write_owned(path, content, mode, folder_mode, check_mode, uid=None):
    """write_file, then the file owned by uid when given (the image's user, which must read it); True when it
    (would) change."""
    changed = write_file(path, content, mode, folder_mode, check_mode)
    if uid is None:
        return changed
    try:
        owner = os.stat(path).st_uid
    except OSError:
        return True
    if owner != uid:
        if not check_mode:
            os.chown(path, uid, -1)
        changed = True
    return changed


def write_secret(path, content, check_mode, uid=None):
    """A 0600 file in a 0700 folder, written when it differs, owned by uid when given; True when it (would)
    change."""
    return write_owned(path, content, 0o600, 0o700, check_mode, uid)


# The test bed builds its images under this name; no registry has them, so they are never pulled.
# lh_host_info (the preflight's look at each host) never pulls them either.
LOCAL_ONLY_IMAGE_PREFIX = "lh-testbed/"


def is_local_only_image(image):
    return image.startswith(LOCAL_ONLY_IMAGE_PREFIX)


def normalise_image(image):
    """'kafka' -> 'kafka:latest': an untagged name means the latest tag."""
    name = image
    if "@" not in name and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name


def normalise_network(network):
    """Docker reports the default bridge as 'default' or 'bridge' depending on the engine."""
    return "bridge" if network in (None, "", "default") else network


def _is_anonymous_volume(name):
    return bool(name) and len(name) == 64 and all(c in "0123456789abcdef" for c in name)


# ----------------------------------------------------------------------------------------------
# Desired vs running settings, both as plain comparable values.

def desired_settings(spec, image_id):
    labels = dict(spec.labels)
    # Listing what this module manages lets a later run notice an option that was dropped.
    labels[MANAGED_ENV_LABEL] = ",".join(sorted(spec.env))
    labels[MANAGED_LABELS_LABEL] = ",".join(sorted(spec.labels))
    if any(m.host_path and not m.reloadable for m in spec.mounts):
        labels[FILES_DIGEST_LABEL] = files_digest(spec.mounts)
    settings = {
        "image": normalise_image(spec.image),
        "image_id": image_id,
        "env": spec.env,
        "mounts": sorted(m.key() for m in spec.mounts),
        "published_ports": spec.published_ports,
        "network": normalise_network(spec.network),
        "network_aliases": spec.network_aliases,
        "restart_policy": spec.restart_policy,
        "labels": labels,
    }
    if spec.stop_timeout is not None:
        settings["stop_timeout"] = int(spec.stop_timeout)
    if spec.command is not None:
        settings["command"] = list(spec.command)
    if spec.entrypoint is not None:
        settings["entrypoint"] = list(spec.entrypoint)
    if spec.memory is not None:
        settings["memory"] = int(spec.memory)
        settings["memory_swap"] = int(spec.memory)
    if spec.log_options is not None:
        settings["log"] = {"driver": LOG_DRIVER, "options": dict((k, str(v)) for k, v in spec.log_options.items())}
    return settings


def running_settings(attrs, desired):
    """The running container's values for the settings in `desired`, normalised alike."""
    config = attrs.get("Config") or {}
    host_config = attrs.get("HostConfig") or {}
    labels = config.get("Labels") or {}
    env = dict(item.split("=", 1) for item in (config.get("Env") or []) if "=" in item)
    managed_env = set(filter(None, labels.get(MANAGED_ENV_LABEL, "").split(",")))
    compared_env_keys = managed_env | set(desired["env"])
    managed_labels = set(filter(None, labels.get(MANAGED_LABELS_LABEL, "").split(",")))
    compared_label_keys = managed_labels | set(desired["labels"])
    desired_targets = set(key.split(":")[2] for key in desired["mounts"])
    mounts = []
    for mount in attrs.get("Mounts") or []:
        mode = "rw" if mount.get("RW", True) else "ro"
        if _is_anonymous_volume(mount.get("Name")) and mount.get("Destination") not in desired_targets:
            continue  # a VOLUME of the image that no option covers: not ours to compare
        if mount.get("Type") == "volume":
            mounts.append("volume:%s:%s:%s" % (mount.get("Name"), mount.get("Destination"), mode))
        elif mount.get("Type") == "bind":
            mounts.append("bind:%s:%s:%s" % (mount.get("Source"), mount.get("Destination"), mode))
    ports = []
    for container_port, bindings in (host_config.get("PortBindings") or {}).items():
        number, proto = container_port.split("/") if "/" in container_port else (container_port, "tcp")
        for binding in bindings or []:
            ports.append("%s:%s:%s/%s" % (binding.get("HostIp") or "0.0.0.0", binding.get("HostPort"), number, proto))
    networks = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    network = normalise_network(host_config.get("NetworkMode"))
    aliases = []
    if network in networks:
        short_id = attrs.get("Id", "")[:12]
        aliases = sorted(a for a in (networks[network].get("Aliases") or [])
                         if a not in (short_id, attrs.get("Name", "").lstrip("/")))
    running = {
        "image": normalise_image(config.get("Image") or ""),
        "image_id": attrs.get("Image"),
        "env": dict((k, env[k]) for k in compared_env_keys if k in env),
        "mounts": sorted(mounts),
        "published_ports": normalise_ports(ports) if ports else [],
        "network": network,
        "network_aliases": aliases,
        "restart_policy": (host_config.get("RestartPolicy") or {}).get("Name") or "no",
        "labels": dict((k, labels[k]) for k in compared_label_keys if k in labels),
    }
    if "stop_timeout" in desired:
        running["stop_timeout"] = config.get("StopTimeout")
    if "command" in desired:
        running["command"] = config.get("Cmd")
    if "entrypoint" in desired:
        running["entrypoint"] = config.get("Entrypoint")
    if "memory" in desired:
        running["memory"] = host_config.get("Memory") or None
        running["memory_swap"] = host_config.get("MemorySwap") or None
    if "log" in desired:
        log_config = host_config.get("LogConfig") or {}
        running["log"] = {"driver": log_config.get("Type"), "options": dict(log_config.get("Config") or {})}
    return running


def differences(desired, running, secret_env=()):
    """{setting: {"before": ..., "after": ...}} for every setting that differs (secrets masked).

    For env and labels only the keys that differ are shown; a key set on one side only shows
    on that side."""
    changed = {}
    for key in sorted(desired):
        before, after = running.get(key), desired[key]
        if before == after:
            continue
        if key in ("env", "labels"):
            old, new = before or {}, after or {}
            before = dict((k, v) for k, v in old.items() if k not in new or new[k] != v)
            after = dict((k, v) for k, v in new.items() if k not in old or old[k] != v)
            if key == "env":
                before, after = mask_env(before, secret_env), mask_env(after, secret_env)
        changed[key] = {"before": before, "after": after}
    return changed


# ----------------------------------------------------------------------------------------------
# The engine.

class Reconciler(object):
    """Bring one container to the desired state; records actions; obeys check mode."""

    def __init__(self, client, check_mode=False):
        self.client = client
        self.check_mode = check_mode
        self.actions = []
        self.diff = {"before": {}, "after": {}}

    def _act(self, action, run):
        self.actions.append(action)
        if not self.check_mode:
            run()

    def find(self, name):
        try:
            return self.client.api.inspect_container(name)
        except Exception as err:
            if type(err).__name__ == "NotFound":
                return None
            raise

    def image_id(self, image):
        try:
            return self.client.api.inspect_image(image)["Id"]
        except Exception as err:
            if type(err).__name__ not in ("ImageNotFound", "NotFound"):
                raise
        if is_local_only_image(image):
            raise LHClusterError(
                "image: '%s' is not on the engine of %s. Names under '%s' are the test bed's local builds and are "
                "never pulled: load the image with 'docker load', or set image to one that exists."
                % (image, socket.gethostname(), LOCAL_ONLY_IMAGE_PREFIX))
        self.actions.append("pull")
        if self.check_mode:
            return "(to be pulled) " + image
        try:
            return self.client.images.pull(image).id
        except Exception as err:
            raise LHClusterError(
                "image: '%s' is not on the engine of %s and cannot be pulled (%s). Load it with "
                "'docker load', or set image to one that exists."
                % (image, socket.gethostname(), str(err).splitlines()[0] if str(err) else err))

    def image_config(self, image):
        """The image's Config (Entrypoint, Cmd, ...); None when it is not on the engine yet (check mode: to be pulled)."""
        try:
            return self.client.api.inspect_image(image).get("Config") or {}
        except Exception as err:
            if type(err).__name__ not in ("ImageNotFound", "NotFound"):
                raise
        return None

    def ensure_network(self, network):
        if not network or network in ("bridge", "host", "none", "default"):
            return
        if self.client.networks.list(names=[network]):
            return
        self._act("create network %s" % network, lambda: self.client.networks.create(network, driver="bridge"))

    def apply(self, spec, state="started", force_recreate=False, wait=False, wait_timeout=300, wait_host=None,
              reload=False, purge_volumes=False):
        """reload: a reloadable file of the spec was rewritten; a running container that is kept
        gets the spec's reload signal. wait_host: probe the container's published ports at this
        address instead of its own address (which only the engine's host can reach).
        purge_volumes: with state absent, also remove the named volumes the removed container held."""
        if state not in STATES:
            raise LHClusterError("state: '%s' is not one of %s" % (state, ", ".join(STATES)))
        current = self.find(spec.name)
        if state == "absent":
            if current:
                self.diff = {"before": {"state": _state_of(current)}, "after": {"state": "absent"}}
                self._act("remove", lambda: self._remove(spec.name, current, spec.stop_timeout))
                for volume in named_volumes(current) if purge_volumes else []:
                    self._act("remove volume %s" % volume, lambda volume=volume: self.client.api.remove_volume(volume))
            return self.result(spec.name, None)

        if not spec.image:
            raise LHClusterError("image: required unless state is absent")
        self.ensure_network(spec.network)
        image_id = self.image_id(spec.image)
        config = self.image_config(spec.image) if spec.wrap_entrypoint else None
        if config is not None:
            spec.entrypoint, spec.command = spec.wrap_entrypoint(config.get("Entrypoint"), config.get("Cmd"))
        desired = desired_settings(spec, image_id)
        was_running = bool(current and current["State"].get("Running"))
        # present: a new container is started, an existing one keeps its running state.
        should_run = state in ("started", "restarted") or (state == "present" and (current is None or was_running))
        started = False
        if current is None:
            self.diff = {"before": {"state": "absent"},
                         "after": dict(_shown(desired, spec), state="running" if should_run else "created")}
            self._act("create", lambda: self._create(spec, desired))
            started = should_run
        else:
            changed = differences(desired, running_settings(current, desired), spec.secret_env)
            if changed or force_recreate:
                self.diff = {"before": dict((k, v["before"]) for k, v in changed.items()),
                             "after": dict((k, v["after"]) for k, v in changed.items())}
                if not changed:
                    self.diff = {"before": {"container": current["Id"][:12]}, "after": {"container": "(re-created)"}}
                self._act("recreate", lambda: self._recreate(spec, desired, current))
                started = should_run
            elif state == "stopped" and was_running:
                self.diff = {"before": {"state": "running"}, "after": {"state": "stopped"}}
                self._act("stop", lambda: self.client.api.stop(spec.name, timeout=_timeout(spec)))
            elif state == "restarted":
                self.diff = {"before": {"state": _state_of(current)}, "after": {"state": "restarted"}}
                self._act("restart", lambda: self.client.api.restart(spec.name, timeout=_timeout(spec)))
            elif should_run and not was_running:
                self.diff = {"before": {"state": _state_of(current)}, "after": {"state": "running"}}
                started = True
            elif reload and was_running and spec.reload_signal:
                self.diff = {"before": {"files": "(as before)"}, "after": {"files": "(rewritten, reloaded)"}}
                self._act("reload (%s)" % spec.reload_signal,
                          lambda: self.client.api.kill(spec.name, signal=spec.reload_signal))
        if started:
            self._act("start", lambda: self.client.api.start(spec.name))
        if wait and should_run and not self.check_mode:
            deadline = time.time() + wait_timeout
            self.wait_healthy(spec, wait_timeout, wait_host)
            if spec.after_start and self.actions:
                self.wait_until(spec, spec.after_start, deadline, wait_timeout, "healthy but not set up")
            if spec.settle and current is not None and self.actions:
                self.wait_until(spec, spec.settle, deadline, wait_timeout, "healthy but not caught up with its peers")
        return self.result(spec.name, current)

    def result(self, name, current):
        """The container as it is now; in check mode as it was, since nothing changed."""
        info = current if self.check_mode else self.find(name)
        container = {}
        if info:
            container = {"id": info["Id"], "name": name, "status": _state_of(info), "ip": container_ip(info)}
        return {"changed": bool(self.actions), "actions": self.actions, "container": container}

    def _create(self, spec, desired):
        api = self.client.api
        binds, volumes = [], []
        for mount in spec.mounts:
            source = mount.volume or mount.host_path
            binds.append("%s:%s:%s" % (source, mount.target, "ro" if mount.read_only else "rw"))
            volumes.append(mount.target)
        port_bindings = {}
        for port in spec.published_ports:
            host_ip, host_port, rest = port.split(":")
            port_bindings.setdefault(rest, []).append((host_ip, int(host_port)))
        limits = {}
        if spec.memory is not None:
            limits.update(mem_limit=int(spec.memory), memswap_limit=int(spec.memory))
        if spec.log_options is not None:
            limits["log_config"] = {"type": LOG_DRIVER, "config": desired["log"]["options"]}
        host_config = api.create_host_config(
            binds=binds or None, port_bindings=port_bindings or None,
            restart_policy={"Name": spec.restart_policy} if spec.restart_policy != "no" else None,
            network_mode=spec.network or None, **limits)
        networking = None
        if spec.network and spec.network_aliases:
            networking = api.create_networking_config(
                {spec.network: api.create_endpoint_config(aliases=spec.network_aliases)})
        api.create_container(
            spec.image, name=spec.name, command=spec.command, entrypoint=spec.entrypoint, environment=spec.env,
            volumes=volumes or None, ports=[tuple(p.split("/")) if "/" in p else p for p in port_bindings] or None,
            labels=desired["labels"], host_config=host_config, networking_config=networking,
            stop_timeout=spec.stop_timeout)

    def _remove(self, name, current, stop_timeout):
        if current["State"].get("Running"):
            self.client.api.stop(name, timeout=stop_timeout if stop_timeout is not None else 10)
        self.client.api.remove_container(name, v=False)

    def _recreate(self, spec, desired, current):
        self._remove(spec.name, current, spec.stop_timeout)
        self._create(spec, desired)

    def wait_healthy(self, spec, timeout, wait_host=None):
        deadline = time.time() + timeout
        detail = "not checked yet"
        while time.time() < deadline:
            info = self.find(spec.name)
            state = (info or {}).get("State") or {}
            if state.get("Restarting") or not state.get("Running"):
                if state.get("Status") == "exited" or state.get("Restarting"):
                    raise self._unhealthy(spec, "the container stopped with exit code %s" % state.get("ExitCode"))
            elif spec.health is None:
                return
            else:
                ok, detail = spec.health(probe_address(spec, info, wait_host))
                if ok:
                    return
            time.sleep(1)
        raise self._unhealthy(spec, "not healthy after %ss (%s)" % (timeout, detail))

    def run_in(self, name):
        """run(argv) -> (exit code, output) of a command in the container."""
        def run(argv):
            exec_id = self.client.api.exec_create(name, argv)["Id"]
            output = self.client.api.exec_start(exec_id) or b""
            return self.client.api.exec_inspect(exec_id).get("ExitCode"), output.decode("utf-8", "replace")
        return run

    def wait_until(self, spec, check, deadline, timeout, failure):
        """Run check(run) in the container every 2 s until it is ok; past the deadline, fail with `failure`."""
        run = self.run_in(spec.name)
        while True:
            ok, detail = check(run)
            if ok:
                return
            if time.time() >= deadline:
                raise self._unhealthy(spec, "%s after %ss (%s)" % (failure, timeout, detail))
            time.sleep(2)

    def _unhealthy(self, spec, why):
        try:
            logs = self.client.api.logs(spec.name, tail=30).decode("utf-8", "replace")
        except Exception:
            logs = "(no logs)"
        return LHClusterError("%s: %s. Last log lines:\n%s" % (spec.name, why, logs), logs=logs.splitlines())


def _timeout(spec):
    return spec.stop_timeout if spec.stop_timeout is not None else 10


def _state_of(info):
    return (info.get("State") or {}).get("Status", "unknown")


def _shown(desired, spec):
    shown = dict(desired)
    shown["env"] = spec.masked_env()
    return shown


def probe_address(spec, info, wait_host=None):
    """reach(container_port) -> (host, port) to dial, or None when it cannot be reached yet.

    Without wait_host: the container's own address (the module runs on the engine's host).
    With it: the port published for container_port, at wait_host (the engine is remote)."""
    ip = container_ip(info)

    def reach(port):
        if not wait_host:
            return (ip, port) if ip else None
        return (wait_host, published_host_port(spec, port))
    return reach


def published_host_port(spec, container_port):
    for entry in spec.published_ports:
        _host_ip, host_port, rest = entry.split(":")
        if int(rest.split("/")[0]) == int(container_port) and rest.endswith("/tcp"):
            return int(host_port)
    raise LHClusterError("wait_host: %s does not publish its port %d, so it cannot be probed from where the module "
                         "runs; publish the port or leave wait_host unset (probe on the engine's host)"
                         % (spec.name, container_port))


def container_ip(info):
    networks = (info.get("NetworkSettings") or {}).get("Networks") or {}
    for network in networks.values():
        if network.get("IPAddress"):
            return network["IPAddress"]
    return None


# ----------------------------------------------------------------------------------------------
# Health probes the product models hand to the engine.

def tcp_probe(port):
    def probe(reach):
        address = reach(port)
        if not address:
            return False, "no IP address yet"
        try:
            socket.create_connection(address, timeout=2).close()
            return True, "%s:%d open" % address
        except (socket.error, OSError) as err:
            return False, "%s:%d: %s" % (address[0], address[1], err)
    return probe


def http_get(url, timeout=3):
    """(status, body) of a GET, or (None, reason) when nothing answers."""
    try:
        reply = open_url(url, timeout=timeout, use_proxy=False)
        return reply.getcode(), reply.read().decode("utf-8", "replace")
    except HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace") if hasattr(err, "read") else ""
    except Exception as err:
        return None, str(err)


def http_probe(port, paths):
    """Healthy when the first of `paths` that exists (is not 404) answers 200."""
    def probe(reach):
        address = reach(port)
        if not address:
            return False, "no IP address yet"
        status = None
        for path in paths:
            status = http_get("http://%s:%d%s" % (address[0], address[1], path))[0]
            if status == 404:
                continue
            return status == 200, "%s answered %s" % (path, status)
        return False, "%s answered %s" % (paths[-1], status)
    return probe
