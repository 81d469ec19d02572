"""The pages of a dossier's people and shares, for its owner and its helpers; and joining a
dossier with an invitation's link or code. Views parse, call evidence.sharing, render.

Every object in a URL comes through evidence.access (`owned`), which says what each page
needs; an invitation's link reveals nothing to whoever is not signed in, valid or not.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evidence import drafts
from evidence.access import (
    Need,
    dossier_for_user,
    helper_for_user,
    invitation_for_user,
    owned,
    share_for_user,
)
from evidence.models import Dossier, Helper, Invitation, Share
from evidence.sharing import activity, codes, invitations, shares, throttling
from evidence.sharing.forms import (
    PERMISSION_LABELS,
    CodeForm,
    InviteForm,
    PermissionsForm,
    ShareForm,
)
from evidence.sharing.invitations import Permissions

# A code typed on the home page before signing in, kept (server-side) until signed in.
PENDING_CODE = "invitation_code"


def _permission_words(permissions: Permissions) -> list[str]:
    return [str(PERMISSION_LABELS[name]) for name in permissions.granted()]


# --- The owner's people page -------------------------------------------------------------------


@login_required
@owned("dossier", dossier_for_user, needs=Need.OWNER)
@require_safe
def people(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    helpers = list(dossier.helpers.select_related("user"))
    done = activity.by_helpers(dossier)
    now = timezone.now()
    pending = [
        invitation
        for invitation in dossier.invitations.select_related("created_by")
        if invitations.is_usable(invitation, now)
    ]
    current = {helper.user.get_username() for helper in helpers}
    return render(
        request,
        "evidence/sharing/people.html",
        {
            "dossier": dossier,
            "helpers": [
                (
                    helper,
                    _permission_words(Permissions.of(helper)),
                    done.get(helper.user.get_username(), []),
                )
                for helper in helpers
            ],
            "pending": [
                (invitation, _permission_words(Permissions.of(invitation)))
                for invitation in pending
            ],
            "former": activity.former_helpers(dossier, current),
        },
    )


# --- Inviting ------------------------------------------------------------------------------------


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.INVITE)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    access = request.dossier_access
    form = InviteForm(drafts.form_data(request), access=access)
    if request.method == "POST" and form.is_valid():
        try:
            made = invitations.invite(
                dossier, request.user, access, form.permissions(), token=form.cleaned_data["token"]
            )
        except invitations.TooManyInvitations:
            form.add_error(
                None,
                _(
                    "You have made many invitations today: you can make more tomorrow. Your "
                    "choices are still here."
                ),
            )
        else:
            if not made.created:
                messages.info(request, _("This invitation was already made: here it is."))
            return redirect("evidence:invitation_detail", invitation_id=made.invitation.pk)
    return render(
        request,
        "evidence/sharing/invite.html",
        {"dossier": dossier, "form": form, "hours": settings.SHARING_INVITATION_HOURS},
    )


@login_required
@owned("invitation", invitation_for_user, needs=Need.INVITE)
@require_safe
def invitation_detail(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    usable = invitations.is_usable(invitation)
    link = ""
    if usable and invitation.token:
        link = request.build_absolute_uri(
            reverse("evidence:join", kwargs={"token": invitation.token})
        )
    return render(
        request,
        "evidence/sharing/invitation.html",
        {
            "dossier": invitation.dossier,
            "invitation": invitation,
            "usable": usable,
            "link": link,
            "code": codes.shown(invitation.code) if usable and invitation.code else "",
            "allowed": _permission_words(Permissions.of(invitation)),
        },
    )


@login_required
@owned("invitation", invitation_for_user, needs=Need.INVITE)
@require_POST
def invitation_withdraw(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if invitations.withdraw(invitation, request.user, request.dossier_access):
        messages.success(
            request, _("The invitation was withdrawn: its link and code no longer work.")
        )
    if request.dossier_access.is_owner:
        return redirect("evidence:people", dossier_id=invitation.dossier_id)
    return redirect("evidence:invitation_detail", invitation_id=invitation.pk)


# --- The owner's helpers -------------------------------------------------------------------------


@drafts.keeps_drafts
@login_required
@owned("helper", helper_for_user, needs=Need.OWNER)
@require_http_methods(["GET", "POST"])
def helper_edit(request: HttpRequest, helper: Helper) -> HttpResponse:
    initial = PermissionsForm.initial_from(Permissions.of(helper))
    form = PermissionsForm(drafts.form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if invitations.change(helper, request.user, form.permissions()):
            messages.success(request, _("Saved. It applies from their next page."))
        return redirect("evidence:people", dossier_id=helper.dossier_id)
    return render(
        request,
        "evidence/sharing/helper_edit.html",
        {"dossier": helper.dossier, "helper": helper, "form": form},
    )


@login_required
@owned("helper", helper_for_user, needs=Need.OWNER)
@require_http_methods(["GET", "POST"])
def helper_remove(request: HttpRequest, helper: Helper) -> HttpResponse:
    if request.method == "POST":
        invitations.remove(helper, request.user)
        messages.success(
            request,
            _("%(name)s no longer has access to this dossier.")
            % {"name": helper.user.get_username()},
        )
        return redirect("evidence:people", dossier_id=helper.dossier_id)
    return render(
        request,
        "evidence/sharing/helper_remove.html",
        {"dossier": helper.dossier, "helper": helper},
    )


@login_required
@owned("dossier", dossier_for_user, needs=Need.VIEW)
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """A helper leaves a dossier by themselves (the owner has nothing to leave: 404)."""
    helper = request.dossier_access.helper
    if helper is None:
        raise Http404("the owner does not leave their own dossier")
    if request.method == "POST":
        invitations.leave(helper)
        messages.success(request, _("You no longer help on this dossier."))
        return redirect("evidence:dossier_list")
    return render(request, "evidence/sharing/leave.html", {"dossier": dossier})


# --- Joining -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join_with_code(request: HttpRequest) -> HttpResponse:
    """The code box, "I was invited on a dossier". Signed out, the code is kept (server-side)
    while the person signs in or creates their account, then given back here."""
    if not request.user.is_authenticated:
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            request.session[PENDING_CODE] = form.cleaned_data["code"]
            messages.info(request, _("Log in, or create your account, to join the dossier."))
            return redirect_to_login(reverse("evidence:join_with_code"))
        return render(request, "evidence/sharing/join_with_code.html", {"form": form})
    pending = request.session.get(PENDING_CODE, "") if request.method == "GET" else ""
    form = CodeForm(
        request.POST or None, initial={"code": codes.shown(pending)} if pending else None
    )
    if request.method == "POST" and form.is_valid():
        throttle, account = throttling.for_invitation_code(request)
        wait = throttle.wait()
        if wait is not None:
            return _too_many(request, wait)
        invitation = invitations.by_code(form.cleaned_data["code"])
        if invitation is None:
            throttle.failed()
            form.add_error(
                "code",
                _(
                    "This code does not work: it may have expired, been withdrawn or been used "
                    "already. Check it, or ask the person who invited you for a new one."
                ),
            )
        else:
            throttle.forget(account)
            request.session.pop(PENDING_CODE, None)
            # The code leads to the link's page (its token is kept, encrypted, while it works).
            return redirect("evidence:join", token=invitation.token)
    return render(request, "evidence/sharing/join_with_code.html", {"form": form})


def _too_many(request: HttpRequest, wait) -> HttpResponse:
    return render(
        request,
        "evidence/sharing/too_many_codes.html",
        {"minutes": throttling.minutes(wait)},
        status=429,
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's link. Signed out: the same page whatever the token, which says nothing
    of the dossier or its owner. Signed in: what joining means, then Join."""
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "evidence/sharing/join_signed_out.html", {"next": request.path})
    invitation = invitations.by_token(token)
    if invitation is not None and invitation.dossier.owner_id == request.user.pk:
        messages.info(request, _("This is your own invitation: give it to the person you invite."))
        return redirect("evidence:invitation_detail", invitation_id=invitation.pk)
    helping = (
        Helper.objects.filter(dossier=invitation.dossier, user=request.user).first()
        if invitation is not None
        else None
    )
    if helping is not None:
        messages.info(request, _("You already help on this dossier."))
        return redirect("evidence:dossier_detail", dossier_id=helping.dossier_id)
    if invitation is None or not invitations.is_usable(invitation):
        return render(request, "evidence/sharing/join_gone.html", status=404)
    if request.method == "POST":
        try:
            invitations.join(invitation, request.user)
        except (Invitation.DoesNotExist, invitations.CannotJoin):
            return render(request, "evidence/sharing/join_gone.html", status=404)
        messages.success(request, _("You now help on this dossier. Thank you for being there."))
        return redirect("evidence:dossier_detail", dossier_id=invitation.dossier_id)
    return render(
        request,
        "evidence/sharing/join.html",
        {
            "invitation": invitation,
            "allowed": _permission_words(Permissions.of(invitation)),
        },
    )


