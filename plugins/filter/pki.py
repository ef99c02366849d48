# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""user_ca_problems: the user's CA (littlehorse_ca_cert_file, littlehorse_ca_key_file) checked on the controller
before anything changes, with the same function littlehorse.cluster.lh_pki loads it with (module_utils/_pki.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki

NAMES = ("littlehorse_ca_cert_file", "littlehorse_ca_key_file")


def user_ca_problems(plan):
    """littlehorse_plan | littlehorse.cluster.user_ca_problems -> one message per problem of the user's CA, each
    naming the plan's first host (where the cluster-wide settings are read), the setting and the fix; [] when TLS
    is off or no CA is given."""
    if not isinstance(plan, Mapping) or "tls" not in plan or "cluster" not in plan:
        raise AnsibleFilterError("user_ca_problems: use it as littlehorse_plan | littlehorse.cluster.user_ca_problems")
    tls = plan["tls"]
    if not tls.get("enabled") or not tls.get("ca_cert_file") or not tls.get("ca_key_file"):
        return []
    host = plan["cluster"]["hosts"][0]
    if not _pki.HAS_CRYPTOGRAPHY:
        return ["host %s: %s, %s: checking your CA needs the Python package cryptography on the controller, for the "
                "Python that runs ansible-playbook (pip install cryptography)" % (host, NAMES[0], NAMES[1])]
    paths = [os.path.expanduser(os.path.expandvars(str(tls[name]))) for name in ("ca_cert_file", "ca_key_file")]
    problems = _pki.read_user_ca(paths[0], paths[1], names=NAMES)[2]
    return ["host %s: %s" % (host, problem) for problem in problems]


class FilterModule(object):
    def filters(self):
        return {"user_ca_problems": user_ca_problems}
