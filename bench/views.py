"""`make bench` only (see bench/questionnaire.py and bench/urls.py): the baseline pages.

They do what any page of ours does, the same middleware and the same session read, but no
questionnaire work: a static template padded to the size of the question page it is compared
with, so that both send the same bytes. The baseline is in the site's shell (base.html, its
context processors), as every page is; `?bare=1` leaves the shell out, to show what it costs.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from guidance.views import ANSWERS

MAX_BYTES = 1_000_000


@require_safe
def baseline(request: HttpRequest) -> HttpResponse:
    request.session.get(ANSWERS)  # the same session read as a question page
    bare = request.GET.get("bare") == "1"
    template = "bench/bare.html" if bare else "bench/baseline.html"
    response = render(request, template)
    try:
        wanted = min(int(request.GET.get("bytes", "0")), MAX_BYTES)
    except ValueError:
        wanted = 0
    padding = wanted - len(response.content)
    if padding > 0:
        response.content += b" " * padding
    return response
