# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # littlehorse.cluster.container: the options every container module shares. Use it with
    # littlehorse.cluster.docker (O(docker_host)).
    DOCUMENTATION = r'''
options:
  name:
    description: Name of the container. Required unless O(instances) is given.
    type: str
  image:
    description:
      - Image to run. Compared by name and by the image ID the name resolves to on the engine, so a rebuilt or
        re-pulled image with the same name re-creates the container.
      - Required unless O(state=absent). An image that is not on the engine is pulled; when that fails the
        module says so and how to build or load it.
    type: str
  state:
    description:
      - V(started) - the container exists with the desired settings and runs.
      - V(present) - the container exists with the desired settings; a new one is created and started, an
        existing one keeps running or stays stopped.
      - V(stopped) - the container exists with the desired settings and is stopped.
      - V(restarted) - like V(started), and restarted when nothing else changed.
      - V(absent) - the container is removed. Its volumes are never removed.
    type: str
    default: started
    choices: [started, present, stopped, absent, restarted]
  network:
    description: User-defined bridge network to attach the container to; created when missing.
    type: str
  network_aliases:
    description: Extra names of the container on O(network).
    type: list
    elements: str
  published_ports:
    description: Ports published on the Docker host, each C([host_ip:]host_port:container_port[/tcp|udp]).
    type: list
    elements: str
  restart_policy:
    description: Docker restart policy.
    type: str
    default: unless-stopped
    choices: ["no", on-failure, always, unless-stopped]
  stop_timeout:
    description: Seconds Docker waits after SIGTERM before it kills the container.
    type: int
  labels:
    description:
      - Labels of the container. Only the labels given here are compared (the image's are not); a label dropped
        from this option is noticed on the next run.
    type: dict
  memory:
    description:
      - The container's memory limit, a size such as V(768m) or V(2g) (HostConfig C(Memory)); its memory and swap
        together are held to the same size (C(MemorySwap)), so it never swaps beyond it. The engine stops a process
        of the container that needs more (C(State.OOMKilled)).
      - Unset, the container has no limit and its limit is not compared. A change re-creates the container.
    type: str
  log_max_size:
    description:
      - With O(log_max_files), the container logs through Docker's C(json-file) driver in files of at most this size
        (C(max-size)), such as V(50m); the oldest file is dropped when O(log_max_files) are full. Give both or neither;
        neither leaves the engine's log settings (whose C(json-file) default keeps every line).
      - A change re-creates the container (the engine cannot change it in place); the logs so far go with it.
    type: str
  log_max_files:
    description: With O(log_max_size), how many log files are kept (C(max-file)), 1 or more.
    type: int
  files:
    description:
      - Files this run writes on the host before it looks at the containers (certificates, keys, stores, agents
        that the containers mount), each written only when its content, mode or owner differ, in place, its folder
        created when missing. A container that mounts a file that changed is re-created (its files digest
        changes), or reloaded where its mount is reloadable.
      - They come from files on the controller through the P(littlehorse.cluster.host_files#lookup) lookup, so that
        a host's files cost no more module runs than its containers.
      - For the whole run, never per item of O(instances). Written after every item is validated and the engine
        answered; in check mode nothing is written and the paths that would be are returned.
    type: list
    elements: dict
    suboptions:
      path:
        description: The file's absolute path on the host.
        type: path
        required: true
      content_base64:
        description: The file's content, base64-encoded (binary stores as they are). Never shown in logs.
        type: str
        required: true
      mode:
        description: The file's mode, octal, such as V(0600) for a key.
        type: str
        default: "0644"
      folder_mode:
        description: The mode of the file's folder when it is created.
        type: str
        default: "0700"
      owner:
        description: The uid that owns the file (the image's user, when it must read a 0600 file); unset, it is left.
        type: int
  wait:
    description:
      - After the container was started or re-created (and on every run where it should run), wait until it
        is healthy. Fails after O(wait_timeout) seconds with the container's last log lines.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for health when O(wait=true).
    type: int
    default: 300
  wait_host:
    description:
      - The address at which the module reaches the container's published ports when it waits for health.
      - Unset, it probes the container's own address on the engine's network, which only the engine's host
        can reach; that is right when the module runs on that host (the usual SSH connection).
      - Set it when the module talks to a remote engine through O(docker_host), for example to the
        address the host publishes the ports on.
    type: str
  force_recreate:
    description: Re-create the container even when no compared setting differs. The volumes are kept.
    type: bool
    default: false
  purge_volumes:
    description:
      - With O(state=absent), also remove the named volumes the container held when it is removed - its data
        is then gone for good. Without it, removing a container keeps its volumes.
    type: bool
    default: false
  instances:
    description:
      - Several containers in one run, each item a dict of this module's options (at least O(name)) that
        override the options given at the top level; the top-level options are the defaults of every item.
      - Every item is validated before anything changes; then the containers are reconciled in the order
        given, each waited for (O(wait)) before the next.
      - O(docker_host), O(instances) and O(change_existing) hold for the whole run and cannot be set per item.
    type: list
    elements: dict
  change_existing:
    description:
      - V(false) creates the containers that do not exist yet and leaves every existing container that runs as
        it is; one that differs from its settings is listed in C(pending) (looked at as in check mode). A
        playbook can then change those one at a time, for example in a play with C(serial).
      - An existing container that does not run (created, exited, killed, or stopped by an engine restart) serves
        nothing, so even with V(false) it is brought to its settings and started at once, as a new one is. The
        containers of a host that lost several start together, and a play that changes the others one at a time
        never has to start one that is down (its gates would wait on it).
    type: bool
    default: true
notes:
  - Desired and running state are compared on normalised values, and only for the settings this module
    renders. A difference re-creates the container and keeps its volumes; no difference changes nothing.
  - Supports check mode and diff mode; secrets are masked in the diff and in the returned environment.
requirements:
  - Docker SDK for Python (C(docker)) on the managed host.
  - A Docker engine the managed host can reach.
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    support: full
    platforms: posix
'''
