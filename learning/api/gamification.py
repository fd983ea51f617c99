"""Gamification API: my points and ledger, achievements, leaderboards, challenges, my preferences.

Everything is the caller's own (no user id is ever taken from the request); other users appear only as
leaderboard entries, and never when they opted out.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from courseworx.core.api.schema import conflict_codes
from learning import gamification_selectors as gs
from learning import selectors, services
from learning.models import (
    Achievement,
    Challenge,
    ChallengeParticipation,
    LeaderboardSnapshot,
    PointsEntry,
    UserAchievement,
)

from .serializers import CourseRefSerializer

# --- Serializers ---------------------------------------------------------------------------------


class PointsBalanceOutputSerializer(serializers.Serializer):
    balance = serializers.IntegerField(help_text="The sum of the caller's points ledger.")


class PointsEntryOutputSerializer(serializers.ModelSerializer):
    course = CourseRefSerializer(allow_null=True)
    reason_label = serializers.CharField(source="get_reason_display")

    class Meta:
        model = PointsEntry
        fields = ["id", "amount", "reason", "reason_label", "course", "note", "created_at"]


class AchievementOutputSerializer(serializers.ModelSerializer):
    image = serializers.CharField(source="image_url")

    class Meta:
        model = Achievement
        fields = ["id", "slug", "name", "description", "criterion_kind", "threshold", "points_reward", "image"]


class AchievementProgressOutputSerializer(serializers.Serializer):
    achievement = AchievementOutputSerializer()
    earned = serializers.BooleanField()
    awarded_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.IntegerField()
    percent = serializers.IntegerField()


class UserAchievementOutputSerializer(serializers.ModelSerializer):
    achievement = AchievementOutputSerializer()
    url = serializers.CharField(source="get_absolute_url", help_text="The award's public page.")

    class Meta:
        model = UserAchievement
        fields = ["id", "achievement", "awarded_at", "url"]


class LeaderboardEntryOutputSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    points = serializers.IntegerField()
    is_me = serializers.BooleanField()


class LeaderboardOutputSerializer(serializers.Serializer):
    period = serializers.CharField()
    course = CourseRefSerializer(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    entries = LeaderboardEntryOutputSerializer(many=True)
    my_rank = serializers.IntegerField(allow_null=True)
    my_points = serializers.IntegerField()
    opted_out = serializers.BooleanField()


class ParticipationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChallengeParticipation
        fields = ["joined_at", "progress", "completed_at"]


class ChallengeOutputSerializer(serializers.ModelSerializer):
    course = CourseRefSerializer(allow_null=True)
    my_participation = serializers.SerializerMethodField()

    class Meta:
        model = Challenge
        fields = [
            "id", "title", "description", "metric", "target", "starts_at", "ends_at", "reward_points", "course",
            "my_participation",
        ]  # fmt: skip

    @extend_schema_field(ParticipationOutputSerializer(allow_null=True))
    def get_my_participation(self, obj) -> dict | None:
        mine = getattr(obj, "my_participation", None)
        return ParticipationOutputSerializer(mine[0]).data if mine else None


class MyChallengeOutputSerializer(serializers.ModelSerializer):
    challenge = ChallengeOutputSerializer()

    class Meta:
        model = ChallengeParticipation
        fields = ["challenge", "joined_at", "progress", "completed_at"]


class PreferencesSerializer(serializers.Serializer):
    leaderboard_opt_out = serializers.BooleanField(required=False)
    achievements_public = serializers.BooleanField(required=False)


# --- Views ---------------------------------------------------------------------------------------


class PointsBalanceView(APIView):
    @extend_schema(responses=PointsBalanceOutputSerializer)
    def get(self, request):
        return Response({"balance": gs.points_balance(user_id=request.user.pk)})


class PointsLedgerView(generics.ListAPIView):
    """My points ledger, newest first."""

    queryset = PointsEntry.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = PointsEntryOutputSerializer

    def get_queryset(self):
        return gs.points_ledger(user=self.request.user)


class AchievementListView(APIView):
    """Every active achievement with my progress towards it."""

    @extend_schema(responses=AchievementProgressOutputSerializer(many=True))
    def get(self, request):
        rows = [
            {
                "achievement": r["achievement"],
                "earned": r["award"] is not None,
                "awarded_at": r["award"].awarded_at if r["award"] else None,
                "progress": r["value"],
                "percent": r["percent"],
            }
            for r in gs.achievements_for_user(user=request.user)
        ]
        return Response(AchievementProgressOutputSerializer(rows, many=True).data)


class MyAchievementListView(generics.ListAPIView):
    queryset = UserAchievement.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = UserAchievementOutputSerializer

    def get_queryset(self):
        return gs.user_achievements(user=self.request.user)


PERIOD_PARAM = OpenApiParameter("period", str, enum=LeaderboardSnapshot.Period.values, description="Default week.")
COURSE_PARAM = OpenApiParameter("course", str, description="A course's id or slug (default: site-wide).")


class LeaderboardView(APIView):
    """A leaderboard from its latest snapshot; a course's board only for its students and teachers (404)."""

    @extend_schema(parameters=[PERIOD_PARAM, COURSE_PARAM], responses=LeaderboardOutputSerializer)
    def get(self, request):
        period = request.query_params.get("period", LeaderboardSnapshot.Period.WEEK)
        if period not in LeaderboardSnapshot.Period.values:
            raise DRFValidationError({"period": [_("Choose week, month or all.")]})
        course = None
        value = request.query_params.get("course", "").replace("\x00", "").strip()
        if value:
            course = selectors.course_for_learning_by_id_or_slug(value=value, user=request.user)
        board = gs.leaderboard(user=request.user, period=period, course=course)
        data = {
            "period": board["period"],
            "course": course,
            "computed_at": board["snapshot"].computed_at if board["snapshot"] else None,
            "entries": [
                {
                    "rank": e.rank,
                    "name": e.public_name,
                    "points": e.points,
                    "is_me": e.user_id == request.user.pk,
                }
                for e in board["entries"]
            ],
            "my_rank": board["my_rank"],
            "my_points": board["my_points"],
            "opted_out": board["opted_out"],
        }
        return Response(LeaderboardOutputSerializer(data).data)


STATE_PARAM = OpenApiParameter("state", str, enum=["running", "upcoming", "past"], description="Default all.")


class ChallengeListView(generics.ListAPIView):
    queryset = Challenge.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = ChallengeOutputSerializer

    @extend_schema(parameters=[STATE_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return gs.challenge_list(user=self.request.user, state=self.request.query_params.get("state", ""))


class ChallengeJoinView(APIView):
    """Join a challenge (idempotent); 409 `challenge_ended` after its end, 403 when its course is not yours."""

    @extend_schema(request=None, responses={201: ParticipationOutputSerializer})
    @conflict_codes("challenge_ended")
    def post(self, request, challenge_id):
        challenge = gs.challenge_get(challenge_id=challenge_id)
        participation = services.challenge_join(user=request.user, challenge=challenge)
        return Response(ParticipationOutputSerializer(participation).data, status=status.HTTP_201_CREATED)


class MyChallengeListView(generics.ListAPIView):
    """The challenges I joined, with my progress."""

    queryset = ChallengeParticipation.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = MyChallengeOutputSerializer

    def get_queryset(self):
        return gs.my_challenges(user=self.request.user)


class PreferencesView(APIView):
    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(PreferencesSerializer(gs.gamification_profile(user=request.user)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def patch(self, request):
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.gamification_preferences_set(user=request.user, **data.validated_data)
        return Response(PreferencesSerializer(profile).data)
