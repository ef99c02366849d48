# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan-level checks of site.yml, run in this process: no ansible-playbook, no host, no Docker engine.

site.yml's checks (playbooks/check.yml) begin with what needs no host: its second play computes the plan
(playbooks/tasks/plan.yml: `groups | littlehorse.cluster.cluster_plan(hostvars)`, once), then include_role's each
role's `preflight` entry point (and the preflight role's `main`) on the hosts its `when` selects, and Ansible
validates every such include against the entry point's argument spec (meta/argument_specs.yml) before the role's
first task. refusals() does the same, with Ansible's own code at each step:

- the inventory is read by Ansible's InventoryManager, its variables by a VariableManager, and the filter gets the
  same `groups` and `hostvars` (ansible.vars.hostvars.HostVars: each value templated when read) as the play;
- the expression of plan.yml is templated by Ansible's Templar, so the real filter runs through the real Jinja call,
  found through the collection loader as littlehorse.cluster.cluster_plan;
- the include_role tasks, their order and their `when` come from check.yml itself; each `when` is evaluated by the
  Templar with the host's variables;
- each argument spec is read from the role's meta/argument_specs.yml and validated as the validate_argument_spec
  action does it: the spec's option names taken from the host's variables (the role's defaults, the inventory's
  variables, the plan fact, the role's vars, in Ansible's order of precedence), templated, then
  ArgumentSpecValidator(spec).validate(..., validate_role_argument_spec=True), whose error_messages are the
  action's argument_errors.

What it leaves out, and so what the end-to-end tier keeps: check.yml's first play (an assert on the controller),
the Jinja asserts and set_facts inside the roles' entry points, and everything the preflight role does on a host.
The plays run with any_errors_fatal, so the first task that fails on any host stops the run: refusals() stops at
the first step that refuses, with every message of that step (each host of a failing include).
"""
import copy
import os

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultSecret, VaultSecretsContext
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar
from ansible.utils.vars import combine_vars
from ansible.vars.hostvars import HostVars
from ansible.vars.manager import VariableManager

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, "build", "collections")
PLAYBOOKS = os.path.join(ROOT, "playbooks")
CHECK = os.path.join(PLAYBOOKS, "check.yml")
PLAN_TASKS = os.path.join(PLAYBOOKS, "tasks", "plan.yml")
ROLES = os.path.join(ROOT, "roles")
COLLECTION = "littlehorse.cluster."
CHECK_PLAY = "Plan the cluster and check every host before anything changes"

_LOADER_READY = []


def _init():
    """The collection loader, once per process, over build/collections (where `make collection` links the checkout),
    as ansible-playbook sets it up from ansible.cfg's collections_path."""
    if not _LOADER_READY:
        if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "littlehorse", "cluster")):
            raise RuntimeError("%s has no littlehorse.cluster: run 'make collection'" % COLLECTIONS)
        init_plugin_loader([COLLECTIONS])
        _LOADER_READY.append(True)


class Refusal(object):
    """What refused an inventory in-process: `step` (the plan filter, or the argument spec of role:entry point),
    `messages` (the filter's error, or every argument error of that step), `error` (the filter's exception)."""

    def __init__(self, step, messages, error=None):
        self.step, self.messages, self.error = step, list(messages), error

    def __repr__(self):
        return "Refusal(%r, %r)" % (self.step, self.messages)


class Passed(object):
    """No in-process step refused: the plan (the fact site.yml would set) and the steps that ran."""

    def __init__(self, plan, steps):
        self.plan, self.steps, self.messages = plan, list(steps), []

    def __repr__(self):
        return "Passed(steps=%r)" % (self.steps,)


_FILES = {}


def _load_yaml(loader, path):
    """A playbook's or role's file, trusted as templates as Ansible loads them; read once per process (a deep copy
    each time, so that no run sees another's changes)."""
    if path not in _FILES:
        _FILES[path] = loader.load_from_file(path, trusted_as_template=True)
    return copy.deepcopy(_FILES[path])


def plan_expression(loader):
    """The expression of plan.yml's set_fact of littlehorse_plan."""
    for task in _load_yaml(loader, PLAN_TASKS):
        fact = task.get("ansible.builtin.set_fact") or {}
        if "littlehorse_plan" in fact:
            return fact["littlehorse_plan"]
    raise AssertionError("%s sets no littlehorse_plan" % PLAN_TASKS)


def check_play(loader):
    """check.yml's play that plans and checks every host: (host pattern, [include_role tasks])."""
    for play in _load_yaml(loader, CHECK):
        if play.get("name") == CHECK_PLAY:
            includes = [task for task in play.get("tasks") or [] if "ansible.builtin.include_role" in task]
            return play["hosts"], includes
    raise AssertionError("%s has no play %r" % (CHECK, CHECK_PLAY))


