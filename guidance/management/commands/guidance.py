"""python manage.py guidance plan|check|graph: the guidance engine from the command line."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from common.languages import codes
from guidance import engine
from guidance.flow import all_paths


class Command(BaseCommand):
    help = "Build a plan from facts, check the content, or draw the flow."
    requires_system_checks: list[str] = []  # reads files only: no database, no checks needed

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        plan = actions.add_parser("plan", help="print the plan for the facts, as JSON")
        plan.add_argument("--facts", required=True, help="a JSON file of facts, - for stdin")
        plan.add_argument("--lang", choices=codes(), default=codes()[0])
        check = actions.add_parser("check", help="validate the content files")
        check.add_argument("--dir", type=Path, help="check the files in this folder instead")
        graph = actions.add_parser("graph", help="write the flow as a Mermaid flowchart")
        graph.add_argument("--output", type=Path, help="write to this file (default: stdout)")
        graph.add_argument("--lang", choices=codes(), default=codes()[0])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"handle_{action}")(**options)

    def handle_plan(self, facts: str, lang: str, **options: Any) -> None:
        try:
            text = sys.stdin.read() if facts == "-" else Path(facts).read_text(encoding="utf-8")
            plan = engine.build_plan(json.loads(text), lang)
        except OSError as error:
            raise CommandError(f"cannot read the facts: {error}", returncode=2) from error
        except json.JSONDecodeError as error:
            raise CommandError(f"the facts are not valid JSON: {error}", returncode=2) from error
        except engine.FactsError as error:
            raise CommandError(f"invalid facts: {error}", returncode=2) from error
        self.stdout.write(json.dumps(plan, ensure_ascii=False, indent=2))

    def handle_check(self, dir: Path | None, **options: Any) -> None:
        try:
            content = engine.read(dir)
            problems = engine.validate(content)
        except engine.ContentError as error:
            problems = error.problems
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) in the guidance content:\n" + "\n".join(problems),
                returncode=1,
            )
        self.stdout.write(
            f"Content OK: {len(content.questions)} questions, "
            f"{len(content.urgent)} urgent items and {len(content.steps)} steps, "
            f"{len(content.resources)} resources, {len(content.offences)} offences, "
            f"{len(all_paths(content))} paths through the flow."
        )

    def handle_graph(self, output: Path | None, lang: str, **options: Any) -> None:
        text = engine.graph(lang)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
