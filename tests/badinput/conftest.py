# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad inventories and bad host states against a running cluster: the end-to-end tier's harness (the cases are in
cases.py; the plan tier, test_plan_tier.py, uses none of the fixtures here that touch the engine).

The session deploys a small baseline cluster on the local engine (prefix lhbad, ports 35xxx: one
Kafka node, two servers, no dashboard) with the real site.yml. Every case then runs the real
`ansible-playbook site.yml -i <a variant of that inventory>` and the test asserts that the run
failed, that it said what the code says for that input (host, setting, fix), and that no
container, volume or network named lhbad* was created, changed or removed: a check that failed to
stop the run before the roles would re-create or add containers of the running baseline.

Cases that cannot be played safely on the real engine today (the check they need does not exist
yet, so the run would go on and change things) talk to a fake engine instead: a Docker API on a
unix socket under build/badinput/ that answers the read-only calls of the preflight, refuses every
change and records it; the test asserts it saw no change.

Everything this suite makes is named lhbad* (containers, volumes, the network; the foreign test
container lhbadforeign; the interface lhbad0 and the unreachable route of `testnet`); leftovers of an
earlier run are removed at the start, and the baseline is removed at the end (containers, volumes and
network of lhbad*, through the SDK).
"""
import json
import os
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

import docker
import pytest

from cases import (BASELINE_CONTAINERS, BUILD, FOREIGN, HEALTH, HOME_ADDRESS, IDLE_IMAGE, KAFKA_IMAGE, OLD_SDK, PREFIX,
                   PUBLIC, ROOT, SERVER_IMAGE, TESTNET_LINK, UNREACHABLE_ADDRESS, baseline, tier_counts,
                   write_inventory)

BIN = os.path.dirname(sys.executable)


# ---- running site.yml

FATAL = re.compile(r"^(?:fatal|failed): \[([^\]]+)\](?: \(item=.*?\))?:? (?:FAILED! )?=> (\{.*\})\s*$")


class Run(object):
    def __init__(self, command, returncode, output, seconds):
        self.command, self.returncode, self.output, self.seconds = command, returncode, output, seconds
        self.failures = []  # [(host, result)]
        for line in output.splitlines():
            match = FATAL.match(line)
            if match:
                try:
                    self.failures.append((match.group(1), json.loads(match.group(2))))
                except ValueError:
                    self.failures.append((match.group(1), {"msg": match.group(2)}))

    def messages(self):
        """Every failure message, flattened: msg (text or list), the argument validator's errors, loop items."""
        found = []

        def add(result):
            msg = result.get("msg")
            found.extend(str(m) for m in (msg if isinstance(msg, list) else [msg]) if m)
            found.extend(str(m) for m in result.get("argument_errors") or [])
            for item in result.get("results") or []:
                if isinstance(item, dict) and item.get("failed"):
                    add(item)
        for dummy, result in self.failures:
            add(result)
        return found

    def describe(self):
        lines = ["$ %s   (rc %s, %.1fs)" % (" ".join(self.command), self.returncode, self.seconds)]
        for host, result in self.failures:
            msg = result.get("msg")
            for message in (msg if isinstance(msg, list) else [msg]) + list(result.get("argument_errors") or []):
                lines.append("failure on %s: %s" % (host, message))
        if not self.failures:
            lines.append("no failure line in the output")
        lines.append("--- output (tail) ---")
        lines.append("\n".join(self.output.splitlines()[-40:]))
        return "\n".join(lines)


def ansible_env():
    env = dict(os.environ)
    env.update(ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               # one JSON object per failure, on its line: messages are read exactly, never re-wrapped
               ANSIBLE_CALLBACK_RESULT_FORMAT="json", ANSIBLE_STDOUT_CALLBACK="default",
               PATH=BIN + os.pathsep + env.get("PATH", ""), PYTHONUNBUFFERED="1")
    env.pop("ANSIBLE_INVENTORY", None)
    return env


def run_playbook(playbook, inventory_path, *extra, timeout=900):
    command = [os.path.join(BIN, "ansible-playbook"), "-i", inventory_path, os.path.join(ROOT, playbook)] + list(extra)
    started = time.monotonic()
    proc = subprocess.run(command, cwd=ROOT, env=ansible_env(), capture_output=True, text=True, timeout=timeout,
                          check=False)
    return Run(command, proc.returncode, proc.stdout + proc.stderr, time.monotonic() - started)


# ---- the engine, seen through the Docker SDK

def ours(name):
    """Objects this suite may create or change: named lhbad*, except the foreign test container."""
    return name.lower().startswith(PREFIX) and name != FOREIGN


