"""Every path through the flow (engine.all_paths), walked through the pages in both languages.

Each answer is posted as a browser without JavaScript posts it; each must redirect to the next
question of the path (or to the urgent help right after the danger question), and the path
must end on the summary, then on a plan that says what the engine says. No page on the way
names the reviewer's internal reference sheet or shows a retired number.
"""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from guidance import engine
from tests.guidance.conftest import Questionnaire

pytestmark = pytest.mark.django_db

PATHS = engine.all_paths()
# What no reader may see: the reviewer's sheet and its numbered sources, the retired 3020.
NEVER_SHOWN = re.compile(r"legal-fr|\.md\b|\[\d+\]|\b3020\b")


def _shown(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert not NEVER_SHOWN.search(html), NEVER_SHOWN.search(html)
    return html


def _path_id(index: int) -> str:
    answers = dict(PATHS[index])
    return f"{index}-{answers.get('role', 'preset')}-{answers['danger']}"


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("index", range(len(PATHS)), ids=_path_id)
def test_every_path_ends_on_the_plan_the_engine_makes(client, lang, index):
    walk = Questionnaire(client, lang)
    location = walk.start()["Location"]
    for question_id, value in PATHS[index]:
        assert location == walk.url(question_id)
        _shown(client.get(location))
        response = walk.answer(question_id, value)
        assert response.status_code == 303, response.content[:2000]
        location = response["Location"]
        if location == walk.url("urgent"):
            location = _continue_link(_shown(client.get(location)))

    assert location == walk.url("summary")
    summary = _shown(client.get(location))
    assert summary.count('class="summary-row"') == len(PATHS[index])

    html = _shown(client.get(walk.url("plan")))
    facts = engine.facts_from_answers(dict(PATHS[index]))
    assert client.session["guidance_facts"] == facts
    plan = engine.build_plan(facts, lang)
    for item in plan["urgent"] + plan["steps"] + plan["offences"]:
        assert escape(item["title"]) in html, item["id"]
    for resource in plan["resources"]:
        assert escape(resource["name"]) in html, resource["id"]


def _continue_link(html: str) -> str:
    marker = '<a class="button" href="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
