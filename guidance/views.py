"""The questionnaire and the plan in the browser: thin views over `guidance.engine`.

Each question is a real URL with a real form: GET shows it with the answer kept in the session,
POST saves the answer and redirects (303) to what comes next. htmx posts the same forms, swaps
the `#step` region with the next page's partial and pushes its URL; without JavaScript the same
URLs serve whole pages.

Session keys (JSON-serialisable):
    guidance_answers  question id -> answer, as `guidance.flow` describes them
    guidance_preset   question ids answered from the home page's entry points ("I am a
                      witness"): not asked again on the way forward, still on the summary
    guidance_facts    the facts of the plan last shown; the evidence vault reads them
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import push_url

from common import languages
from guidance import engine
from guidance.content.schema import WHEN
from guidance.facts import parse_date
from guidance.forms import QuestionForm
from guidance.pdf import render_plan_pdf

ANSWERS = "guidance_answers"
PRESET = "guidance_preset"
FACTS = "guidance_facts"


# --- Pages -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """POST starts afresh (optionally as a witness, a parent…); GET resumes where we were."""
    if request.method == "POST":
        answers: dict[str, Any] = {}
        preset: list[str] = []
        role_question = _question_for_fact("role")
        try:
            role = engine.parse_answer(role_question, request.POST.get("role", ""))
        except engine.AnswerError:
            role = None  # no entry point chosen: the role question is asked as usual
        if role is not None:
            answers[role_question] = role
            preset.append(role_question)
        request.session[ANSWERS] = answers
        request.session[PRESET] = preset
        request.session.pop(FACTS, None)
        return _see_other(_question_url(engine.first_question()))
    if _session_ended(request):
        return _restart()
    return redirect(_step_url(engine.next_question(_answers(request))))


@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, question_id: str) -> HttpResponse:
    change = request.GET.get("change") == "1"
    is_first = question_id == engine.first_question()
    ended = _session_ended(request)
    if ended and not (is_first and request.method == "GET"):
        return _restart()
    answers = _answers(request)
    next_id = engine.next_question(answers)
    if question_id != next_id and question_id not in engine.path(answers):
        # A typed URL, a stale link or an old form: ask what the answers call for instead.
        return _see_other(_step_url(next_id, change))
    if request.method == "POST":
        return _save_answer(request, question_id, answers, change)
    return _show_question(
        request,
        question_id,
        answers,
        change,
        session_ended=ended or (is_first and request.GET.get("expired") == "1"),
    )


@require_safe
def urgent(request: HttpRequest) -> HttpResponse:
    """Right after the danger question: whom to call, before any other question."""
    if _session_ended(request):
        return _restart()
    answers = _answers(request)
    danger_question = _question_for_fact("danger")
    change = request.GET.get("change") == "1"
    if danger_question not in engine.path(answers):
        return redirect(_step_url(engine.next_question(answers), change))
    block = _with_dates(engine.build_urgent(engine.facts_from_answers(answers), _lang()))
    if not block["urgent"]:
        return redirect(_step_url(_after(request, answers, danger_question, change), change))
    return _render_step(
        request,
        "guidance/urgent.html",
        {
            "page_title": _("Get help now"),
            "urgent_items": _with_resources(
                block["urgent"], {resource["id"]: resource for resource in block["resources"]}
            ),
            "back_url": _question_url(danger_question, change),
            "continue_url": _step_url(_after(request, answers, danger_question, change), change),
            "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


@require_safe
def summary(request: HttpRequest) -> HttpResponse:
    """Check your answers: each one on the path, with a link to change it."""
    answers = _finished_answers(request)
    if isinstance(answers, HttpResponse):
        return answers
    lang = _lang()
    path = engine.path(answers)
    return _render_step(
        request,
        "guidance/summary.html",
        {
            "page_title": _("Check your answers"),
            "rows": [_summary_row(qid, answers, lang) for qid in path],
            "back_url": _question_url(path[-1]),
        },
    )


@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    answers = _finished_answers(request)
    if isinstance(answers, HttpResponse):
        return answers
    return _render_step(request, "guidance/plan.html", _plan_context(request, answers))


@require_safe
def plan_pdf(request: HttpRequest) -> HttpResponse:
    """The plan as a PDF file, from an HTML template of the plan (see guidance.pdf)."""
    answers = _finished_answers(request)
    if isinstance(answers, HttpResponse):
        return answers
    context = _plan_context(request, answers)
    pdf = render_plan_pdf(
        lambda stylesheet_url: render_to_string(
            "guidance/plan_pdf.html", {**context, "stylesheet_url": stylesheet_url}, request
        )
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_("my-action-plan.pdf")
    )
    add_never_cache_headers(response)  # what a victim went through: no copy in any cache
    return response


# --- Saving an answer ------------------------------------------------------------------------


def _save_answer(
    request: HttpRequest, question_id: str, answers: dict[str, Any], change: bool
) -> HttpResponse:
    # "Skip" ignores what was ticked: the question is left unanswered (or "none of these").
    form = _question_form(
        question_id, answers, QueryDict() if request.POST.get("skip") else request.POST
    )
    if not form.is_valid():
        return _show_question(request, question_id, answers, change, form=form)
    answers[question_id] = form.cleaned_data[question_id]
    preset = [qid for qid in request.session.get(PRESET, []) if qid != question_id]
    if engine.next_question(answers) is None:
        answers = engine.prune(answers)  # the path is complete: drop answers left off it
    # Saving the same answer twice changes nothing: a double submit is harmless.
    request.session[ANSWERS] = answers
    request.session[PRESET] = preset
    if (
        question_id == _question_for_fact("danger")
        and engine.build_urgent(engine.facts_from_answers(answers))["urgent"]
    ):
        return _see_other(_urgent_url(change))
    return _see_other(_step_url(_after(request, answers, question_id, change), change))


def _after(
    request: HttpRequest, answers: dict[str, Any], question_id: str, change: bool
) -> str | None:
    """The question to show after `question_id` (None: the summary).

    Changing an answer from the summary asks only what the change makes necessary. Otherwise
    the next question on the path comes next, answered or not (the user may have come back
    to change something and go forward again), except those preset from the home page.
    """
    if change:
        return engine.next_question(answers)
    preset = request.session.get(PRESET, [])
    sequence = [*engine.path(answers), engine.next_question(answers)]
    return next(
        (qid for qid in sequence[sequence.index(question_id) + 1 :] if qid not in preset), None
    )


# --- Showing a question ----------------------------------------------------------------------


def _show_question(
    request: HttpRequest,
    question_id: str,
    answers: dict[str, Any],
    change: bool,
    *,
    form: QuestionForm | None = None,
    session_ended: bool = False,
) -> HttpResponse:
    """The question's page: its form as last sent (with its error), or with the saved answer."""
    if form is None:
        form = _question_form(question_id, answers)
    path = engine.path(answers)
    earlier = path[: path.index(question_id)] if question_id in path else path
    text = form.question["text"]
    context = {
        "page_title": _("Error: %(question)s") % {"question": text} if form.errors else text,
        "question": form.question,
        "form": form,
        "action": _question_url(question_id, change),
        "back_url": _question_url(earlier[-1], change) if earlier else reverse("home"),
        "change": change,
        "session_ended": session_ended,
        "session_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
    return _render_step(request, "guidance/question.html", context, push=not form.errors)


def _question_form(question_id: str, answers: dict[str, Any], data=None) -> QuestionForm:
    shown = engine.render_question(question_id, _lang(), answers)
    return QuestionForm(shown, data, lang=_lang(), today=timezone.localdate())


def _summary_row(question_id: str, answers: dict[str, Any], lang: str) -> dict[str, Any]:
    shown = engine.render_question(question_id, lang, answers)
    labels = {choice["value"]: choice["label"] for choice in shown["choices"]}
    value = answers[question_id]
    if value is None:
        answer: str | list[str] = (
            _("I don't know") if shown["kind"] == "date" else _("Not answered")
        )
    elif value == []:
        answer = _("None of these")
    elif isinstance(value, list):
        answer = [labels[item] for item in value]
        if len(answer) == 1:
            answer = answer[0]
    elif shown["kind"] == "date":
        answer = date_format(parse_date(value))
    else:
        answer = labels[value]
    return {
        "id": question_id,
        "question": shown["text"],
        "answer": answer,
        "is_list": isinstance(answer, list),
        "change_url": _question_url(question_id, change=True),
    }


# --- The plan --------------------------------------------------------------------------------


def _finished_answers(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    """The answers of a finished questionnaire, or where to go to finish it."""
    if _session_ended(request):
        return _restart()
    answers = _answers(request)
    next_id = engine.next_question(answers)
    if next_id is not None:
        return redirect(_question_url(next_id))
    return engine.prune(answers)


def _plan_context(request: HttpRequest, answers: dict[str, Any]) -> dict[str, Any]:
    facts = engine.facts_from_answers(answers)
    request.session[FACTS] = facts  # the evidence vault builds its dossier from these
    today = timezone.localdate()
    plan = _with_dates(engine.build_plan(facts, _lang(), today=today))
    informal = plan["register"] == "tu"
    resources = {resource["id"]: resource for resource in plan["resources"]}
    howto_ids = {rid for step in plan["steps"] for rid in step["howtos"]}
    headings = {"now": _("Do now"), "soon": _("Next"), "later": _("Later")}
    return {
        "page_title": pgettext("informal", "Your action plan")
        if informal
        else _("Your action plan"),
        "informal": informal,
        "today": today,
        "urgent_items": _with_resources(plan["urgent"], resources),
        "step_groups": [
            {
                "when": when,
                "heading": headings[when],
                "steps": _with_resources(
                    [step for step in plan["steps"] if step["when"] == when], resources
                ),
            }
            for when in WHEN
            if any(step["when"] == when for step in plan["steps"])
        ],
        "offences": plan["offences"],
        "contacts": [r for r in plan["resources"] if r["id"] not in howto_ids],
    }


# The site's own pages a step of the plan may offer (guidance.content.schema.Page).
ACTION_PAGES = {"attestation": "guidance:attestation"}


def _with_dates(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with its ISO dates as dates, for the templates' localised `date` filter."""

    def dated(entry: dict[str, Any]) -> dict[str, Any]:
        return {
            **entry,
            **{key: parse_date(entry[key]) for key in ("checked", "deadline") if entry.get(key)},
        }

    return {
        **plan,
        "resources": [dated(resource) for resource in plan["resources"]],
        "offences": [dated(offence) for offence in plan.get("offences", [])],
    }


def _with_resources(
    items: list[dict[str, Any]], resources: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The items with their resources themselves: contacts to call or open, then each
    platform's how-to (folded on the page), and the URL of the page a step offers."""
    shown = []
    for item in items:
        howtos = item.get("howtos", [])
        action = item.get("action")
        shown.append(
            {
                **item,
                "resources": [
                    resources[rid]
                    for rid in item["resources"]
                    if rid in resources and rid not in howtos
                ],
                "howtos": [resources[rid] for rid in howtos if rid in resources],
                "action": {**action, "url": reverse(ACTION_PAGES[action["page"]])}
                if action
                else None,
            }
        )
    return shown


# --- Small helpers ---------------------------------------------------------------------------


def _render_step(
    request: HttpRequest, template: str, context: dict[str, Any], *, push: bool = True
) -> HttpResponse:
    """The whole page, or for htmx only its #step region, with the URL to push (or none)."""
    if not request.htmx:
        return render(request, template, context)
    response = render(
        request, "guidance/htmx_step.html", {**context, "step_template": f"{template}#step"}
    )
    return push_url(response, request.get_full_path() if push else False)


def _answers(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(ANSWERS, {}))


def _session_ended(request: HttpRequest) -> bool:
    """The browser sent a session cookie the server no longer knows: the session expired."""
    request.session.get(ANSWERS)  # loads the session; an unknown key is then forgotten
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.session_key is None


def _restart() -> HttpResponse:
    return _see_other(_question_url(engine.first_question()) + "?expired=1")


def _question_for_fact(fact: str) -> str:
    return next(q.id for q in engine.content().questions if q.fact == fact)


def _question_url(question_id: str, change: bool = False) -> str:
    url = reverse("guidance:question", args=[question_id])
    return f"{url}?change=1" if change else url


def _urgent_url(change: bool) -> str:
    url = reverse("guidance:urgent")
    return f"{url}?change=1" if change else url


def _step_url(question_id: str | None, change: bool = False) -> str:
    """The question's URL, or the summary's once every question is answered."""
    if question_id is None:
        return reverse("guidance:summary")
    return _question_url(question_id, change)


def _see_other(url: str) -> HttpResponseRedirect:
    """Redirect after POST with 303, so that the browser follows with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _lang() -> str:
    return languages.current()
