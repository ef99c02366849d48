# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each role's README cannot drift from the role: the variables its "Role variables" section shows (the ```yaml
blocks, one `name: value  # comment` a line) are the role's, with the values of defaults/main.yml, and every default
is shown; the argument spec's defaults are those of defaults/main.yml."""
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLES = sorted(name for name in os.listdir(os.path.join(ROOT, "roles"))
               if os.path.isfile(os.path.join(ROOT, "roles", name, "README.md")))
SECTION = re.compile(r"^## Role variables\n(.*?)(?=^## )", re.MULTILINE | re.DOTALL)
BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.MULTILINE | re.DOTALL)
LINE = re.compile(r"^([a-z][a-z0-9_]*):(.*)$")


def _load(role, *path):
    with open(os.path.join(ROOT, "roles", role, *path)) as handle:
        return yaml.safe_load(handle) or {}


def readme_variables(role):
    """[(name, the value as the README writes it, parsed)] of the Role variables section's yaml blocks."""
    with open(os.path.join(ROOT, "roles", role, "README.md")) as handle:
        section = SECTION.search(handle.read())
    assert section, "roles/%s/README.md has no '## Role variables' section" % role
    shown = []
    for block in BLOCK.findall(section.group(1)):
        for line in block.splitlines():
            match = LINE.match(line)
            assert match, "roles/%s/README.md: '%s' is not a `name: value  # comment` line" % (role, line)
            text = re.split(r"\s#\s", match.group(2), maxsplit=1)[0].strip()
            shown.append((match.group(1), yaml.safe_load(text) if text else None))
    return shown


def spec_options(role):
    """{name: option} over every entry point of the role's argument spec."""
    options = {}
    for entry in (_load(role, "meta", "argument_specs.yml").get("argument_specs") or {}).values():
        options.update(entry.get("options") or {})
    return options


def templated(value):
    return isinstance(value, str) and "{{" in value


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_the_readme_shows_is_the_roles_with_its_default(role):
    defaults, options = _load(role, "defaults", "main.yml"), spec_options(role)
    problems = []
    for name, value in readme_variables(role):
        if name not in defaults and name not in options:
            problems.append("shows %s, which is neither in defaults/main.yml nor in the argument spec" % name)
        elif name not in defaults and value is not None:
            problems.append("shows %s: %r, but the role sets no default for it (the plan or the code does): show it "
                            "unset and give its default in the comment" % (name, value))
        elif name in defaults and not templated(defaults[name]) and value != defaults[name]:
            problems.append("shows %s: %r, defaults/main.yml has %r" % (name, value, defaults[name]))
    assert not problems, "roles/%s/README.md:\n%s" % (role, "\n".join(problems))


@pytest.mark.parametrize("role", ROLES)
def test_every_default_of_the_role_is_in_its_readme(role):
    shown = set(name for name, _value in readme_variables(role))
    missing = sorted(set(_load(role, "defaults", "main.yml")) - shown)
    assert not missing, "roles/%s/README.md does not show %s (defaults/main.yml)" % (role, ", ".join(missing))


@pytest.mark.parametrize("role", ROLES)
def test_the_argument_specs_defaults_are_those_of_defaults_main(role):
    defaults, problems = _load(role, "defaults", "main.yml"), []
    for name, option in sorted(spec_options(role).items()):
        if name not in defaults or templated(defaults[name]):
            continue
        if "default" in option and option["default"] != defaults[name]:
            problems.append("the argument spec's default of %s is %r, defaults/main.yml has %r"
                            % (name, option["default"], defaults[name]))
        if "default" not in option and defaults[name] not in (None, "", [], {}):
            problems.append("%s has the default %r in defaults/main.yml but none in the argument spec"
                            % (name, defaults[name]))
    assert not problems, "roles/%s:\n%s" % (role, "\n".join(problems))
