# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The docs and the changelog name only playbooks that exist (CHANGELOG.rst once cited playbooks/remove-server.yml,
which is playbooks/remove_server.yml)."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PLAYBOOK = re.compile(r"\bplaybooks/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.yml\b")
DOCS = ["CHANGELOG.rst", "README.md", "changelogs/changelog.yaml", "changelogs/fragments/*.yml", "roles/*/README.md",
        "tests/README.md", "bench/README.md"]


def test_every_playbook_the_docs_name_exists():
    missing = []
    for pattern in DOCS:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            with open(path) as handle:
                text = handle.read()
            missing += ["%s names %s" % (os.path.relpath(path, ROOT), name) for name in sorted(set(PLAYBOOK.findall(text)))
                        if not os.path.isfile(os.path.join(ROOT, name))]
    assert not missing, "\n".join(missing)
