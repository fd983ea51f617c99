"""Gamification pages: points, achievements (and an award's public page), leaderboards, challenges."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courseworx.core.exceptions import ConflictError
from courseworx.core.forms import service_error_text as _error_text

from . import gamification_selectors as gs
from . import selectors, services
from .models import LeaderboardSnapshot

PAGE_SIZE = 25


@login_required
def points(request):
    page = Paginator(gs.points_ledger(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/gamification/points.html", {
        "balance": gs.points_balance(user_id=request.user.pk), "page": page,
        "profile": gs.gamification_profile(user=request.user),
    })  # fmt: skip


@login_required
@require_POST
def preferences(request):
    services.gamification_preferences_set(
        user=request.user,
        leaderboard_opt_out=request.POST.get("leaderboard_opt_out") == "on",
        achievements_public=request.POST.get("achievements_public") == "on",
    )
    messages.success(request, _("Your preferences were saved."))
    next_url = request.POST.get("next", "")
    if next_url in ("leaderboard", "achievements"):
        return redirect(f"learning:{next_url}")
    return redirect("learning:points")


@login_required
def achievements(request):
    rows = gs.achievements_for_user(user=request.user)
    earned = [r for r in rows if r["award"]]
    locked = [r for r in rows if not r["award"]]
    return render(request, "learning/gamification/achievements.html", {
        "earned": earned, "locked": locked, "total": len(rows), "balance": gs.points_balance(user_id=request.user.pk),
        "profile": gs.gamification_profile(user=request.user),
    })  # fmt: skip


@login_required
@require_GET
def achievements_fragment(request):
    """The htmx fragment the profile page includes: the user's badges."""
    awards = list(gs.user_achievements(user=request.user)[:12])
    return render(request, "learning/gamification/_profile_badges.html", {
        "awards": awards, "balance": gs.points_balance(user_id=request.user.pk),
    })  # fmt: skip


@require_GET
def achievement_award(request, award_id):
    """Public: the page an achievement's credential points to (404 when its holder hid it)."""
    award = gs.achievement_award_public(award_id=award_id)
    return render(request, "learning/gamification/award.html", {"award": award})


@login_required
def leaderboard(request):
    period = request.GET.get("period", LeaderboardSnapshot.Period.WEEK)
    course = None
    slug = request.GET.get("course", "").strip()
    if slug:
        course = selectors.course_for_learning(slug=slug, user=request.user)
    board = gs.leaderboard(user=request.user, period=period, course=course)
    return render(request, "learning/gamification/leaderboard.html", {
        "board": board, "periods": LeaderboardSnapshot.Period.choices,
        "courses": gs.leaderboard_courses(user=request.user),
    })  # fmt: skip


@login_required
def challenges(request):
    return render(
        request, "learning/gamification/challenges.html", {"groups": gs.challenges_for_user(user=request.user)}
    )


@login_required
@require_POST
def challenge_join(request, challenge_id):
    challenge = gs.challenge_get(challenge_id=challenge_id)
    try:
        services.challenge_join(user=request.user, challenge=challenge)
    except (ValidationError, PermissionDenied, ConflictError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("You joined “%(title)s”. Good luck!") % {"title": challenge.title})
    return redirect("learning:challenges")
