# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: prometheus_rules
short_description: Prometheus rules files on the controller, read for the rules option of littlehorse.cluster.lh_prometheus
version_added: 0.1.0
description:
  - Reads each Prometheus rules file (YAML with C(groups)) on the controller and returns it as the
    O(littlehorse.cluster.lh_prometheus#module:rules) option takes it - C({name, groups}), C(name) the file's base name.
  - A relative path is looked for in the role's or playbook's C(files) folders (the monitoring role's
    C(littlehorse-alerts.yml)), as M(ansible.builtin.copy) does; C(~) is expanded.
  - The files are read as they are, never templated - the rules hold Prometheus's own templates
    (C({{ $labels.container }})).
options:
  _terms:
    description: The rules files.
    required: true
    type: list
    elements: path
'''

EXAMPLES = r'''
- name: Prometheus with the collection's alert rules and one file of your own
  littlehorse.cluster.lh_prometheus:
    name: lh-prometheus
    image: prom/prometheus:v2.53.3
    rules: "{{ query('littlehorse.cluster.prometheus_rules', 'littlehorse-alerts.yml', '/srv/prometheus/mine.yml') }}"
'''

RETURN = r'''
_raw:
  description: One item per file, C(name) (its base name) and C(groups) (its rule groups).
  type: list
  elements: dict
'''

import os

import yaml

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible.plugins.lookup import LookupBase

NAME = "littlehorse.cluster.prometheus_rules"


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if kwargs:
            raise AnsibleLookupError("%s takes no options, not %s" % (NAME, ", ".join(sorted(kwargs))))
        return [self._read(to_text(term), variables) for term in terms]

    def _read(self, term, variables):
        path = os.path.expanduser(term)
        if not os.path.isabs(path):
            found = self.find_file_in_search_path(variables, "files", path, ignore_missing=True)
            if not found:
                raise AnsibleLookupError("%s: %s is not in the files folders of the role or playbook" % (NAME, path))
            path = found
        try:
            with open(path, "rb") as handle:
                content = yaml.safe_load(handle)
        except (IOError, OSError) as error:
            raise AnsibleLookupError("%s: %s on the controller cannot be read: %s"
                                     % (NAME, path, to_native(error.strerror or error)))
        except yaml.YAMLError as error:
            raise AnsibleLookupError("%s: %s is not YAML: %s" % (NAME, path, to_native(error)))
        if not isinstance(content, Mapping) or not isinstance(content.get("groups"), list):
            raise AnsibleLookupError("%s: %s is no Prometheus rules file (it has no list of groups)" % (NAME, path))
        return {"name": os.path.basename(path), "groups": content["groups"]}
