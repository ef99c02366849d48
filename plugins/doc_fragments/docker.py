# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # littlehorse.cluster.docker: the Docker engine a module talks to.
    DOCUMENTATION = r'''
options:
  docker_host:
    description: The engine's address; defaults to the E(DOCKER_HOST) environment variable, else C(unix:///var/run/docker.sock).
    type: str
'''

    # littlehorse.cluster.docker.sdk: the same option, and the Docker SDK (no docker CLI) the modules that read
    # the engine through the SDK need.
    SDK = r'''
options:
  docker_host:
    description: The engine's address; defaults to the E(DOCKER_HOST) environment variable, else C(unix:///var/run/docker.sock).
    type: str
requirements:
  - Docker SDK for Python >= 7.1 on the managed host (C(pip install 'docker>=7.1')); no docker CLI.
'''
