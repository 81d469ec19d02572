"""A person answering the questionnaire through the views, as a browser without JavaScript does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from guidance import engine


class Questionnaire:
    """Posts answers the way the question forms send them, in one language."""

    def __init__(self, client, lang: str = "fr") -> None:
        self.client = client
        self.prefix = "" if lang == "fr" else f"/{lang}"

    def url(self, name: str) -> str:
        """A page's path: a question id, or one of start, urgent, summary, plan, pdf."""
        pages = {
            "start": "/questionnaire/",
            "urgent": "/questionnaire/urgence/",
            "summary": "/questionnaire/vos-reponses/",
            "plan": "/plan/",
            "pdf": "/plan/mon-plan-d-action.pdf",
        }
        return self.prefix + pages.get(name, f"/questionnaire/{name}/")

    def start(self, role: str = ""):
        return self.client.post(self.url("start"), {"role": role} if role else {})

    def answer(self, question_id: str, value: Any, *, change: bool = False, **extra):
        """Send `value` (an engine answer) for the question; None presses "Skip"."""
        url = self.url(question_id) + ("?change=1" if change else "")
        if value is None:
            data: dict[str, Any] = {"skip": "1"}
        else:
            data = {question_id: engine.answer_to_raw(value)}
        return self.client.post(url, data, **extra)

    def answer_all(self, answers: dict[str, Any] | list[tuple[str, Any]]) -> None:
        """Start, then answer in order, checking that each answer is taken."""
        self.start()
        pairs = answers.items() if isinstance(answers, dict) else answers
        for question_id, value in pairs:
            response = self.answer(question_id, value)
            assert response.status_code == 303, (question_id, response.content[:2000])

    def session_answers(self) -> dict[str, Any]:
        return self.client.session.get("guidance_answers", {})


@pytest.fixture
def questionnaire(db, client) -> Questionnaire:
    return Questionnaire(client)


@pytest.fixture
def questionnaire_en(db, client) -> Questionnaire:
    return Questionnaire(client, "en")


# A victim aged 15 to 17, insulted in private messages by a classmate: no follow-ups.
VICTIM = {
    "danger": "none",
    "role": "victim",
    "victim_age": "15_17",
    "acts": ["insults"],
    "discrimination": [],
    "platforms": ["instagram"],
    "visibility": "private",
    "several_authors": "no",
    "author_relation": "classmate",
    "first_seen": (dt.date.today() - dt.timedelta(days=60)).isoformat(),
    "health_impact": "some",
}


@pytest.fixture
def victim_answers() -> dict[str, Any]:
    return dict(VICTIM)
