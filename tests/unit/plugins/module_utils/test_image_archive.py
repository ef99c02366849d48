# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import io
import json
import tarfile

from ansible_collections.littlehorse.cluster.plugins.module_utils._image_archive import (
    load, locate, names_in_index, normalise_name, read_archive)


def write_archive(path, manifest=None, index=None, repositories=None, mode="w", layer=b"x" * 4096):
    """A small archive laid out like 'docker save' writes it: layers first, the index files last."""
    with tarfile.open(str(path), mode) as archive:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        add("0123abcd/layer.tar", layer)
        for name, value in (("manifest.json", manifest), ("index.json", index), ("repositories", repositories)):
            if value is not None:
                add(name, json.dumps(value).encode("utf-8"))
    return str(path)


def saved(path, *tags, **kwargs):
    return write_archive(path, manifest=[{"Config": "c.json", "RepoTags": list(tags), "Layers": ["0123abcd/layer.tar"]}],
                         **kwargs)


# ---- reading an archive without Docker

def test_names_are_normalised_as_docker_stores_them():
    assert normalise_name("docker.io/library/kafka:4") == "kafka:4"
    assert normalise_name("docker.io/apache/kafka:4") == "apache/kafka:4"
    assert normalise_name("registry.example.com:5000/lh/lh-server") == "registry.example.com:5000/lh/lh-server:latest"
    assert normalise_name("lh-testbed/kafka:4.1.1") == "lh-testbed/kafka:4.1.1"
    assert normalise_name("x/y@sha256:abc") == "x/y@sha256:abc"


def test_an_archive_names_its_images_in_manifest_index_or_repositories(tmp_path):
    assert read_archive(saved(tmp_path / "a.tar", "lh-testbed/kafka:4.1.1", "kafka:latest")) == (
        ["lh-testbed/kafka:4.1.1", "kafka:latest"], None)
    assert read_archive(saved(tmp_path / "a.tar.gz", "lh/server:1", mode="w:gz")) == (["lh/server:1"], None)
    oci = {"manifests": [{"annotations": {"io.containerd.image.name": "docker.io/library/haproxy:3.0",
                                          "org.opencontainers.image.ref.name": "3.0"}}]}
    assert read_archive(write_archive(tmp_path / "oci.tar", index=oci)) == (["haproxy:3.0"], None)
    assert read_archive(write_archive(tmp_path / "old.tar", repositories={"lh/dash": {"1.2": "abc"}})) == (
        ["lh/dash:1.2"], None)
    assert names_in_index({"manifest.json": [{"RepoTags": None}]}) == []


def test_an_archive_that_cannot_be_used_says_why(tmp_path):
    assert read_archive(str(tmp_path / "none.tar")) == (None, "does not exist")
    assert read_archive("images/a.tar") == (None, "is not an absolute path")
    assert read_archive(str(tmp_path)) == (None, "is not a file")
    (tmp_path / "text.tar").write_text("not a tar")
    names, why = read_archive(str(tmp_path / "text.tar"))
    assert names is None and why.startswith("cannot be read as a 'docker save' archive (")
    assert read_archive(write_archive(tmp_path / "bare.tar")) == (
        None, "is not a 'docker save' archive (it has no manifest.json, index.json or repositories)")


# ---- which archive holds each image (the controller's check, before any host changes)

NEEDED = [{"image": "lh-testbed/kafka:4.1.1", "variable": "kafka_image"},
          {"image": "lh-testbed/lh-server:1.2.1", "variable": "server_image"}]


def test_each_image_is_found_in_the_first_archive_that_holds_it(tmp_path):
    kafka = saved(tmp_path / "kafka.tar", "lh-testbed/kafka:4.1.1")
    server = saved(tmp_path / "server.tar", "lh-testbed/lh-server:1.2.1", "lh-testbed/kafka:4.1.1")
    report, read, problems = locate(NEEDED, [kafka, server], "lh1", "the controller")
    assert problems == []
    assert [(r["image"], r["archive"]) for r in report] == [
        ("lh-testbed/kafka:4.1.1", kafka), ("lh-testbed/lh-server:1.2.1", server)]
    assert [r["path"] for r in read] == [kafka, server]


