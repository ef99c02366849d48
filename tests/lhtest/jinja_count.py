# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How much Jinja the roles hold: `python tests/lhtest/jinja_count.py [FOLDER]` (roles/ by default).

A Jinja line is a line of a role's YAML or template that holds `{{` or `{%`, or a bare conditional (the value of
when, changed_when, failed_when, until, that, or an item of their lists). A chain is one use of the filters that
build data in Jinja: selectattr, rejectattr, zip, combine, map(...). Both are printed per role and in all, so that a
change that moves logic into the plan or a filter can show the count before and after.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONDITIONAL = re.compile(r"^\s*(?:-\s+)?(?:when|changed_when|failed_when|until|that):\s*(?P<value>.*)$")
LIST_ITEM = re.compile(r"^(?P<indent>\s*)-\s+\S")
CHAIN = re.compile(r"\b(?:selectattr|rejectattr|zip|combine)\b|\bmap\(")


def count_file(path):
    lines = chains = 0
    conditional_indent = None
    with open(path) as handle:
        for line in handle:
            text = line.rstrip("\n")
            found = "{{" in text or "{%" in text
            match = CONDITIONAL.match(text)
            if match:
                found = found or bool(match.group("value").strip())
                conditional_indent = None if match.group("value").strip() else len(text) - len(text.lstrip())
            elif conditional_indent is not None:
                item = LIST_ITEM.match(text)
                if item and len(item.group("indent")) >= conditional_indent:
                    found = True
                elif text.strip() and len(text) - len(text.lstrip()) <= conditional_indent:
                    conditional_indent = None
            if found:
                lines += 1
            chains += len(CHAIN.findall(text))
    return lines, chains


def count(folder):
    """{role: (jinja lines, chains)} over the role's .yml, .yaml and .j2 files, but those of its files/ folder: Ansible
    copies or reads them as they are (the monitoring role's alert rules hold Prometheus's own {{ $labels }} templates)."""
    found = {}
    for dirpath, _dirs, files in os.walk(folder):
        parts = os.path.relpath(dirpath, folder).split(os.sep)
        if len(parts) > 1 and parts[1] == "files":
            continue
        for name in files:
            if name.endswith((".yml", ".yaml", ".j2")):
                role = parts[0]
                lines, chains = count_file(os.path.join(dirpath, name))
                before = found.get(role, (0, 0))
                found[role] = (before[0] + lines, before[1] + chains)
    return found


def main(folder):
    found = count(folder)
    for role in sorted(found):
        print("%-16s %4d Jinja lines %3d chains" % (role, found[role][0], found[role][1]))
    print("%-16s %4d Jinja lines %3d chains" % ("all", sum(v[0] for v in found.values()),
                                                sum(v[1] for v in found.values())))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "roles"))
