#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_image_archive
short_description: Load the images a host misses from C(docker save) archives, for hosts that reach no registry
version_added: 0.1.0
description:
  - For hosts where no container registry can be reached. An archive is what C(docker save) writes (a tar, optionally
    gzip, bzip2 or xz compressed). Which images an archive holds is read from the archive itself (its C(manifest.json),
    C(index.json) or C(repositories)), without Docker.
  - With O(load=true) (the default), the images of O(images) that the Docker engine misses are loaded from the
    archives that hold them, through the Docker SDK for Python (C(client.images.load)), and each is then looked for
    again. When every image is there, nothing is read or loaded and nothing changes.
  - With O(load=false), only says which archive of O(archives) holds each image of O(images), on the machine the
    module runs on; no Docker engine or SDK is needed. The preflight role runs it so on the controller, before any host
    changes.
  - Fails naming the host, the setting (O(setting)) and the fix, with every problem at once, when an archive does
    not exist or is not a C(docker save) archive, two archives have the same file name, a required image is in no
    archive, or an image is still missing after its archive was loaded. The problems are also returned as data
    (RV(problems)).
  - The preflight role runs it on each host after its look at the host (M(littlehorse.cluster.lh_host_info)), for the
    images the host misses, once it copied the archives that hold them to the host.
author: littlehorse.cluster contributors (!UNKNOWN)
attributes:
  check_mode:
    details: In check mode nothing is loaded; the images that would be loaded are reported with C(would_load), and the
      archives that hold them are not read where the images come with their O(images[].archive).
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
  - littlehorse.cluster.docker
  - littlehorse.cluster.host
requirements:
  - Docker SDK for Python >= 7.1 on the managed host (C(pip install 'docker>=7.1')) with O(load=true); no docker CLI.
options:
  images:
    description: The images the host needs.
    type: list
    elements: dict
    required: true
    suboptions:
      image:
        description: The image, by name and tag as C(docker save) recorded it (C(docker.io/library/) may be left out).
        type: str
        required: true
      variable:
        description: The variable the user sets the image with, named in messages.
        type: str
        default: image
      required:
        description: An image that no archive holds is a problem. When false it is only reported.
        type: bool
        default: true
      archive:
        description:
          - The archive that holds the image, as RV(sources) of a run with O(load=false) returned it. When it is not
            given, the archives of O(archives) are read to find the image.
          - With O(archive_dir), read from that directory under its file name.
        type: str
  archives:
    description:
      - Paths of C(docker save) archives on the machine the module runs on, looked through in this order for each
        image of O(images) that comes without its O(images[].archive). Every one must exist.
    type: list
    elements: path
    default: []
  archive_dir:
    description:
      - The directory the archives were copied to, on the machine the module runs on. Each archive of O(archives) and
        O(images[].archive) is then read from this directory, under its file name.
    type: path
  load:
    description:
      - V(true) loads the missing images. V(false) only finds each image of O(images) in O(archives) (RV(sources)),
        changes nothing and needs no Docker engine.
    type: bool
    default: true
  location:
    description: Where the archives are, in messages, e.g. C(the controller); defaults to C(host <host>).
    type: str
  setting:
    description: The variable the user names the archives with, in messages.
    type: str
    default: littlehorse_image_archives
  timeout:
    description: Seconds the engine may take to answer one request; loading a large archive is one request.
    type: int
    default: 900
'''

EXAMPLES = r'''
- name: Which archive holds each image this host misses, read on the controller
  littlehorse.cluster.lh_image_archive:
    host: "{{ inventory_hostname }}"
    images:
      - {image: "littlehorse/lh-server:1.2.1", variable: server_image}
      - {image: "apache/kafka:4.1.1", variable: kafka_image}
    archives: [/srv/images/lh-server-1.2.1.tar.gz, /srv/images/kafka-4.1.1.tar]
    load: false
    location: the controller
  delegate_to: localhost
  register: found

