# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test bed's profile of a playbook run: where its time went, printed when it ends.

Not part of the collection: the test bed enables it (molecule/*/molecule.yml, tests/integration's and
tests/badinput's runs) with ANSIBLE_CALLBACK_PLUGINS=<checkout>/tests/callback_plugins and
ANSIBLE_CALLBACKS_ENABLED=task_times, as ansible.posix's profile_tasks would be (not installed here).
At the end of each run it prints, on lines that start with [time], the run's wall time, each play's,
and the slowest tasks (LH_TASK_TIMES_TOP of them, 8 unless set). A task's time is from its start to
the start of the next task or the end of its play, across every host it ran on (the linear strategy
runs a task on every host before the next), so the times add up to the play's.
"""
from __future__ import annotations

import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: task_times
    type: aggregate
    short_description: the test bed's profile of a playbook run
    description:
      - At the end of the run, prints its wall time, each play's and the slowest tasks, on lines starting with [time].
    requirements:
      - enabled in ANSIBLE_CALLBACKS_ENABLED
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.run_started = time.monotonic()
        self.playbook = "playbook"
        self.plays = []  # [name, seconds]
        self.tasks = {}  # (play index, task name) -> seconds
        self.current = None  # (key, started)
        self.play_started = None

    def _close_task(self):
        if self.current is not None:
            key, started = self.current
            self.tasks[key] = self.tasks.get(key, 0.0) + time.monotonic() - started
            self.current = None

    def _close_play(self):
        self._close_task()
        if self.play_started is not None:
            self.plays[-1][1] = time.monotonic() - self.play_started
            self.play_started = None

    def v2_playbook_on_start(self, playbook):
        self.run_started = time.monotonic()
        self.playbook = os.path.basename(getattr(playbook, "_file_name", "") or "playbook")

    def v2_playbook_on_play_start(self, play):
        self._close_play()
        self.plays.append([play.get_name().strip() or "play %d" % (len(self.plays) + 1), 0.0])
        self.play_started = time.monotonic()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close_task()
        self.current = ((len(self.plays), task.get_name().strip()), time.monotonic())

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def v2_playbook_on_stats(self, stats):
        self._close_play()
        try:
            top = int(os.environ.get("LH_TASK_TIMES_TOP", "8"))
        except ValueError:
            top = 8
        for line in report(self.playbook, time.monotonic() - self.run_started, self.plays, self.tasks, top):
            self._display.display(line)


def report(playbook, seconds, plays, tasks, top):
    """The [time] lines of one run: its total, each play's time, then the `top` slowest tasks (play number, name)."""
    lines = ["[time] %s: %.1fs in all, %d plays, %d tasks" % (playbook, seconds, len(plays), len(tasks))]
    for number, (name, play_seconds) in enumerate(plays, 1):
        lines.append("[time]   play %d %6.1fs  %s" % (number, play_seconds, name[:120]))
    slowest = sorted(tasks.items(), key=lambda item: item[1], reverse=True)[:top]
    for (play, name), task_seconds in slowest:
        lines.append("[time]   task %6.1fs  (play %d) %s" % (task_seconds, play, name[:160]))
    return lines
