# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test bed's own settings that several tests share, read from their one place."""
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JVM_SETTINGS = os.path.join(ROOT, "tests", "testbed", "jvm.yml")


def server_java_opts():
    """The servers' JVM options every test of the test bed runs with (tests/testbed/jvm.yml)."""
    with open(JVM_SETTINGS) as handle:
        return yaml.safe_load(handle)["server_java_opts"]
