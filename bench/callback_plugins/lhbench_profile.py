# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's and the test bed's callback: the wall time of every task, per host and overall, plus the
time the playbook needed before its first task; writes a JSON record and a text summary, or prints the summary's
slowest rows.

Not part of the collection. bench/run.sh enables it for its own runs:

    ANSIBLE_CALLBACK_PLUGINS=bench/callback_plugins ANSIBLE_CALLBACKS_ENABLED=lhbench_profile \
    LHBENCH_PROFILE=build/bench/profile-cold ansible-playbook ...

writes build/bench/profile-cold.json and build/bench/profile-cold.txt. Without LHBENCH_PROFILE it
writes nothing. With LHBENCH_PROFILE_TOP=N (the Molecule scenarios set 8) it prints, at the end of the
run, the summary's first line and its N slowest rows, each line starting with [time] - every run of
the suite then says where its time went.

A task's overall time runs from its start to the next event of the playbook (the next task, the
next play, the end); a host's time from the moment its worker was queued to its result. A task
played several times (a play with `serial`, a role included twice) is one entry with the times
added up. 'Module runs' count, per host, the results that were not skipped (each loop item on its
own), leaving out the actions that run on the controller only (set_fact, assert, debug, include_*,
...); a task delegated to another host is counted for the inventory host it ran for, and also
listed apart as delegated.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: lhbench_profile
type: aggregate
short_description: wall time of every task, per host, for the deploy benchmark
description:
  - Records the wall time of every task (per host and overall) and the playbook's start before its first task,
    and writes LHBENCH_PROFILE.json and LHBENCH_PROFILE.txt (bench/run.sh), or prints the LHBENCH_PROFILE_TOP
    slowest on [time] lines (the Molecule scenarios).
requirements:
  - enabled by ANSIBLE_CALLBACKS_ENABLED=lhbench_profile, LHBENCH_PROFILE set to the output path without extension
    or LHBENCH_PROFILE_TOP to a number of rows
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

# Actions that do their work in the controller's process: they run no module on the host.
CONTROLLER_ONLY = frozenset((
    "set_fact", "assert", "debug", "fail", "meta", "include_tasks", "include_role", "import_tasks",
    "import_role", "include_vars", "add_host", "group_by", "set_stats", "pause", "include", "import_playbook",
    "end_play", "end_host", "noop", "validate_argument_spec",
))
START_LABEL = "(playbook start: interpreter, inventory, parsing, until the first task)"


def _short_action(action):
    return (action or "").rsplit(".", 1)[-1]