def test_archives_are_read_only_until_every_image_is_found_but_all_must_exist(tmp_path):
    first = saved(tmp_path / "all.tar", "lh-testbed/kafka:4.1.1", "lh-testbed/lh-server:1.2.1")
    other = saved(tmp_path / "other.tar", "x:1")
    reads = []

    def counting(path):
        reads.append(path)
        return read_archive(path)
    report, read, problems = locate(NEEDED, [first, other], "lh1", "the controller", read=counting)
    assert problems == [] and reads == [first]
    dummy, dummy, problems = locate(NEEDED, [first, str(tmp_path / "gone.tar")], "lh1", "the controller")
    assert [p["msg"] for p in problems] == [
        "host lh1: the image archive %s (littlehorse_image_archives) does not exist on the controller. Correct the path "
        "in littlehorse_image_archives, or write the archive there with 'docker save -o %s <image>...' on a machine "
        "that has the images." % (tmp_path / "gone.tar", tmp_path / "gone.tar")]


def test_a_required_image_in_no_archive_is_a_problem_naming_host_setting_and_fix(tmp_path):
    kafka = saved(tmp_path / "kafka.tar", "lh-testbed/kafka:4.1.1")
    report, dummy, problems = locate(NEEDED + [{"image": "dash:1", "variable": "dashboard_image", "required": False}],
                                     [kafka], "lh1", "the controller")
    assert problems == [{"kind": "image", "msg": (
        "host lh1: image lh-testbed/lh-server:1.2.1 (server_image) is not on the host's Docker engine and no archive of "
        "littlehorse_image_archives holds it (they hold: lh-testbed/kafka:4.1.1). Add an archive that holds it to "
        "littlehorse_image_archives ('docker save -o <file>.tar lh-testbed/lh-server:1.2.1' where the image is), or "
        "set server_image to an image the archives hold.")}]
    assert report[2]["archive"] is None and report[2]["missing_because"] == (
        "image dash:1 (dashboard_image) is not on the Docker engine of lh1 and no archive of littlehorse_image_archives "
        "holds it")


def test_two_archives_with_one_file_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = saved(tmp_path / "a" / "i.tar", "x:1"), saved(tmp_path / "b" / "i.tar", "y:1")
    dummy, dummy, problems = locate([{"image": "x:1"}], [one, two], "lh1", "the controller")
    assert [p["kind"] for p in problems] == ["archive"]
    assert "have the same file name" in problems[0]["msg"] and "Rename one of them" in problems[0]["msg"]


# ---- loading on the host

class NotFound(Exception):
    pass


class Loaded(object):
    def __init__(self, tags):
        self.tags = tags


class FakeImages(object):
    def __init__(self, api, fail=None):
        self.api, self.loads, self.fail = api, [], fail

    def load(self, handle):
        data = handle.read()
        self.loads.append(handle.name)
        if self.fail:
            raise RuntimeError(self.fail)
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            manifest = json.loads(archive.extractfile("manifest.json").read().decode("utf-8"))
        tags = [t for entry in manifest for t in entry["RepoTags"]]
        for tag in tags:
            self.api.images[tag] = "sha256:" + tag
        return [Loaded(tags)]


class FakeApi(object):
    def __init__(self, images):
        self.images = dict(images)

    def inspect_image(self, image):
        if image not in self.images:
            raise NotFound(image)
        return {"Id": self.images[image]}


class FakeClient(object):
    def __init__(self, images=(), fail=None):
        self.api = FakeApi(dict((i, "sha256:" + i) for i in images))
        self.images = FakeImages(self.api, fail)


def must_not_read(path):
    raise AssertionError("read %s" % path)