def snapshot(client):
    """Containers (id, state, start time, image id), volumes and networks named lhbad* (not the foreign one)."""
    containers = {}
    for listed in client.api.containers(all=True):
        name = (listed.get("Names") or ["/"])[0].lstrip("/")
        if not ours(name):
            continue
        try:
            info = client.api.inspect_container(listed["Id"])
        except docker.errors.NotFound:
            containers[name] = "vanished while looked at"
            continue
        state = info.get("State") or {}
        containers[name] = {"id": info["Id"], "status": state.get("Status"), "started_at": state.get("StartedAt"),
                            "image_id": info.get("Image")}
    volumes = sorted(v["Name"] for v in (client.api.volumes() or {}).get("Volumes") or [] if ours(v["Name"]))
    networks = sorted("%s %s" % (n["Name"], n["Id"]) for n in client.api.networks() or [] if ours(n["Name"]))
    return {"containers": containers, "volumes": volumes, "networks": networks}


def snapshot_difference(before, after):
    lines = []
    for name in sorted(set(before["containers"]) | set(after["containers"])):
        one, other = before["containers"].get(name), after["containers"].get(name)
        if one is None:
            lines.append("container %s was created: %s" % (name, other))
        elif other is None:
            lines.append("container %s was removed (it was %s)" % (name, one))
        elif one != other:
            lines.append("container %s changed: %s -> %s" % (name, one, other))
    for kind in ("volumes", "networks"):
        for item in sorted(set(after[kind]) - set(before[kind])):
            lines.append("%s created: %s" % (kind[:-1], item))
        for item in sorted(set(before[kind]) - set(after[kind])):
            lines.append("%s removed: %s" % (kind[:-1], item))
    return lines


def docker_cli(*args, check=True):
    return subprocess.run(("docker",) + args, check=check, capture_output=True, text=True).stdout.strip()


def remove_ours(client):
    """Remove every container, volume and network named lhbad* (ours), the foreign test container too."""
    for listed in client.api.containers(all=True):
        name = (listed.get("Names") or ["/"])[0].lstrip("/")
        if name.lower().startswith(PREFIX):
            client.api.remove_container(listed["Id"], force=True)
    for volume in (client.api.volumes() or {}).get("Volumes") or []:
        if volume["Name"].lower().startswith(PREFIX):
            client.api.remove_volume(volume["Name"], force=True)
    for network in client.api.networks() or []:
        if network["Name"].lower().startswith(PREFIX):
            client.api.remove_network(network["Id"])


# ---- a fake engine: answers the preflight's reads, refuses and records every change