def _process_start():
    """Epoch seconds at which this process started (Linux /proc), else None."""
    try:
        with open("/proc/self/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5), counted after the ')' of the command name
        with open("/proc/stat") as handle:
            btime = next(int(line.split()[1]) for line in handle if line.startswith("btime "))
        return btime + start_ticks / float(os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, StopIteration, IndexError):
        return None


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "lhbench_profile"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._out = os.environ.get("LHBENCH_PROFILE")
        try:
            self._top = int(os.environ.get("LHBENCH_PROFILE_TOP") or 0)
        except ValueError:
            self._top = 0
        self._t_process = _process_start()
        self._t_loaded = time.time()
        self._t_playbook = None
        self._playbook_file = None
        self._t_first_task = None
        self._play = None
        self._play_number = 0
        self._tasks = {}        # key -> entry
        self._order = []
        self._current = None    # (key, started)
        self._play_setup = {}   # play name -> seconds from play start to its first task

        self._play_started = None

    # --- the timeline -----------------------------------------------------------------------------
    def _close_current(self, now):
        if self._current is not None:
            key, started = self._current
            entry = self._tasks[key]
            entry["wall"] += now - started
            self._current = None
        if self._play_started is not None:
            self._play_setup[self._play] = self._play_setup.get(self._play, 0.0) + now - self._play_started
            self._play_started = None

    def v2_playbook_on_start(self, playbook):
        self._t_playbook = time.time()
        self._playbook_file = getattr(playbook, "_file_name", None)

    def v2_playbook_on_play_start(self, play):
        now = time.time()
        self._close_current(now)
        self._play = play.get_name().strip() or "(unnamed play)"
        self._play_number += 1
        self._play_started = now

    def _task_start(self, task):
        now = time.time()
        self._close_current(now)
        if self._t_first_task is None:
            self._t_first_task = now
        key = (self._play, task._uuid)
        if key not in self._tasks:
            path = task.get_path() or ""
            self._tasks[key] = {
                "play": self._play, "play_number": self._play_number, "task": task.get_name().strip(),
                "action": _short_action(task.action),
                "path": os.path.relpath(path.rsplit(":", 1)[0]) + ":" + path.rsplit(":", 1)[-1] if path else "",
                "delegated": bool(task.delegate_to), "wall": 0.0, "starts": 0, "hosts": {},
            }
            self._order.append(key)
        self._tasks[key]["starts"] += 1
        self._current = (key, now)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._task_start(task)

    # --- per host ---------------------------------------------------------------------------------
    def _host_entry(self, host_name, task):
        key = (self._play, task._uuid)
        entry = self._tasks.get(key)
        if entry is None:
            return None
        fresh = {"wall": 0.0, "started": None, "status": None, "items": 0, "items_skipped": 0, "module_runs": 0}
        return entry["hosts"].setdefault(host_name, fresh)

    def v2_runner_on_start(self, host, task):
        item = self._host_entry(host.get_name(), task)
        if item is not None:
            item["started"] = time.time()

    def _result(self, result, status):
        item = self._host_entry(result._host.get_name(), result._task)
        if item is None:
            return
        now = time.time()
        if item["started"] is not None:
            item["wall"] += now - item["started"]
            item["started"] = None
        item["status"] = status
        data = result._result if isinstance(result._result, dict) else {}
        loop_results = data.get("results") if isinstance(data.get("results"), list) else None
        if status == "skipped":
            return
        if _short_action(result._task.action) in CONTROLLER_ONLY:
            return
        if loop_results is not None and result._task.loop is not None:
            ran = [r for r in loop_results if not (isinstance(r, dict) and r.get("skipped"))]
            item["items"] += len(loop_results)
            item["items_skipped"] += len(loop_results) - len(ran)
            item["module_runs"] += len(ran)
        else:
            item["module_runs"] += 1

    def v2_runner_on_ok(self, result):
        self._result(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._result(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._result(result, "unreachable")

    # --- the summary ------------------------------------------------------------------------------
    def v2_playbook_on_stats(self, stats):
        now = time.time()
        self._close_current(now)
        if not self._out and not self._top:
            return
        origin = self._t_process or self._t_loaded
        first = self._t_first_task or now
        tasks = [self._tasks[key] for key in self._order]
        for entry in tasks:
            for item in entry["hosts"].values():
                item.pop("started", None)
        runs, delegated = {}, {}
        for entry in tasks:
            for host, item in entry["hosts"].items():
                runs[host] = runs.get(host, 0) + item["module_runs"]
                if entry["delegated"]:
                    delegated[host] = delegated.get(host, 0) + item["module_runs"]
        record = {
            "process_start": self._t_process, "callback_loaded": self._t_loaded, "playbook_start": self._t_playbook,
            "first_task": self._t_first_task, "end": now,
            "start_before_first_task": first - origin,
            "total_to_end": now - origin,
            "play_setup": self._play_setup,
            "tasks": tasks,
            "module_runs_per_host": runs,
            "delegated_module_runs_per_host": delegated,
        }
        if self._out:
            with open(self._out + ".json", "w") as handle:
                json.dump(record, handle, indent=1, sort_keys=True)
        ranked = [(entry["wall"], entry) for entry in tasks]
        ranked.append((first - origin, {"task": START_LABEL, "play": "", "action": "", "hosts": {}, "starts": 1,
                                        "path": ""}))
        ranked.sort(key=lambda pair: -pair[0])
        run_name = os.path.basename(self._out or self._playbook_file or "playbook")
        lines = ["# %s: %.1f s from process start to the end of the playbook; %.1f s before the first task"
                 % (run_name, now - origin, first - origin),
                 "## slowest (overall wall s, play / task [action], per host wall s)"]
        for wall, entry in ranked:
            per_host = " ".join("%s=%.1f%s" % (host, item["wall"], "" if item["status"] != "skipped" else "(skipped)")
                                for host, item in sorted(entry["hosts"].items()))
            name = entry["task"] if not entry["play"] else "%s / %s [%s]" % (entry["play"], entry["task"], entry["action"])
            times = "" if entry["starts"] == 1 else " (x%d)" % entry["starts"]
            lines.append(("%7.1f  %s%s  %s" % (wall, name, times, per_host)).rstrip())
        lines.append("## module runs per host (results not skipped, loop items counted, controller-only actions left out)")
        for host in sorted(runs):
            lines.append("%s %d%s" % (host, runs[host], " (%d delegated)" % delegated[host] if delegated.get(host) else ""))
        lines.append("## play setup (play start to its first task, s)")
        for play, secs in self._play_setup.items():
            lines.append("%7.2f  %s" % (secs, play))
        if self._top:
            # short rows for a console: the task and the number of its play, not the play's whole name
            self._display.display("[time] " + lines[0].lstrip("# "))
            for wall, entry in ranked[:self._top]:
                per_host = " ".join("%s=%.1f" % (host, item["wall"]) for host, item in sorted(entry["hosts"].items()))
                name = entry["task"] if not entry["play"] else "%s [%s] (play %d)" % (
                    entry["task"], entry["action"], entry["play_number"])
                times = "" if entry["starts"] == 1 else " (x%d)" % entry["starts"]
                self._display.display(("[time] %.1f  %s%s  %s" % (wall, name, times, per_host)).rstrip())
        if self._out:
            with open(self._out + ".txt", "w") as handle:
                handle.write("\n".join(lines) + "\n")
