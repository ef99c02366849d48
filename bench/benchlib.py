# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the bench's Python drills share: their console lines and the environment of the playbooks they run."""
import os
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sayer(name):
    """A print for the drill `name`: each line with the time and the load average."""
    def say(text):
        print("[%s %s load %.2f] %s" % (name, time.strftime("%H:%M:%S"), os.getloadavg()[0], text), flush=True)
    return say


def playbook_env(**extra):
    """The environment of an ansible-playbook run of this checkout: its venv, its collection, its ansible.cfg."""
    environ = dict(os.environ)
    environ["PATH"] = os.path.join(REPO, ".venv", "bin") + os.pathsep + environ.get("PATH", "")
    environ["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(REPO, "build", "collections")
    environ["ANSIBLE_CONFIG"] = os.path.join(REPO, "ansible.cfg")
    environ.update(extra)
    return environ
