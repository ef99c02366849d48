# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan's written schema (the RETURN of plugins/filter/cluster_plan.yml) is the plan's shape: every path of
`littlehorse_plan` that the YAML of the roles, playbooks, Molecule scenarios and tests reads is in it, and every key
of every inventory's plan (the golden plans, tests/unit/plan_golden) is documented there.

The YAML is read as text: `littlehorse_plan` followed by `.key`, `['key']`, `[0]` or `[expression]` (a key of a
dict keyed by host or listener name, written <host> or <listener> in the schema), then the filters that look into the
items of a list - selectattr/rejectattr('key', ...), map(attribute='key') - where they follow directly. A dict the
schema documents without `contains` (the modules' options) holds any key.
"""
import glob
import json
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
SCHEMA_FILE = os.path.join(ROOT, "plugins", "filter", "cluster_plan.yml")
GOLDEN = os.path.join(ROOT, "tests", "unit", "plan_golden")
READERS = ("roles/**/*.yml", "roles/**/*.j2", "playbooks/**/*.yml", "site.yml", "molecule/**/*.yml",
           "tests/**/*.yml")
LEFT_OUT = ("tests/output/",)

START = re.compile(r"(?<!\w)littlehorse_plan\b")
STEP = re.compile(r"""\s*(?:\.(?P<attr>[A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()|\[\s*(?P<quoted>'[^']*'|"[^"]*")\s*\]"""
                  r"""|\[\s*(?P<index>-?[0-9]+)\s*\]|\[(?P<expr>[^\]\[]+)\])""")
ITEM_FILTER = re.compile(r"""\s*\|\s*(?:(?P<test>selectattr|rejectattr)\(\s*['"](?P<tested>[\w.]+)['"][^)]*\)"""
                         r"""|map\(\s*attribute\s*=\s*['"](?P<mapped>[\w.]+)['"]\s*\)"""
                         r"""|(?P<passthrough>first|last|list|unique|sort(?:\([^)]*\))?)\b)""")


def schema():
    with open(SCHEMA_FILE) as handle:
        return yaml.safe_load(handle)["RETURN"]["_value"]


def _placeholder(contains):
    names = [key for key in contains if key.startswith("<") and key.endswith(">")]
    return names[0] if names else None


def lookup(node, steps):
    """The schema's node at steps (each ("key", name), ("index", None), ("name", None)); None when it has none.
    A dict without `contains` holds anything."""
    for kind, name in steps:
        if node.get("type") == "list":
            if kind != "index":
                return None
            node = {"type": node.get("elements"), "contains": node.get("contains")}
            continue
        if node.get("type") != "dict":
            return None
        contains = node.get("contains")
        if contains is None:
            return {"type": "raw"}
        if kind == "key" and name in contains:
            node = contains[name]
        elif kind in ("key", "name") and _placeholder(contains):
            node = contains[_placeholder(contains)]
        else:
            return None
    return node


def reads(text):
    """Every path of littlehorse_plan the text reads: [steps]."""
    found = []
    for start in START.finditer(text):
        at, steps = start.end(), []
        while True:
            step = STEP.match(text, at)
            if not step:
                break
            at = step.end()
            if step.group("attr"):
                steps.append(("key", step.group("attr")))
            elif step.group("quoted"):
                steps.append(("key", step.group("quoted")[1:-1]))
            elif step.group("index"):
                steps.append(("index", None))
            else:
                steps.append(("name", None))
        found.append(list(steps))
        while True:
            item = ITEM_FILTER.match(text, at)
            if not item:
                break
            at = item.end()
            if item.group("passthrough"):
                continue
            attribute = item.group("tested") or item.group("mapped")
            found.append(steps + [("index", None)] + [("key", part) for part in attribute.split(".")])
            if item.group("mapped"):
                break  # what follows looks at the mapped values
    return [path for path in found if path]


def written(steps):
    return "littlehorse_plan" + "".join(
        "." + name if kind == "key" else "[%s]" % ("0" if kind == "index" else "<name>") for kind, name in steps)


def reader_files():
    files = set()
    for pattern in READERS:
        files.update(glob.glob(os.path.join(ROOT, pattern), recursive=True))
    return sorted(f for f in files if not any(os.path.relpath(f, ROOT).startswith(left) for left in LEFT_OUT))


def test_the_reader_finds_dotted_bracketed_and_item_paths():
    text = ("{{ littlehorse_plan.servers | selectattr('host', 'eq', inventory_hostname) | map(attribute='options') }}"
            " {{ littlehorse_plan.probes[inventory_hostname] }} {{ littlehorse_plan['kafka'].nodes[0].container }}"
            " {{ littlehorse_plan.kafka.bootstrap.split(',') }} {{ hostvars[h].littlehorse_plan.clients.listeners.TLS.port }}")
    assert [written(path) for path in reads(text)] == [
        "littlehorse_plan.servers", "littlehorse_plan.servers[0].host", "littlehorse_plan.servers[0].options",
        "littlehorse_plan.probes[<name>]", "littlehorse_plan.kafka.nodes[0].container", "littlehorse_plan.kafka.bootstrap",
        "littlehorse_plan.clients.listeners.TLS.port"]
    assert lookup(schema(), reads("littlehorse_plan.servers[0].no_such_key")[0]) is None


def test_every_path_of_the_plan_the_yaml_reads_is_in_the_schema():
    documented, missing, count = schema(), [], 0
    for path in reader_files():
        with open(path) as handle:
            text = handle.read()
        for steps in reads(text):
            count += 1
            if lookup(documented, steps) is None:
                missing.append("%s: %s" % (os.path.relpath(path, ROOT), written(steps)))
    assert count > 100, "the reader found only %d reads of littlehorse_plan: is it still reading the YAML?" % count
    assert not missing, ("these paths of the plan are read but not in the RETURN of %s: document them (or fix the "
                         "read)\n%s" % (SCHEMA_FILE, "\n".join(sorted(set(missing)))))


def _undocumented(value, node, path, found):
    if node is None:
        found.append(path)
        return
    if isinstance(value, dict) and node.get("type") == "dict" and node.get("contains") is not None:
        contains = node["contains"]
        for key, child in value.items():
            _undocumented(child, contains.get(key, contains.get(_placeholder(contains) or "", None)),
                          "%s.%s" % (path, key), found)
    elif isinstance(value, list) and node.get("type") == "list":
        for item in value:
            _undocumented(item, {"type": node.get("elements"), "contains": node.get("contains")}, path + "[]", found)


@pytest.mark.parametrize("name", sorted(f[:-len(".json")] for f in os.listdir(GOLDEN) if f.endswith(".json")))
def test_every_key_of_every_inventorys_plan_is_documented(name):
    with open(os.path.join(GOLDEN, name + ".json")) as handle:
        plan = json.load(handle)
    found = []
    _undocumented(plan, schema(), "littlehorse_plan", found)
    assert not found, "%s: not in the RETURN of %s:\n%s" % (name, SCHEMA_FILE, "\n".join(sorted(set(found))))