def _plan_error(error):
    """The filter's own exception (a PlanError) in the chain of the template error, else None."""
    seen = error
    while seen is not None:
        if type(seen).__name__ == "PlanError":
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _role_file(role, folder, name="main"):
    for ext in C.YAML_FILENAME_EXTENSIONS:
        path = os.path.join(ROLES, role, folder, name + ext)
        if os.path.exists(path):
            return path
    return None


def role_vars(loader, role, folder):
    path = _role_file(role, folder)
    return dict(_load_yaml(loader, path) or {}) if path else {}


def entry_point_spec(loader, role, entry_point):
    """The options of the role's argument spec for the entry point (None: no spec, nothing validated)."""
    assert os.path.isdir(os.path.join(ROLES, role)), "check.yml includes the role %s, which is not in %s" % (role, ROLES)
    path = _role_file(role, "meta", "argument_specs")
    specs = (_load_yaml(loader, path) or {}).get("argument_specs") or {} if path else {}
    spec = specs.get(entry_point)
    return None if not spec else spec.get("options") or {}


def refusals(inventory_path, extra_vars=None, vault_password_file=None):
    """Run check.yml's plan-level steps on the inventory in-process: a Refusal, or Passed. inventory_path: one
    source, or a list of them in the order of ansible-playbook's -i options; extra_vars: a list of what -e gives, in
    its order (a YAML file's path, as -e @file, or a dict);
    vault_password_file: the file of the Vault password the inventory's Vault variables open with."""
    _init()
    loader = DataLoader()
    loader.set_basedir(PLAYBOOKS)
    if vault_password_file:
        with open(vault_password_file, "rb") as handle:
            secrets = [("default", VaultSecret(handle.read().strip()))]
        loader.set_vault_secrets(secrets)
        if VaultSecretsContext.current(optional=True) is None:  # once per process, as ansible-playbook does
            VaultSecretsContext.initialize(VaultSecretsContext(secrets))
    sources = list(inventory_path) if isinstance(inventory_path, (list, tuple)) else [inventory_path]
    inventory = InventoryManager(loader=loader, sources=sources)
    variables = VariableManager(loader=loader, inventory=inventory)
    for given in extra_vars or []:
        given = loader.load_from_file(given, trusted_as_template=True) if isinstance(given, str) else given
        variables._extra_vars = combine_vars(variables._extra_vars, given)  # what -e sets (no public setter)
    hostvars = HostVars(inventory=inventory, variable_manager=variables, loader=loader)
    pattern, includes = check_play(loader)
    hosts = [host.name for host in inventory.get_hosts(pattern)]
    if not hosts:
        return Passed(None, ["no host in %s: the play is skipped" % pattern])

    def host_vars(host):
        # the variables of a task on `host`: inventory and magic variables (hostvars, groups, inventory_hostname ...)
        return variables.get_vars(host=inventory.get_host(host), include_hostvars=False)

    # ---- the plan, once (run_once on the play's first host), as plan.yml computes it
    first = dict(host_vars(hosts[0]), hostvars=hostvars)
    try:
        plan = Templar(loader=loader, variables=first).template(plan_expression(loader))
    except AnsibleError as error:
        cause = _plan_error(error)
        if cause is None:
            raise
        return Refusal("plan filter", [str(cause)], cause)
    steps = ["plan filter"]

    # ---- every include_role of the play, in its order, on the hosts its `when` selects
    for task in includes:
        include = task["ansible.builtin.include_role"]
        # what this emulation does not model must not be there: role params (validate_argument_spec's
        # provided_arguments), task vars, other options of include_role
        unmodelled = (set(include) - set(("name", "tasks_from"))) | (set(task) & set(("vars", "args", "apply")))
        assert not unmodelled, "check.yml's %r has %s, which inprocess.py does not model" % (
            task.get("name"), sorted(unmodelled))
        role = include["name"][len(COLLECTION):] if include["name"].startswith(COLLECTION) else include["name"]
        entry_point = include.get("tasks_from", "main")
        spec = entry_point_spec(loader, role, entry_point)
        if spec is None:
            continue
        step = "argument spec %s:%s" % (role, entry_point)
        defaults, own_vars = role_vars(loader, role, "defaults"), role_vars(loader, role, "vars")
        errors, validated = [], []
        for host in hosts:
            task_vars = combine_vars(combine_vars(combine_vars(defaults, host_vars(host)), {"littlehorse_plan": plan}),
                                     own_vars)
            templar = Templar(loader=loader, variables=dict(task_vars, hostvars=hostvars))
            when = task.get("when")
            if when is not None and not all(templar.evaluate_conditional(w) for w in
                                            (when if isinstance(when, list) else [when])):
                continue
            # validate_argument_spec's get_args_from_task_vars, then its validation
            args = templar.template(dict((name, task_vars[name]) for name in spec if name in task_vars))
            result = ArgumentSpecValidator(spec).validate(args, validate_role_argument_spec=True)  # no role params
            errors.extend(result.error_messages)
            validated.append(host)
        if errors:
            return Refusal(step, errors)
        if validated:
            steps.append("%s (%s)" % (step, ", ".join(validated)))
    return Passed(plan, steps)
