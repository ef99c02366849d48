# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: host_files
short_description: Files on the controller, read for the O(littlehorse.cluster.lh_server#module:files) option of a container module
version_added: 0.2.0
description:
  - Reads each file on the controller (C(~) expanded; a relative C(src) is looked for in the role's or
    playbook's C(files) folders, as M(ansible.builtin.copy) does) and returns it base64-encoded with its place on the
    host, the form the container modules' O(littlehorse.cluster.lh_server#module:files) option takes. A container
    module then writes a host's certificates, keys, stores and agents in the same run as its containers, instead of
    one M(ansible.builtin.copy) round trip per file.
  - Binary files (PKCS12 stores, jars) are read as they are. The modules hide the content in their logs.
options:
  _terms:
    description:
      - The files, each a dictionary with C(src) (the file on the controller), C(path) (its absolute place on the
        host) and optionally C(mode) (default V(0644)), C(folder_mode) (default V(0700)) and C(owner) (a uid).
    required: true
    type: list
    elements: dict
'''

EXAMPLES = r'''
- name: The servers of this host, with their certificates written in the same run
  littlehorse.cluster.lh_server:
    instances: "{{ servers }}"
    image: ghcr.io/littlehorse-enterprises/littlehorse/lh-server:0.14.1
    files: "{{ query('littlehorse.cluster.host_files', server_files) }}"
  vars:
    server_files:
      - {src: /etc/lh-pki/ca.crt, path: /etc/littlehorse/certs/ca.crt}
      - {src: /etc/lh-pki/lh-server-1.key, path: /etc/littlehorse/certs/lh-server-1/tls.key, mode: "0600"}
'''

RETURN = r'''
_raw:
  description: One item per file, C(path), C(content_base64), C(mode), C(folder_mode) and C(owner) when given.
  type: list
  elements: dict
'''

import base64
import os

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.module_utils.six import string_types
from ansible.plugins.lookup import LookupBase

KEYS = ("src", "path", "mode", "folder_mode", "owner")


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if kwargs:
            raise AnsibleLookupError("littlehorse.cluster.host_files takes no options, not %s" % ", ".join(sorted(kwargs)))
        items = []
        for term in terms:
            items.extend(term if isinstance(term, list) else [term])
        return [self._read(index, item, variables) for index, item in enumerate(items)]

    def _read(self, index, item, variables):
        if not isinstance(item, dict) or not item.get("src") or not item.get("path"):
            raise AnsibleLookupError("littlehorse.cluster.host_files: item %d must be a dictionary with src and path, "
                                     "not %r" % (index, item))
        unknown = sorted(set(item) - set(KEYS))
        if unknown:
            raise AnsibleLookupError("littlehorse.cluster.host_files: item %d (%s) has unknown keys %s; it takes %s"
                                     % (index, item["path"], ", ".join(unknown), ", ".join(KEYS)))
        source = os.path.expanduser(to_text(item["src"]))
        if not os.path.isabs(source):
            found = self.find_file_in_search_path(variables, "files", source, ignore_missing=True)
            if not found:
                raise AnsibleLookupError("littlehorse.cluster.host_files: %s (for %s on the host) is not in the "
                                         "files folders of the role or playbook" % (source, item["path"]))
            source = found
        try:
            with open(source, "rb") as handle:
                content = handle.read()
        except (IOError, OSError) as error:
            raise AnsibleLookupError("littlehorse.cluster.host_files: %s on the controller (for %s on the host) "
                                     "cannot be read: %s" % (source, item["path"], to_native(error.strerror or error)))
        entry = {"path": item["path"], "content_base64": to_text(base64.b64encode(content)),
                 "mode": self._mode(item.get("mode", "0644")), "folder_mode": self._mode(item.get("folder_mode", "0700"))}
        if item.get("owner") is not None:
            entry["owner"] = int(item["owner"])
        return entry

    @staticmethod
    def _mode(mode):
        # YAML reads 0644 unquoted as the integer 420; the module takes the octal text.
        return mode if isinstance(mode, string_types) else "%04o" % mode
