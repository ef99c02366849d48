# littlehorse.cluster — the two commands a newcomer needs:
#   make up     bring the default cluster up on this machine
#   make test   run every test of the project
SHELL := /bin/bash
.DEFAULT_GOAL := help

include tests/images/versions.env
export KAFKA_VERSION LH_VERSION HAPROXY_VERSION DEBIAN_SUITE

VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
COLLECTION_LINK := build/collections/ansible_collections/littlehorse/cluster
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/build/collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PYTHONUNBUFFERED := 1

.PHONY: help prereqs engine venv collection images up down test test-fast test-unit test-smoke \
        test-integration test-bad-input test-bad-input-plan sanity lint docs-lint package ee-context test-package \
        molecule molecule-default molecule-seed molecule-secure molecule-multi-host bench bench-sustained clean-testbed

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

# tests/run-all.sh sets LH_TESTBED_READY=1 for its stages: `make test` has made the engine and the
# images before them, and its two lanes must not rebuild them side by side.
prereqs: ## install the Debian packages the test bed needs (docker.io, debootstrap, maven …)
	@[ "$${LH_TESTBED_READY:-}" = 1 ] || tests/testbed/prereqs.sh

engine: prereqs ## make sure a Docker engine answers (installs and starts dockerd if not)
	@[ "$${LH_TESTBED_READY:-}" = 1 ] || tests/testbed/engine.sh

$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed ## the Python tools, pinned (ansible-core, molecule, ansible-lint, pytest, client)

collection: ## link this checkout in as the collection littlehorse.cluster
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn ../../../.. $(COLLECTION_LINK)

images: engine ## build the local images (Kafka $(KAFKA_VERSION), LittleHorse $(LH_VERSION), dashboard test double, HAProxy $(HAPROXY_VERSION), Keycloak $(KEYCLOAK_VERSION))
	@[ "$${LH_TESTBED_READY:-}" = 1 ] || tests/images/build.sh all

# inventories/local names no image (it deploys the roles' defaults, the published images); where this engine can
# neither find nor pull one, lhtest.up_images passes the test bed's local build instead (and says so).
up: venv collection images ## bring the default cluster (inventories/local) up on this machine
	PYTHONPATH=tests $(BIN)/python -m lhtest.up_images build/up-images.yml
	ansible-playbook site.yml -e @build/up-images.yml

down: venv collection ## tear the default cluster down (keeps its volumes)
	PYTHONPATH=tests $(BIN)/python -m lhtest.up_images --no-pull build/up-images.yml
	ansible-playbook playbooks/teardown.yml -e @build/up-images.yml

# The engine and the images come after the gate (tests/run-all.sh makes them): a gate that fails
# stops the run before any image is built.
test: venv collection ## run every test: the engine-free gate first, then smoke, integration, bad input, package, Molecule
	tests/run-all.sh

test-fast: venv collection ## the engine-free gate alone: unit, the bad-input plan tier, lint, sanity
	tests/run-all.sh --gate-only

test-unit: venv collection ## unit tests
	$(BIN)/pytest -q tests/unit

test-smoke: venv images ## the test bed's smoke test on plain docker
	$(BIN)/pytest -q tests/testbed

test-integration: venv collection images ## the modules against the real engine and images
	tests/integration/run.sh

test-bad-input-plan: venv collection ## bad inventories the plan or a role's argument spec refuses: in-process, no engine
	tests/badinput/run.sh plan

test-bad-input: venv collection images ## bad inventories and host states: site.yml refuses each, names it, changes nothing
	tests/badinput/run.sh e2e

sanity: venv collection ## ansible-test sanity, no ignores
	tests/sanity/run.sh

lint: venv collection ## ansible-lint (production profile), then docs-lint and ee-context
	$(BIN)/ansible-lint --offline --profile production
	@$(MAKE) --no-print-directory -o $(VENV)/.installed docs-lint ee-context  # the venv is ready: this target depends on it

docs-lint: venv collection ## antsibull-docs (plugin and role docs, extra docs) and antsibull-changelog lint
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs .
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

package: venv ## build the collection tarball: build/package/littlehorse-cluster-<version>.tar.gz
	@rm -rf build/package
	ansible-galaxy collection build --force --output-path build/package

ee-context: package ## the execution environment's build context (build/ee, ansible-builder create), checked
	tests/package/ee-context.sh

test-package: venv images ## build, install into an empty path, deploy/verify/teardown by FQCN outside the checkout
	tests/package/run.sh

molecule: molecule-default molecule-seed molecule-secure molecule-multi-host ## every Molecule scenario

molecule-default: venv collection images
	$(BIN)/molecule test -s default

molecule-seed: venv collection images
	$(BIN)/molecule test -s seed

# Its runs are at -vvv (the secrets scan reads them): the whole output goes to build/molecule-secure.log; shown here
# are its steps, figures and failures (and the log's last 200 lines when it fails).
molecule-secure: venv collection images ## two simulated hosts: TLS, MTLS and OAUTH listeners, internal mTLS, Kafka SASL_SSL, Keycloak
	@mkdir -p build; rc=0; $(BIN)/molecule test -s secure >build/molecule-secure.log 2>&1 || rc=$$?; \
	  sed 's/\x1b\[[0-9;]*m//g' build/molecule-secure.log | grep -aE 'Executed|\[(scan|probe|verify|drill|time)\]|fatal: \[|FAILED! =>|^ERROR ' \
	  | cut -c1-400; \
	  if [ $$rc -ne 0 ]; then echo "== the last 200 lines of build/molecule-secure.log"; tail -200 build/molecule-secure.log; fi; \
	  exit $$rc

molecule-multi-host: venv collection images ## three simulated hosts: outage drill, load balancer, scale-out
	$(BIN)/molecule test -s multi-host

bench: venv collection images ## deploy benchmark: site.yml against docker compose, then growth on 3 simulated hosts; prints figures
	bench/run.sh

bench-sustained: venv collection images ## sustained load on 3 simulated hosts with restart.yml in the middle, per session timeout; prints figures (about 45 min)
	$(BIN)/python bench/sustained.py
