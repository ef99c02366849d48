# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A secret's two forms, chosen in one place: the file on the controller that the plan names (littlehorse_*_file), else
the Ansible Vault variable (littlehorse_*). The lookups littlehorse.cluster.secret and
littlehorse.cluster.user_file_problems both read a secret through these functions, so that the preflight checks the
very value the roles hand to the modules."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.module_utils.common.text.converters import to_text


def read_secret_file(path):
    """The secret in its file on the controller, as ansible.builtin.file reads it: ~ expanded, trailing white space
    (the newline) dropped. Raises IOError or OSError when the file cannot be read."""
    with open(os.path.expanduser(to_text(path)), "rb") as handle:
        return to_text(handle.read(), errors="surrogate_or_strict").rstrip()


def resolve_secret(path, inline):
    """The secret of its file when the plan names one (`path`), else the inline value (the Vault variable's)."""
    return read_secret_file(path) if path else inline


def inline_secret(variables, name, template):
    """The value of the Vault variable `name` in a task's variables, through `template` (a variable may be a template
    of another, a Vault value is decrypted there); None when the inventory does not set it."""
    if not variables or name not in variables:
        return None
    return template(variables[name])