class FakeEngine(object):
    """A Docker API on a unix socket that answers what the preflight reads (version, info, containers, images,
    volumes, networks) and refuses everything else with 500, recording it. `mutations` are the requests that
    would have changed an engine."""

    READS = [
        (r"/_ping", lambda self, m: (200, "OK")),
        (r"/version", lambda self, m: (200, {"Version": self.version, "ApiVersion": self.api_version,
                                             "MinAPIVersion": "1.12", "Os": "linux", "Arch": "amd64",
                                             "KernelVersion": "6.1.0", "GoVersion": "go1.7.5"})),
        (r"/info", lambda self, m: (200, {"ID": "lhbad-fake", "Name": "lhbad-fake-engine", "Containers": 0,
                                          "OperatingSystem": "lhbad fake engine (tests/badinput)",
                                          "ServerVersion": self.version, "DockerRootDir": self.root_dir})),
        (r"/containers/json", lambda self, m: (200, [])),
        (r"/containers/(?P<name>[^/]+)/json",
         lambda self, m: (404, {"message": "No such container: %s" % m.group("name")})),
        (r"/images/(?P<name>.+)/json",
         lambda self, m: (200, {"Id": "sha256:" + "0" * 64, "RepoTags": [m.group("name")],
                                "Config": {"Env": [], "Labels": {}}})),
        (r"/volumes", lambda self, m: (200, {"Volumes": [], "Warnings": None})),
        (r"/volumes/(?P<name>[^/]+)", lambda self, m: (404, {"message": "no such volume"})),
        (r"/networks", lambda self, m: (200, [])),
        (r"/networks/(?P<name>[^/]+)", lambda self, m: (404, {"message": "network %s not found" % m.group("name")})),
    ]

    def __init__(self, path, version="20.10.24", api_version="1.41", root_dir=None):
        self.path, self.version, self.api_version = path, version, api_version
        self.root_dir = root_dir or "/var/lib/docker"
        self.requests = []
        if os.path.exists(path):
            os.unlink(path)
        engine = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def address_string(self):
                return "fake-engine-client"

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = re.sub(r"^/v[0-9.]+", "", self.path.split("?", 1)[0])
                engine.requests.append((self.command, self.path))
                status, body = 500, {"message": "lhbad fake engine: %s %s is refused (a change, or not a read "
                                                "the preflight makes)" % (self.command, path)}
                if self.command in ("GET", "HEAD"):
                    for pattern, answer in FakeEngine.READS:
                        match = re.match("^%s$" % pattern, path)
                        if match:
                            status, body = answer(engine, match)
                            break
                data = (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Api-Version", engine.api_version)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

        class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            daemon_threads = True

        self.server = Server(path, Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "unix://" + self.path

    @property
    def mutations(self):
        return [(method, path) for method, path in self.requests if method not in ("GET", "HEAD")]

    def unanswered(self):
        return [(m, p) for m, p in self.requests if m in ("GET", "HEAD") and not any(
            re.match("^%s$" % pattern, re.sub(r"^/v[0-9.]+", "", p.split("?", 1)[0])) for pattern, dummy in self.READS)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        if os.path.exists(self.path):
            os.unlink(self.path)


# ---- fixtures

@pytest.fixture(scope="session")
def engine():
    client = docker.DockerClient(base_url=os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"), timeout=120)
    yield client
    client.close()


TIMES = {}  # what the session took, printed at its end


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line("[bad-input] " + tier_counts())
    if TIMES:
        terminalreporter.write_line("[bad-input] baseline deploy %.0fs, cases %.0fs, baseline removal %.0fs" % (
            TIMES.get("deploy", 0), TIMES.get("cases", 0), TIMES.get("removal", 0)))


@pytest.fixture(scope="session")
def baseline_cluster(engine, tmp_path_factory):
    """The running baseline: deployed once with site.yml, removed at the end with its volumes."""
    os.makedirs(BUILD, exist_ok=True)
    # LHBAD_KEEP_BASELINE=1 (for working on the suite): a baseline left running by an earlier session is kept, the
    # deploy below then changes nothing, and the baseline stays at the end.
    keep = os.environ.get("LHBAD_KEEP_BASELINE") == "1"
    started = time.monotonic()
    if not keep:
        remove_ours(engine)
    for image in (KAFKA_IMAGE, SERVER_IMAGE, IDLE_IMAGE):
        engine.api.inspect_image(image)  # the test bed's images ('make images')
    path = write_inventory(baseline(), str(tmp_path_factory.mktemp("baseline") / "hosts.yml"))
    run = run_playbook("site.yml", path)
    if run.returncode != 0:
        # Once more: other test runs share the engine and the machine (a port, a slow start).
        sys.stderr.write("\n[bad-input] the baseline deploy failed, once more in 15 s:\n%s\n" % run.describe())
        time.sleep(15)
        run = run_playbook("site.yml", path)
    state = snapshot(engine)
    if run.returncode != 0 or any(state["containers"].get(name, {}).get("status") != "running"
                                  for name in BASELINE_CONTAINERS):
        if not keep:
            remove_ours(engine)
        pytest.fail("the baseline cluster did not deploy (%s):\n%s" % (state, run.describe()))
    TIMES["deploy"] = time.monotonic() - started
    started = time.monotonic()
    yield path
    TIMES["cases"] = time.monotonic() - started
    if keep:
        return
    started = time.monotonic()
    remove_ours(engine)  # docker rm -f of lhbad* and their volumes and network: quicker than teardown.yml
    TIMES["removal"] = time.monotonic() - started


def _venv(path, packages):
    python = os.path.join(path, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", "--clear", path], check=True, capture_output=True)
    if packages:
        probe = subprocess.run([python, "-c", "import docker; print(docker.__version__)"], capture_output=True,
                               text=True, check=False)
        wanted = packages[0].split("==")[1]
        if probe.stdout.strip() != wanted:
            pip = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + packages,
                                 capture_output=True, text=True, check=False)
            if pip.returncode != 0:
                return None, pip.stderr.strip().splitlines()[-1:] or ["pip failed"]
    return python, None


@pytest.fixture(scope="session")
def nosdk_python():
    """A Python without the Docker SDK (a venv of its own under build/badinput/)."""
    python, dummy = _venv(os.path.join(BUILD, "venv-nosdk"), [])
    check = subprocess.run([python, "-c", "import docker"], capture_output=True, check=False)
    assert check.returncode != 0, "%s has a docker package" % python
    return python


@pytest.fixture(scope="session")
def oldsdk_python():
    """A Python with the Docker SDK 6.1.3 from PyPI (cached under build/badinput/); skipped only when pip cannot
    get it."""
    python, error = _venv(os.path.join(BUILD, "venv-sdk-6.1.3"), [OLD_SDK])
    if python is None:
        pytest.skip("pip could not install %s for the too-old SDK case: %s" % (OLD_SDK, " ".join(error)))
    return python


@pytest.fixture()
def held_port():
    """A process of this host (the test) listening on 127.0.0.1:35043, the public port a third server would take."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", PUBLIC + 20))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture()
def held_dashboard_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 35080))
    sock.listen(1)
    yield 35080
    sock.close()


@pytest.fixture()
def foreign_container(engine):
    """A container of someone else publishing 127.0.0.1:35842, the health port a third server would take."""
    docker_cli("rm", "-f", FOREIGN, check=False)
    docker_cli("run", "-d", "--name", FOREIGN, "-p", "127.0.0.1:%d:80" % (HEALTH + 20), IDLE_IMAGE, "sleep", "600")
    yield FOREIGN
    docker_cli("rm", "-f", FOREIGN, check=False)


@pytest.fixture()
def fakes():
    """fakes.start(name, **options) -> a FakeEngine on build/badinput/<name>.sock; all stopped afterwards."""
    started = []

    class Fakes(object):
        engines = started

        @staticmethod
        def start(name, **options):
            os.makedirs(BUILD, exist_ok=True)
            fake = FakeEngine(os.path.join(BUILD, "fake-%s.sock" % name), **options)
            started.append(fake)
            return fake
    yield Fakes
    for fake in started:
        fake.stop()


def _ip(*args):
    return subprocess.run(("ip",) + args, capture_output=True, text=True, check=False)


def _remove_testnet():
    """The test bed's interface and unreachable route, gone (each only if there: an earlier session's leftovers)."""
    if _ip("route", "show", "type", "unreachable", UNREACHABLE_ADDRESS + "/32").stdout.strip():
        _ip("route", "del", "unreachable", UNREACHABLE_ADDRESS + "/32")
    if _ip("link", "show", "dev", TESTNET_LINK).returncode == 0:
        _ip("link", "del", "dev", TESTNET_LINK)


def _testnet_made():
    """Why the addresses are not as the cases need them, or '' (`ip route get` only: nothing is sent)."""
    home = _ip("route", "get", HOME_ADDRESS)
    if home.returncode != 0 or not home.stdout.startswith("local "):
        return "%s is not an address of this machine: %s" % (HOME_ADDRESS, (home.stdout + home.stderr).strip())
    unreachable = _ip("route", "get", UNREACHABLE_ADDRESS)
    if unreachable.returncode == 0 or "No route to host" not in unreachable.stderr:
        return "%s is routed (%s), not refused by an unreachable route" % (
            UNREACHABLE_ADDRESS, (unreachable.stdout + unreachable.stderr).strip())
    return ""


@pytest.fixture(scope="session")
def testnet():
    """The addresses of the cases whose hosts the preflight dials, made on this machine and removed at the end (even
    when the session fails): HOME_ADDRESS on an interface of the test bed (TESTNET_LINK, a dummy interface, or a
    bridge with no port where the kernel has no dummy driver: either way no packet leaves it), and an `unreachable`
    route to UNREACHABLE_ADDRESS. Needs root (ip link, ip route). Yields {home, unreachable, link}."""
    if os.geteuid() != 0:
        pytest.fail("the cases that dial hosts need root: they add the interface %s and a route (ip link, ip route)"
                    % TESTNET_LINK)
    _remove_testnet()
    for address in (HOME_ADDRESS, UNREACHABLE_ADDRESS):
        taken = _ip("-o", "addr", "show", "to", address + "/32").stdout.strip()
        if taken:
            pytest.fail("%s is already an address of this machine (%s); the test bed makes it itself"
                        % (address, taken))
    try:
        kind = "dummy"
        if _ip("link", "add", TESTNET_LINK, "type", "dummy").returncode != 0:
            kind = "bridge"  # no dummy driver (a container's kernel): a bridge without ports holds an address as well
            made = _ip("link", "add", TESTNET_LINK, "type", "bridge")
            assert made.returncode == 0, "ip link add %s: %s" % (TESTNET_LINK, made.stderr.strip())
        _ip("link", "set", "dev", TESTNET_LINK, "addrgenmode", "none")  # no IPv6 link-local address either
        for args in (("addr", "add", HOME_ADDRESS + "/32", "dev", TESTNET_LINK),
                     ("link", "set", "dev", TESTNET_LINK, "up"),
                     ("route", "add", "unreachable", UNREACHABLE_ADDRESS + "/32")):
            done = _ip(*args)
            assert done.returncode == 0, "ip %s: %s" % (" ".join(args), done.stderr.strip())
        problem = _testnet_made()
        assert not problem, problem
        yield {"home": HOME_ADDRESS, "unreachable": UNREACHABLE_ADDRESS, "link": "%s (%s)" % (TESTNET_LINK, kind)}
    finally:
        _remove_testnet()


@pytest.fixture(scope="session")
def docker_root(engine):
    """The engine's data directory, whose free space the preflight checks."""
    return engine.info()["DockerRootDir"]
