# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make up`'s choice of images for inventories/local, which names none (it deploys the roles' defaults, the
published images): for each image, the published one when this machine's engine has it or can pull it, else the
test bed's local build (tests/testbed/images.yml, made by `make images`), passed to site.yml as extra variables. The
dashboard is left out (dashboard_required: false, and the role says why) only when neither the published image nor
the test bed's double can be had.

    PYTHONPATH=tests python -m lhtest.up_images [--no-pull] <extra-vars file>

writes the extra variables (YAML) to the file and says on stdout what it chose. --no-pull only looks (`make down`);
LH_UP_PULL=0 does the same for `make up` on a machine that reaches no registry.
"""
import os
import subprocess
import sys

import yaml
from lhtest.testbed import ROOT, images

# (variable, role) of every image inventories/local deploys
IMAGES = (("kafka_image", "kafka"), ("server_image", "server"), ("dashboard_image", "dashboard"))
PULL_TIMEOUT = 300


def role_default(role, name):
    with open(os.path.join(ROOT, "roles", role, "defaults", "main.yml")) as handle:
        return yaml.safe_load(handle)[name]


def choose(published, testbed, available, missing="can neither be found nor pulled here"):
    """published, testbed: {variable: image}; available(image) -> bool (on the engine, or pulled now); missing: why a
    published image is not used, as said. -> (extra variables, [what was chosen, one sentence each])."""
    extra, said = {}, []
    for name in sorted(published):
        if available(published[name]):
            said.append("%s: %s (the published image, the role's default)" % (name, published[name]))
        elif available(testbed[name]):
            extra[name] = testbed[name]
            double = " - a TEST DOUBLE of the dashboard, not the real one" if name == "dashboard_image" else ""
            said.append("%s: %s (the test bed's local build%s: %s %s)"
                        % (name, testbed[name], double, published[name], missing))
        elif name == "dashboard_image":
            extra["dashboard_required"] = False
            said.append("dashboard_image: neither %s nor the test bed's double %s can be had: the dashboard is left "
                        "out (site.yml says why)" % (published[name], testbed[name]))
        else:
            said.append("%s: neither %s nor %s can be had: site.yml will stop before any change (run 'make images')"
                        % (name, published[name], testbed[name]))
    return extra, said


def engine_has(image, pull):
    if subprocess.run(["docker", "image", "inspect", image], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL, check=False).returncode == 0:
        return True
    if not pull or image.startswith("lh-testbed/"):  # the test bed's names are local builds, in no registry
        return False
    try:
        return subprocess.run(["docker", "pull", "-q", image], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=PULL_TIMEOUT, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def main(argv):
    pull = "--no-pull" not in argv and os.environ.get("LH_UP_PULL", "1") != "0"
    paths = [arg for arg in argv if arg != "--no-pull"]
    if len(paths) != 1:
        sys.exit(__doc__)
    testbed = images()
    published = dict((name, role_default(role, name)) for name, role in IMAGES)
    extra, said = choose(published, dict((name, testbed[name]) for name in published),
                         lambda image: engine_has(image, pull),
                         "can neither be found nor pulled here" if pull else "is not on this engine (not pulled)")
    for sentence in said:
        print("[images] " + sentence)
    os.makedirs(os.path.dirname(os.path.abspath(paths[0])), exist_ok=True)
    with open(paths[0], "w") as handle:
        handle.write("# written by lhtest.up_images for make up / make down\n")
        yaml.safe_dump(extra, handle, default_flow_style=False)


if __name__ == "__main__":
    main(sys.argv[1:])
