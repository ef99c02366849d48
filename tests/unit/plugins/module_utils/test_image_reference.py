# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image references: Docker's reference grammar, floating tags, the release a tag names."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._names import (
    image_reference_problem, parse_image_reference, release_of_tag)

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("reference,parsed", [
    ("ghcr.io/littlehorse-enterprises/littlehorse/lh-server:1.2.1",
     {"domain": "ghcr.io", "path": "littlehorse-enterprises/littlehorse/lh-server", "tag": "1.2.1", "digest": None}),
    ("apache/kafka:4.1.1", {"domain": None, "path": "apache/kafka", "tag": "4.1.1", "digest": None}),
    ("haproxy:3.0.11", {"domain": None, "path": "haproxy", "tag": "3.0.11", "digest": None}),
    ("haproxy", {"domain": None, "path": "haproxy", "tag": None, "digest": None}),
    ("localhost/lh:1", {"domain": "localhost", "path": "lh", "tag": "1", "digest": None}),
    ("registry.example.com:5000/lh/lh-server:1.2.1_rc.1",
     {"domain": "registry.example.com:5000", "path": "lh/lh-server", "tag": "1.2.1_rc.1", "digest": None}),
    ("[::1]:5000/lh:1", {"domain": "[::1]:5000", "path": "lh", "tag": "1", "digest": None}),
    ("lh-testbed/lh-server:1.2.1-p1", {"domain": None, "path": "lh-testbed/lh-server", "tag": "1.2.1-p1",
                                       "digest": None}),
    ("a__b/c.d-e--f:x", {"domain": None, "path": "a__b/c.d-e--f", "tag": "x", "digest": None}),
    ("ghcr.io/x/y@" + DIGEST, {"domain": "ghcr.io", "path": "x/y", "tag": None, "digest": DIGEST}),
    ("ghcr.io/x/y:master@" + DIGEST, {"domain": "ghcr.io", "path": "x/y", "tag": "master", "digest": DIGEST}),
])
def test_valid_references_parse_into_their_parts(reference, parsed):
    assert parse_image_reference(reference) == parsed


@pytest.mark.parametrize("reference", [
    "", None, 7, "Apache/Kafka:4.1.1", "apache/Kafka:4.1.1", "kafka:", "kafka:-1", "kafka:a b", "kafka:" + "x" * 129,
    "apache//kafka", "/kafka", "kafka/", "-kafka", "kafka_", "kafka@sha256:abc", "kafka@md5:" + "a" * 32,
    "ghcr.io/x/y@" + DIGEST.upper(), "ghcr.io:port/x:1", "-bad.io/x:1", "a___b:1", "kafka:1.0 ", " kafka:1.0",
    "a/" + "b" * 255,
])
def test_invalid_references_are_none(reference):
    assert parse_image_reference(reference) is None


def test_an_invalid_reference_names_the_setting_and_the_fix():
    assert image_reference_problem("kafka_image", "apache/Kafka:4.1.1", False) == (
        "kafka_image 'apache/Kafka:4.1.1' is not a valid image reference ([registry-host[:port]/]path[:tag][@sha256:<64 "
        "hex>], the path in lower case, the tag of letters, digits, '_', '.', '-', at most 128); set kafka_image to "
        "an image such as ghcr.io/littlehorse-enterprises/littlehorse/lh-server:1.2.1")


@pytest.mark.parametrize("reference,what,pin", [
    ("ghcr.io/l/lh-server:master", "has the floating tag 'master'", "ghcr.io/l/lh-server:1.2.1"),
    ("ghcr.io/l/lh-server:latest", "has the floating tag 'latest'", "ghcr.io/l/lh-server:1.2.1"),
    ("registry:5000/lh-server", "has no tag (Docker takes 'latest')", "registry:5000/lh-server:1.2.1"),
])
def test_a_floating_tag_is_refused_when_asked_naming_the_pin_and_the_opt_out(reference, what, pin):
    problem = image_reference_problem("server_image", reference, True)
    assert problem.startswith("server_image '%s' %s, which moves to another build without notice" % (reference, what))
    assert "Pin a release (e.g. '%s') or a digest (@sha256:...), or set littlehorse_allow_floating_tags: true" % pin \
        in problem
    assert image_reference_problem("server_image", reference, False) is None


@pytest.mark.parametrize("reference", ["ghcr.io/l/lh-server:1.2.1", "ghcr.io/l/lh-server@" + DIGEST,
                                       "ghcr.io/l/lh-server:master@" + DIGEST, "lh/lh-server:1.2.1-p1"])
def test_a_release_tag_or_a_digest_is_pinned(reference):
    assert image_reference_problem("server_image", reference, True) is None


@pytest.mark.parametrize("reference,release", [
    ("ghcr.io/l/lh-server:1.2.1", "1.2.1"), ("lh-testbed/lh-server:1.2.1-p1", "1.2.1"), ("x:v0.14.2", "0.14.2"),
    ("x:master", None), ("x", None), ("x@" + DIGEST, None), ("Bad:1.2.3", None)])
def test_the_release_of_a_tag(reference, release):
    assert release_of_tag(reference) == release
