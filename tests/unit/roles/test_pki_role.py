# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pki role's settings: each component's validity defaults to 365 days (30 before expiry), or, for an inventory
that still sets the deprecated server_tls_validity_days / server_tls_renew_before_days, to those - as they governed
every certificate before the role - while a pki_* setting the inventory gives wins. Rendered by Ansible's own Templar
from defaults/main.yml and vars/main.yml, as a play would."""
import os

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COMPONENTS = ("server", "kafka", "dashboard", "client")


def trusted(value):
    """The role's files are templates Ansible trusts (as when it loads a role)."""
    if isinstance(value, dict):
        return dict((k, trusted(v)) for k, v in value.items())
    return trust_as_template(value) if isinstance(value, str) else value


def rendered(inventory):
    loader, variables = DataLoader(), {}
    for path in ("defaults", "vars"):
        variables.update(trusted(loader.load_from_file(os.path.join(ROOT, "roles", "pki", path, "main.yml"))))
    variables.update(inventory)  # the inventory's variables win over the role's defaults (not over vars/main.yml)
    templar = Templar(loader=loader, variables=variables)
    validity = templar.template(variables["pki_validity"])
    return dict((c, (int(v["validity_days"]), int(v["renew_before_days"]))) for c, v in validity.items())


def test_each_component_defaults_to_365_and_30_days_and_the_ca_to_ten_years():
    assert rendered({}) == dict([(c, (365, 30)) for c in COMPONENTS] + [("ca", (3650, 30))])


def test_the_deprecated_server_settings_still_govern_every_certificate_as_before():
    assert rendered({"server_tls_validity_days": 90, "server_tls_renew_before_days": 10}) == dict(
        [(c, (90, 10)) for c in COMPONENTS] + [("ca", (3650, 10))])


@pytest.mark.parametrize("component", COMPONENTS)
def test_a_components_own_setting_wins_over_the_deprecated_one(component):
    validity = rendered({"server_tls_validity_days": 90, "pki_%s_validity_days" % component: 30,
                         "pki_%s_renew_before_days" % component: 5})
    assert validity[component] == (30, 5)
    assert all(validity[c] == (90, 30) for c in COMPONENTS if c != component)
