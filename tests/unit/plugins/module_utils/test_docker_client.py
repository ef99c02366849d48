# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""on_engine (module_utils/_docker_client.py), the image modules' one way to work on an engine: the work's result,
or the module failed with a problem of kind 'engine' that names the host - an engine that does not answer, or an
error of the SDK while the work reads it."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils import _docker_client
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


class Failed(Exception):
    pass


class Module(object):
    def fail_json(self, **result):
        raise Failed(result)


def test_the_work_s_result_on_an_engine_that_answers(monkeypatch):
    monkeypatch.setattr(_docker_client, "connect", lambda docker_host, timeout: ("engine", docker_host, timeout))
    assert _docker_client.on_engine(Module(), "h1", lambda client: client, docker_host="tcp://e:2375", timeout=5) \
        == ("engine", "tcp://e:2375", 5)


def test_an_engine_that_does_not_answer_fails_naming_the_host(monkeypatch):
    def refuse(docker_host, timeout):
        raise LHClusterError("The Docker engine at x does not answer")
    monkeypatch.setattr(_docker_client, "connect", refuse)
    with pytest.raises(Failed) as failed:
        _docker_client.on_engine(Module(), "h1", lambda client: None, images=[])
    message = "host h1: The Docker engine at x does not answer"
    assert failed.value.args[0] == {"msg": message, "problems": [{"kind": "engine", "msg": message}], "images": []}


def test_an_error_while_reading_the_engine_fails_naming_the_host(monkeypatch):
    monkeypatch.setattr(_docker_client, "connect", lambda docker_host, timeout: object())

    def work(client):
        raise RuntimeError("500 Server Error")
    with pytest.raises(Failed) as failed:
        _docker_client.on_engine(Module(), "h2", work)
    message = "host h2: reading the Docker engine failed (500 Server Error)"
    assert failed.value.args[0] == {"msg": message, "problems": [{"kind": "engine", "msg": message}]}