- name: Copy them to the host
  ansible.builtin.copy:
    src: "{{ item }}"
    dest: "/var/cache/littlehorse/images/{{ item | basename }}"
    mode: "0600"
  loop: "{{ found.sources | map(attribute='archive') | unique | list }}"

- name: Load the missing images on the host
  littlehorse.cluster.lh_image_archive:
    host: "{{ inventory_hostname }}"
    images: "{{ found.sources }}"
    archive_dir: /var/cache/littlehorse/images
'''

RETURN = r'''
images:
  description:
    - One entry per image of O(images) (duplicates once). With O(load=true), C(present) says whether the engine had it
      before, C(loaded) whether it was loaded now, C(would_load) that check mode would load it, C(available) that the
      engine has it now (or would have).
  returned: always
  type: list
  elements: dict
  sample:
    - {image: "littlehorse/lh-server:1.2.1", variable: server_image, required: true, present: false, loaded: true,
       would_load: false, available: true, id: "sha256:...", archive: /var/cache/littlehorse/images/lh-server.tar,
       missing_because: ""}
sources:
  description:
    - Each image of O(images) that an archive holds, C({image, variable, required, archive}), in the shape O(images)
      takes. With O(load=false) C(archive) is the path as given in O(archives).
  returned: always
  type: list
  elements: dict
  sample:
    - {image: "littlehorse/lh-server:1.2.1", variable: server_image, required: true,
       archive: /srv/images/lh-server-1.2.1.tar.gz}
archives:
  description:
    - With O(load=false), each archive read and the images it holds (C({path, images})). With O(load=true), each
      archive loaded (C({path, loaded, tags})), or that check mode would load (C({path, would_load})).
  returned: always
  type: list
  elements: dict
problems:
  description:
    - Every problem found, each C({kind, msg}); kind is C(archive) (an archive that cannot be used), C(image) (a
      required image that no archive holds, or that is still missing after its archive was loaded) or C(load).
  returned: always
  type: list
  elements: dict
'''

import socket

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _docker_client
from ansible_collections.littlehorse.cluster.plugins.module_utils._image_archive import load, locate
from ansible_collections.littlehorse.cluster.plugins.module_utils._images import image_options


def main():
    module = AnsibleModule(argument_spec=dict(
        host=dict(type="str"),
        images=dict(type="list", elements="dict", required=True, options=image_options(archive=dict(type="str"))),
        archives=dict(type="list", elements="path", default=[]),
        archive_dir=dict(type="path"),
        load=dict(type="bool", default=True),
        location=dict(type="str"),
        setting=dict(type="str", default="littlehorse_image_archives"),
        docker_host=dict(type="str"),
        timeout=dict(type="int", default=900),
    ), supports_check_mode=True)
    params = module.params
    host = params["host"] or socket.gethostname()
    setting = params["setting"]
    if not params["load"]:
        report, read, problems = locate(params["images"], params["archives"], host,
                                        params["location"] or "host " + host, setting=setting)
        result = dict(images=report, archives=read, problems=problems, changed=False,
                      sources=[dict((k, i[k]) for k in ("image", "variable", "required", "archive"))
                               for i in report if i["archive"]])
        if problems:
            module.fail_json(msg=" | ".join(p["msg"] for p in problems), **result)
        module.exit_json(**result)

    result, problems, changed = _docker_client.on_engine(
        module, host, lambda client: load(client, host, params["images"], archives=params["archives"],
                                          archive_dir=params["archive_dir"], check_mode=module.check_mode,
                                          setting=setting),
        docker_host=params["docker_host"], timeout=params["timeout"])
    result.update(problems=problems, changed=changed,
                  sources=[dict((k, i[k]) for k in ("image", "variable", "required", "archive"))
                           for i in result["images"] if i["archive"]])
    if problems:
        module.fail_json(msg=" | ".join(p["msg"] for p in problems), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
