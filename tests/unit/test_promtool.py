# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""promtool on the monitoring role's files, in the fast tier: the alert rules pass `promtool check rules` and their
unit tests (tests/unit/promtool/littlehorse-alerts.test.yml: every rule fired by some series and not by others); the
configuration lh_prometheus renders from a plan passes `promtool check config` with its rules; the certificates'
recording rules it writes fire the certificate alert inside the renewal window only. The promtool is Debian's
(tests/testbed/promtool.sh)."""
import os
import subprocess

import pytest
import yaml

from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.module_utils import _prometheus_config as pc
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_argument_spec

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALERTS = os.path.join(ROOT, "roles", "monitoring", "files", "littlehorse-alerts.yml")
ALERT_TESTS = os.path.join(ROOT, "tests", "unit", "promtool", "littlehorse-alerts.test.yml")


@pytest.fixture(scope="module")
def promtool():
    path = subprocess.run([os.path.join(ROOT, "tests", "testbed", "promtool.sh")], check=True, stdout=subprocess.PIPE,
                          universal_newlines=True).stdout.strip()
    return path


def run(promtool, *args):
    done = subprocess.run([promtool] + list(args), check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout
    return done.stdout


def alert_names():
    with open(ALERTS) as handle:
        return [r["alert"] for g in yaml.safe_load(handle)["groups"] for r in g["rules"]]


def test_the_alert_rules_are_valid(promtool):
    assert "SUCCESS: %d rules found" % len(alert_names()) in run(promtool, "check", "rules", ALERTS)


def test_every_alert_has_a_unit_test_that_fires_it_and_one_that_does_not():
    with open(ALERT_TESTS) as handle:
        tests = yaml.safe_load(handle)["tests"]
    fired, quiet = set(), set()
    for test in tests:
        for case in test["alert_rule_test"]:
            (fired if case.get("exp_alerts") else quiet).add(case["alertname"])
    assert set(alert_names()) == fired
    # the quiet cases: the same test's other series, or an earlier time (every alert has an earlier quiet check but
    # the certificate's, whose non-firing series is lh-server-2 beside the firing one)
    assert set(alert_names()) - quiet == {"LittleHorseCertificateExpiring"}


def test_the_alert_rules_pass_their_unit_tests(promtool):
    assert "SUCCESS" in run(promtool, "test", "rules", ALERT_TESTS)


def params(**given):
    spec = container_argument_spec(pc.STOP_TIMEOUT)
    spec.update(pc.argument_spec())
    values = dict((name, option.get("default")) for name, option in spec.items())
    hostvars = {"local": {"littlehorse_single_engine": True, "littlehorse_bind_address": "127.0.0.1",
                          "littlehorse_advertised_host": "127.0.0.1", "littlehorse_server_count": 3,
                          "kafka_jmx_exporter_jar": os.path.join(ROOT, "LICENSE")}}
    plan = cluster_plan({"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_monitoring": ["local"]},
                        hostvars)
    with open(ALERTS) as handle:
        values.update(name="lh-prometheus", image="prom/prometheus:v2.53.3", scrape_configs=plan["monitoring"]["jobs"],
                      rules=[{"name": "littlehorse-alerts.yml", "groups": yaml.safe_load(handle)["groups"]}])
    values.update(given)
    return values


def test_the_rendered_configuration_passes_promtool_with_its_rules(promtool, tmp_path):
    values = params(alert_for={"LittleHorseServerDown": "15s"},
                    certificates=[{"name": "lh-server-1", "not_after": "2027-11-26T01:30:00+00:00"}],
                    cluster_labels={"littlehorse_cluster_id": "lh"})
    _spec, extra = pc.build_spec(dict(values, config_dir=str(tmp_path)))
    config = yaml.safe_load(extra["config"])
    # promtool reads the rules where the container has them: point it at the files written on the "host"
    config["rule_files"] = [str(tmp_path / "rules" / os.path.basename(f)) for f in config["rule_files"]]
    with open(str(tmp_path / "check.yml"), "w") as handle:
        yaml.safe_dump(config, handle)
    output = run(promtool, "check", "config", str(tmp_path / "check.yml"))
    assert "SUCCESS: 2 rule files found" in output
    assert "SUCCESS: %d rules found" % len(alert_names()) in output
    assert "SUCCESS: 2 rules found" in output  # the certificate's expiry and renewal window


def test_the_certificates_rules_fire_the_alert_inside_the_renewal_window_only(promtool, tmp_path):
    # time() starts at 0 in a rules test: one certificate expires on day 10, the other on day 365; window 30 days
    generated = pc.certificate_rules([{"name": "soon", "not_after": "1970-01-11T00:00:00+00:00"},
                                      {"name": "later", "not_after": "1971-01-01T00:00:00+00:00"}], 30, {})
    (tmp_path / "certificates.yml").write_text(generated)
    (tmp_path / "test.yml").write_text(yaml.safe_dump({
        "rule_files": [ALERTS, str(tmp_path / "certificates.yml")], "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": [], "alert_rule_test": [
            {"eval_time": "1m", "alertname": "LittleHorseCertificateExpiring", "exp_alerts": [
                {"exp_labels": {"severity": "warning", "certificate": "soon"},
                 "exp_annotations": {
                     "summary": "Certificate soon expires within its renewal window",
                     "description": "soon expires in 9d 23h 59m 0s (past its renewal window): run site.yml, which "
                                    "issues it again and rolls the containers that hold it one at a time."}}]}]}]}))
    assert "SUCCESS" in run(promtool, "test", "rules", str(tmp_path / "test.yml"))
