# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the multi-host scenario's inventory: a copy of inventories/multi-host.example with the
simulated hosts' addresses put in, as a user copies the example and puts theirs in (plus each
host's engine socket as seen from the machine, lhsim_docker_host, for the drills).

    python make_inventory.py EXAMPLE_HOSTS_YML LHSIM_INVENTORY_YML OUT_YML [GROUP_LEFT_OUT ...]

The example's hosts (lh1, lh2, lh3, in the order they first appear) get the addresses of
lhsim1, lhsim2, lhsim3; the harness's SSH settings (key, user, python) go into the copy's
`all.vars`. Nothing else of the example changes, but the groups named after OUT_YML are left out
(the benchmarks leave out the dashboard and the load balancer).
"""
import sys

import yaml


def example_hosts(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "hosts" and isinstance(value, dict):
                for name in value:
                    if name not in found:
                        found.append(name)
            else:
                example_hosts(value, found)
    return found


def put_addresses(node, addresses):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "hosts" and isinstance(value, dict):
                for name, host_vars in value.items():
                    if isinstance(host_vars, dict) and "ansible_host" in host_vars:
                        host_vars["ansible_host"] = addresses[name][0]
                        host_vars["lhsim_docker_host"] = addresses[name][1]
            else:
                put_addresses(value, addresses)


def main(example_path, lhsim_path, out_path, *left_out):
    with open(example_path) as handle:
        example = yaml.safe_load(handle)
    with open(lhsim_path) as handle:
        lhsim = yaml.safe_load(handle)["lhsim"]
    names = example_hosts(example, [])
    sims = sorted(lhsim["hosts"], key=lambda name: int(name[len("lhsim"):]))
    if len(sims) < len(names):
        raise SystemExit("need %d simulated hosts, have %d (tests/hosts/up.sh %d)" % (len(names), len(sims), len(names)))
    addresses = dict((name, (lhsim["hosts"][sim]["ansible_host"], lhsim["hosts"][sim]["lhsim_docker_host"]))
                     for name, sim in zip(names, sims))
    put_addresses(example, addresses)
    example["all"].setdefault("vars", {}).update(lhsim["vars"])
    for group in left_out:
        example["all"]["children"].pop(group, None)
    with open(out_path, "w") as handle:
        handle.write("# %s with the simulated hosts' addresses%s (molecule/multi-host/make_inventory.py)\n"
                     % (example_path, ", without %s" % ", ".join(left_out) if left_out else ""))
        yaml.safe_dump(example, handle, default_flow_style=False, sort_keys=False)
    for name in names:
        print("%s -> %s (engine %s)" % (name, addresses[name][0], addresses[name][1]))


if __name__ == "__main__":
    main(*sys.argv[1:])
