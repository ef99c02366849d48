# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SASL login to Kafka as a JAAS line (sasl.jaas.config), built and checked in one place: the Kafka nodes
(lh_kafka_node), the servers (lh_server) and the plan's check of the inventory's SASL settings all use it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
LOGIN_MODULES = {
    "PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
    "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
    "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
}
# Characters a value cannot hold inside the double quotes of a JAAS line (it has no escape that Kafka's parser
# and a properties file both keep).
JAAS_UNSAFE = re.compile(r'["\\\n\r;]')
UNSAFE_CHARACTERS = "\", \\, ';' or a line break"


def check_jaas_value(option, value, fix="choose one without them"):
    """Refuse a user name or password that would break the JAAS line; the message names `option` and never shows
    the value."""
    if value and JAAS_UNSAFE.search(value):
        raise LHClusterError("%s: holds a character a JAAS configuration cannot quote (%s); %s"
                             % (option, UNSAFE_CHARACTERS, fix))


def jaas_config(mechanism, username, password, users=(), names=("sasl_username", "sasl_password")):
    """The JAAS line that logs in as username with password over `mechanism`; `users`: (name, password) pairs a
    PLAIN broker checks logins against. `names`: the options the values came from, as refusals name them."""
    if mechanism not in LOGIN_MODULES:
        raise LHClusterError("sasl mechanism '%s' is not one of %s" % (mechanism, ", ".join(SASL_MECHANISMS)))
    check_jaas_value(names[0], username)
    check_jaas_value(names[1], password)
    fields = ['username="%s"' % username, 'password="%s"' % password]
    fields.extend('user_%s="%s"' % (name, secret) for name, secret in users)
    return "%s required %s;" % (LOGIN_MODULES[mechanism], " ".join(fields))