def test_present_images_read_and_load_nothing():
    client = FakeClient(["lh-testbed/kafka:4.1.1", "lh-testbed/lh-server:1.2.1"])
    result, problems, changed = load(client, "lh1", NEEDED, archives=["/nowhere/a.tar"], read=must_not_read)
    assert (problems, changed, client.images.loads) == ([], False, [])
    assert all(i["present"] and i["available"] and not i["loaded"] for i in result["images"])


def test_missing_images_are_loaded_from_their_archives_once_and_check_mode_loads_nothing(tmp_path):
    archive = saved(tmp_path / "both.tar", "lh-testbed/kafka:4.1.1", "lh-testbed/lh-server:1.2.1")
    needed = [dict(n, archive="/on/the/controller/both.tar") for n in NEEDED]
    client = FakeClient()
    result, problems, changed = load(client, "lh1", needed, archive_dir=str(tmp_path), check_mode=True,
                                     read=must_not_read)
    assert (problems, changed, client.images.loads) == ([], True, [])
    assert all(i["would_load"] and i["available"] and not i["loaded"] for i in result["images"])
    result, problems, changed = load(client, "lh1", needed, archive_dir=str(tmp_path))
    assert problems == [] and changed is True and client.images.loads == [archive]
    assert all(i["loaded"] and i["available"] and i["archive"] == archive for i in result["images"])
    assert result["archives"] == [{"path": archive, "loaded": True,
                                   "tags": ["lh-testbed/kafka:4.1.1", "lh-testbed/lh-server:1.2.1"]}]
    result, problems, changed = load(client, "lh1", needed, archive_dir=str(tmp_path))
    assert (problems, changed, len(client.images.loads)) == ([], False, 1)


def test_images_without_their_archive_are_found_in_the_archives(tmp_path):
    kafka = saved(tmp_path / "kafka.tar", "lh-testbed/kafka:4.1.1")
    client = FakeClient(["lh-testbed/lh-server:1.2.1"])
    result, problems, changed = load(client, "lh1", NEEDED, archives=[kafka])
    assert problems == [] and changed and client.images.loads == [kafka]
    client = FakeClient()
    result, problems, changed = load(client, "lh1", NEEDED, archives=[kafka])
    assert [p["kind"] for p in problems] == ["image"] and "lh-testbed/lh-server:1.2.1 (server_image)" in problems[0][
        "msg"]
    assert changed is False and client.images.loads == [], "nothing is loaded when a required image is in no archive"


def test_an_image_still_missing_after_its_archive_or_a_failed_load_is_a_problem(tmp_path):
    wrong = saved(tmp_path / "wrong.tar", "lh-testbed/kafka:4.0.2")
    client = FakeClient()
    result, problems, changed = load(client, "lh1", [dict(NEEDED[0], archive=wrong)])
    assert changed is True and [p["kind"] for p in problems] == ["image"]
    assert problems[0]["msg"] == (
        "host lh1: the image archive %s (littlehorse_image_archives) was loaded, but image lh-testbed/kafka:4.1.1 "
        "(kafka_image) is still not on the Docker engine: the archive does not hold it under that name. Add an archive "
        "that holds it to littlehorse_image_archives, or set kafka_image to an image the archive holds." % wrong)
    client = FakeClient(fail="archive/tar: invalid tar header\ndetails")
    result, problems, changed = load(client, "lh1", [dict(NEEDED[0], archive=wrong)])
    assert [p["kind"] for p in problems] == ["load"] and changed is False
    assert "loading the image archive %s (littlehorse_image_archives) into the Docker engine failed: archive/tar: " \
           "invalid tar header." % wrong in problems[0]["msg"]
    result, problems, changed = load(FakeClient(), "lh1", [dict(NEEDED[0], archive="/gone/k.tar")])
    assert [p["kind"] for p in problems] == ["archive"] and "does not exist on host lh1" in problems[0]["msg"]
