# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run real workflows through a LittleHorse cluster with the real Python client.

Used by the plain-docker smoke test, the container-module integration tests and the
Molecule verify steps: register a TaskDef and a WfSpec, run a task worker, start
workflow runs and wait until every one is COMPLETED. One copy of the client code: the
collection's plugins/module_utils/_workflow.py (what lh_workflow_check runs), re-exported here.
"""
from ansible_collections.littlehorse.cluster.plugins.module_utils._workflow import (  # noqa: F401
    Worker, client_config, greet, register, remove, retry, run_workflows, wf_run_status, wf_spec_exists)
from littlehorse.model import WfSpecId  # noqa: F401

__all__ = ["client_config", "register", "Worker", "run_workflows", "wf_spec_exists", "wf_run_status",
           "remove", "retry", "greet", "WfSpecId"]
