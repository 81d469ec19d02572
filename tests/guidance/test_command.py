"""python manage.py guidance plan|check|graph."""

import json
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from guidance import engine
from guidance.content import CONTENT_DIR

PROJECT = Path(__file__).resolve().parents[2]


def manage(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "guidance", *args],
        cwd=PROJECT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_plan_prints_the_plan_as_json(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"role": "victim", "acts": ["insults"]}), encoding="utf-8")
    out = StringIO()
    call_command("guidance", "plan", "--facts", str(facts), "--lang", "en", stdout=out)
    plan = json.loads(out.getvalue())
    assert plan["lang"] == "en"
    assert "keep_evidence" in [step["id"] for step in plan["steps"]]


def test_plan_keeps_french_letters_readable(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text('{"role": "victim"}', encoding="utf-8")
    out = StringIO()
    call_command("guidance", "plan", "--facts", str(facts), stdout=out)
    assert "Gardez des preuves" in out.getvalue()
    assert "\\u" not in out.getvalue()


def test_plan_reads_the_facts_from_stdin_with_a_dash():
    result = manage("plan", "--facts", "-", stdin='{"role": "witness", "danger": "physical"}')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["urgent"][0]["id"] == "danger_now"


def test_plan_exits_2_naming_the_bad_key():
    result = manage("plan", "--facts", "-", stdin='{"role": "victim", "victim_age": "old"}')
    assert result.returncode == 2
    assert "victim_age" in result.stderr and "'old'" in result.stderr
    assert result.stdout == ""


def test_plan_refuses_facts_that_are_not_json(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text("role: victim", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("guidance", "plan", "--facts", str(facts))
    assert error.value.returncode == 2


def test_check_summarises_valid_content():
    out = StringIO()
    call_command("guidance", "check", stdout=out)
    questions = len(engine.content().questions)
    assert out.getvalue().startswith(f"Content OK: {questions} questions")
    assert "paths through the flow" in out.getvalue()


def test_check_exits_1_listing_the_problems_of_broken_content(tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    flow = broken / "flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("next: role", "next: rôle"), encoding="utf-8"
    )
    with pytest.raises(CommandError) as error:
        call_command("guidance", "check", "--dir", str(broken))
    assert error.value.returncode == 1
    assert "question danger › next[0]: the target 'rôle' does not exist" in str(error.value)


def test_graph_writes_the_flow_as_a_mermaid_flowchart(tmp_path):
    output = tmp_path / "flow.mmd"
    call_command("guidance", "graph", "--output", str(output))
    graph = output.read_text(encoding="utf-8")
    assert graph.startswith("flowchart TD\n")
    assert "    danger --> role\n" in graph
    assert '-->|"role = witness"| plan' in graph
