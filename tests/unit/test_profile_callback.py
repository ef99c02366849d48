# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The profile callback the suite and the benchmark share (bench/callback_plugins/lhbench_profile.py): with
LHBENCH_PROFILE_TOP a real ansible-playbook run prints, at its end, its time and its slowest tasks, the slowest
first, on [time] lines (what every Molecule scenario's run says of itself)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = """
- name: First play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Quick
      ansible.builtin.debug: {msg: quick}
    - name: Slow
      ansible.builtin.command: sleep 0.5
      changed_when: false
- name: Second play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Slower
      ansible.builtin.command: sleep 2
      changed_when: false
"""


def test_a_run_prints_its_time_and_its_slowest_tasks_first(tmp_path):
    playbook = tmp_path / "profiled.yml"
    playbook.write_text(PLAYBOOK)
    env = dict(os.environ, ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, "bench", "callback_plugins"),
               ANSIBLE_CALLBACKS_ENABLED="lhbench_profile", LHBENCH_PROFILE_TOP="8", ANSIBLE_NOCOLOR="1",
               ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))
    env.pop("LHBENCH_PROFILE", None)
    out = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,",
                          "-c", "local", "-e", "ansible_python_interpreter=" + sys.executable, str(playbook)],
                         capture_output=True, text=True, env=env, check=True, cwd=str(tmp_path)).stdout
    lines = [line for line in out.splitlines() if line.startswith("[time]")]
    assert len(lines) == 5, out[-3000:]  # the headline, then every row of three tasks and the start: fewer than 8
    assert re.match(r"\[time\] profiled\.yml: [0-9.]+ s from process start to the end of the playbook; "
                    r"[0-9.]+ s before the first task$", lines[0]), lines
    assert len([line for line in lines[1:] if "(playbook start:" in line]) == 1, lines
    rows = [re.match(r"\[time\] ([0-9.]+)  (.*?) \[command\] \(play (\d)\)  localhost=([0-9.]+)$", line)
            for line in lines[1:] if "[command]" in line]
    assert all(rows) and len(rows) == 2, lines
    seconds = [float(re.match(r"\[time\] ([0-9.]+)  ", line).group(1)) for line in lines[1:]]
    assert seconds == sorted(seconds, reverse=True), "the slowest first: %s" % lines
    assert [(row.group(2), row.group(3)) for row in rows] == [("Slower", "2"), ("Slow", "1")], lines
    assert float(rows[0].group(1)) >= 2 and float(rows[1].group(1)) >= 0.5, lines
    assert not list(tmp_path.glob("*.json")), "without LHBENCH_PROFILE it writes nothing"
