# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The docs and the changelog name only playbooks that exist (CHANGELOG.rst once cited playbooks/remove-server.yml,
which is playbooks/remove_server.yml); every link of the READMEs resolves; the guides in docs/ are the ones
docs/docsite/extra-docs.yml lists, and every :ref: between them names a label one of them sets."""
import glob
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PLAYBOOK = re.compile(r"\bplaybooks/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.yml\b")
DOCS = ["CHANGELOG.rst", "README.md", "changelogs/changelog.yaml", "changelogs/fragments/*.yml", "roles/*/README.md",
        "tests/README.md", "bench/README.md", "docs/docsite/rst/*.rst"]
READMES = ["README.md", "roles/*/README.md", "tests/README.md", "tests/*/README.md", "bench/README.md"]
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
GUIDES = os.path.join(ROOT, "docs", "docsite")
LABEL = re.compile(r"^\.\. _([A-Za-z0-9_.-]+):\s*$", re.MULTILINE)
REF = re.compile(r":ref:`[^`<]*<([^>`]+)>`")


def test_every_playbook_the_docs_name_exists():
    missing = []
    for pattern in DOCS:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            with open(path) as handle:
                text = handle.read()
            missing += ["%s names %s" % (os.path.relpath(path, ROOT), name) for name in sorted(set(PLAYBOOK.findall(text)))
                        if not os.path.isfile(os.path.join(ROOT, name))]
    assert not missing, "\n".join(missing)


def test_every_relative_link_of_the_readmes_resolves():
    broken = []
    for pattern in READMES:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            with open(path) as handle:
                links = MARKDOWN_LINK.findall(handle.read())
            for link in links:
                if re.match(r"[a-z]+:", link) or link.startswith("#"):
                    continue
                target = os.path.normpath(os.path.join(os.path.dirname(path), link.split("#")[0]))
                if not os.path.exists(target):
                    broken.append("%s links %s" % (os.path.relpath(path, ROOT), link))
    assert not broken, "\n".join(broken)


def test_the_guides_are_those_extra_docs_lists_and_their_references_resolve():
    with open(os.path.join(GUIDES, "extra-docs.yml")) as handle:
        listed = [entry for section in yaml.safe_load(handle)["sections"] for entry in section["toctree"]]
    guides = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(GUIDES, "rst", "*.rst")))
    assert sorted(listed) == guides
    labels, references = set(), []
    for name in guides:
        with open(os.path.join(GUIDES, "rst", name + ".rst")) as handle:
            text = handle.read()
        own = LABEL.findall(text)
        assert own[:1] == ["ansible_collections.littlehorse.cluster.docsite.%s" % name], (name, own[:1])
        labels.update(own)
        references += [(name, ref) for ref in REF.findall(text)]
    assert references, "the guides refer to each other"
    missing = ["%s refers to %s" % (name, ref) for name, ref in references if ref not in labels]
    assert not missing, "\n".join(missing)