# --- Shares --------------------------------------------------------------------------------------


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.OWNER)
@require_http_methods(["GET", "POST"])
def share_list(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    form = ShareForm(drafts.form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            share, created = shares.make(
                dossier,
                request.user,
                shows=form.cleaned_data["shows"],
                days=form.cleaned_data["days"],
                recipient=form.cleaned_data["recipient"],
                token=form.cleaned_data["token"],
            )
        except shares.TooManyShares:
            form.add_error(
                None,
                _(
                    "You have made many shares today: you can make more tomorrow. Your choices "
                    "are still here."
                ),
            )
        else:
            if not created:
                messages.info(request, _("This share was already made: here it is."))
            return redirect("evidence:share_detail", share_id=share.pk)
    accesses = activity.share_accesses(dossier)
    now = timezone.now()
    rows = [
        (share, shares.is_active(share, now), accesses.get(str(share.pk), []))
        for share in dossier.shares.all()
    ]
    return render(
        request,
        "evidence/sharing/shares.html",
        {"dossier": dossier, "form": form, "rows": rows},
    )


@login_required
@owned("share", share_for_user, needs=Need.OWNER)
@require_safe
def share_detail(request: HttpRequest, share: Share) -> HttpResponse:
    active = shares.is_active(share)
    link = ""
    if active and share.token:
        link = request.build_absolute_uri(reverse("evidence:shared", kwargs={"token": share.token}))
    return render(
        request,
        "evidence/sharing/share.html",
        {
            "dossier": share.dossier,
            "share": share,
            "active": active,
            "link": link,
            "code": codes.shown(share.code) if active and share.code else "",
            "accesses": activity.share_accesses(share.dossier).get(str(share.pk), []),
        },
    )


@login_required
@owned("share", share_for_user, needs=Need.OWNER)
@require_POST
def share_revoke(request: HttpRequest, share: Share) -> HttpResponse:
    if shares.revoke(share, request.user):
        messages.success(request, _("The share was ended: its link no longer opens anything."))
    return redirect("evidence:share_detail", share_id=share.pk)
