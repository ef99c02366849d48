# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test bed's profile callback (tests/callback_plugins/task_times.py): a real ansible-playbook run prints its
wall time, each play's and its slowest tasks, the slowest first, on [time] lines at its end."""
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
      ansible.builtin.command: sleep 0.6
      changed_when: false
- name: Second play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Slower
      ansible.builtin.command: sleep 1.2
      changed_when: false
"""


def test_a_run_prints_its_time_each_plays_and_the_slowest_tasks_first(tmp_path):
    playbook = tmp_path / "profiled.yml"
    playbook.write_text(PLAYBOOK)
    env = dict(os.environ, ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, "tests", "callback_plugins"),
               ANSIBLE_CALLBACKS_ENABLED="task_times", LH_TASK_TIMES_TOP="2", ANSIBLE_NOCOLOR="1",
               ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))
    out = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,",
                          "-c", "local", "-e", "ansible_python_interpreter=" + sys.executable, str(playbook)],
                         capture_output=True, text=True, env=env, check=True).stdout
    lines = [line for line in out.splitlines() if line.startswith("[time]")]
    assert re.match(r"\[time\] profiled\.yml: [0-9.]+s in all, 2 plays, 3 tasks$", lines[0]), lines
    assert re.match(r"\[time\]   play 1 +[0-9.]+s  First play$", lines[1]), lines
    assert re.match(r"\[time\]   play 2 +[0-9.]+s  Second play$", lines[2]), lines
    tasks = [re.match(r"\[time\]   task +([0-9.]+)s  \(play (\d)\) (.*)$", line).groups() for line in lines[3:]]
    assert [(play, name) for _seconds, play, name in tasks] == [("2", "Slower"), ("1", "Slow")], lines
    assert float(tasks[0][0]) >= 1.2 and float(tasks[1][0]) >= 0.6, lines
    play_one = float(re.search(r"([0-9.]+)s", lines[1]).group(1))
    assert play_one >= float(tasks[1][0]), "a play's time holds its tasks': %s" % lines
