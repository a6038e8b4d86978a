"""Goal and development discussions (tavoite- ja kehityskeskustelut).

Notes on training, development needs and wellbeing are personal data and often
secret, so every section of a discussion has its own publicity class: a restricted
section names its secrecy basis, and its text is shown only to the discussion's
participants (suunta.policies decides). Restricted texts never reach board material,
exports or the audit log (they are recorded there as hashes).

Participants confirm the memo ("luettu ja hyväksytty"); once everyone has confirmed,
or a position with the right closes it with a reason, the memo is frozen like an approved annex.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from suunta.agreements.models import DESCRIPTION_MAX, TITLE_MAX, DirectorAgreement, GoalArea, GoalPlan
from suunta.lib.models import TimestampedModel, localized
from suunta.lib.publicity import Publicity, PublicityMixin
from suunta.lib.validators import validate_not_blank
from suunta.organizations.models import Organization

MEMO_MAX = 10000


class SecrecyBasis(TimestampedModel):
    """A legal basis for keeping a section secret; each organization checks the wording."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="secrecy_bases")
    label = models.CharField(_("secrecy basis"), max_length=200, validators=[validate_not_blank])
    label_sv = models.CharField(_("secrecy basis in Swedish"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("secrecy basis")
        verbose_name_plural = _("secrecy bases")

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return localized(self, "label")


class SectionKind(models.TextChoices):
    LAST_YEAR = "last_year", _("Last year's goals and their realisation")
    COMING_GOALS = "coming_goals", _("The coming goals")
    DEVELOPMENT = "development", _("Training and development needs")
    WELLBEING = "wellbeing", _("Wellbeing at work")
    COOPERATION = "cooperation", _("Cooperation between the political and operative leadership")
    OTHER = "other", _("Other matters")


class AgendaSection(TimestampedModel):
    """One section of an organization's discussion agenda template."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="agenda_sections")
    kind = models.CharField(_("kind"), max_length=20, choices=SectionKind.choices, default=SectionKind.OTHER)
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_not_blank])
    title_sv = models.CharField(_("title in Swedish"), max_length=TITLE_MAX, blank=True)
    publicity = models.CharField(
        _("publicity"), max_length=16, choices=Publicity.choices, default=Publicity.PUBLIC
    )
    secrecy_basis = models.ForeignKey(
        SecrecyBasis, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("secrecy basis")
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("agenda section")
        verbose_name_plural = _("agenda sections")

    def __str__(self) -> str:
        return localized(self, "title")


class DiscussionKind(models.TextChoices):
    ANNUAL = "annual", _("Annual goal and development discussion")
    FOLLOWUP = "followup", _("Follow-up discussion")


class DiscussionStatus(models.TextChoices):
    OPEN = "open", _("Memo being written")
    FROZEN = "frozen", _("Memo confirmed")


class DiscussionQuerySet(models.QuerySet):
    def for_user(self, user):
        # The policy module reads these models: imported here to break the cycle.
        from suunta import policies  # noqa: PLC0415

        return policies.scope_discussions(self, user)


class Discussion(TimestampedModel):
    agreement = models.ForeignKey(
        DirectorAgreement, on_delete=models.PROTECT, related_name="discussions", verbose_name=_("agreement")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=DiscussionKind.choices, default=DiscussionKind.ANNUAL
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=90)
    place = models.CharField(_("place"), max_length=200, blank=True)
    plans = models.ManyToManyField(GoalPlan, related_name="discussions", blank=True, verbose_name=_("plans"))
    status = models.CharField(
        _("status"), max_length=16, choices=DiscussionStatus.choices, default=DiscussionStatus.OPEN
    )
    closed_reason = models.TextField(_("reason for closing"), max_length=DESCRIPTION_MAX, blank=True)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    memo_sha256 = models.CharField(_("memo checksum"), max_length=64, blank=True)
    # The memo as it was confirmed (canonical JSON; memo_sha256 is its checksum). The
    # development items belong to the agreement and move on after the freeze; a frozen
    # memo shows them from here, as they were when confirmed. Holds restricted texts:
    # never shown in the admin or the audit log.
    memo_json = models.TextField(_("confirmed memo"), blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)  # calendar identity

    objects = DiscussionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d.%m.%Y}"

    @property
    def is_frozen(self) -> bool:
        return self.status == DiscussionStatus.FROZEN

    @property
    def organization_id(self) -> int:
        return self.agreement.organization_id

    def has_content(self) -> bool:
        """Has anything been written in the memo: a section text, a development item
        raised here or a survey answer? From then on the circle is closed to outsiders."""
        return (
            self.sections.exclude(text="").exists()
            or self.raised_items.exists()
            or SurveyAnswer.objects.filter(survey__discussion=self).exists()
        )


class Participant(TimestampedModel):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["discussion", "user"], name="participant_unique")]

    def __str__(self) -> str:
        return str(self.user)


class Section(PublicityMixin, TimestampedModel):
    """One agenda section of a discussion, with its memo text."""

    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("kind"), max_length=20, choices=SectionKind.choices, default=SectionKind.OTHER)
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_not_blank])
    title_sv = models.CharField(_("title in Swedish"), max_length=TITLE_MAX, blank=True)
    secrecy_basis = models.ForeignKey(
        SecrecyBasis, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("secrecy basis")
    )
    text = models.TextField(_("memo"), max_length=MEMO_MAX, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    # Optimistic locking: two people writing the memo at once must not overwrite each other.
    revision = models.PositiveIntegerField(default=1)

    # The audit log records only a hash of these.
    audit_restricted_fields = ("text",)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("discussion section")
        verbose_name_plural = _("discussion sections")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    @property
    def is_restricted(self) -> bool:
        return self.publicity == Publicity.RESTRICTED

    def clean(self):
        if self.is_restricted and self.secrecy_basis_id is None:
            raise ValidationError({"secrecy_basis": _("A restricted section must name its secrecy basis.")})
        if not self.is_restricted and self.secrecy_basis_id is not None:
            raise ValidationError({"secrecy_basis": _("A public section has no secrecy basis.")})


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


CARRIED_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)


class DevelopmentItem(TimestampedModel):
    """An item of the executive's development plan. It belongs to the agreement, so it
    carries from one discussion (and year) to the next until done or dropped. Items are
    personal data: visible to the executive and to discussion participants only."""

    agreement = models.ForeignKey(
        DirectorAgreement, on_delete=models.PROTECT, related_name="development_items"
    )
    raised_in = models.ForeignKey(
        Discussion, on_delete=models.PROTECT, related_name="raised_items", verbose_name=_("raised in")
    )
    need = models.CharField(_("need"), max_length=TITLE_MAX, validators=[validate_not_blank])
    action = models.TextField(_("agreed action"), max_length=DESCRIPTION_MAX, validators=[validate_not_blank])
    responsible = models.CharField(_("responsible"), max_length=200, validators=[validate_not_blank])
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    # The discussion in which the item was marked done or dropped: it stops carrying
    # over, but stays on that discussion's memo, which records the decision.
    closed_in = models.ForeignKey(
        Discussion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="closed_items",
        verbose_name=_("closed in"),
    )

    # The whole development plan is restricted: who is responsible for a training or
    # a wellbeing measure says as much as the need itself.
    audit_restricted_fields = ("need", "action", "responsible")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("development item")
        verbose_name_plural = _("development items")

    def __str__(self) -> str:
        return str(_("development item"))

    @property
    def raised_on(self):
        return self.raised_in.held_on


class ItemShare(TimestampedModel):
    """A development item shown to someone outside the circle where it was written.

    Who reads a development item is decided by the circle of the discussion that raised
    it (its participants) and the executive it concerns, never by a circle drawn later:
    someone who sets up a new discussion does not see earlier items by doing so. The
    executive or a member of the item's circle may share it, e.g. with the evaluators of
    a new council term; every share is audited and listed to the executive."""

    item = models.ForeignKey(DevelopmentItem, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("shared with")
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("shared by")
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("development item share")
        verbose_name_plural = _("development item shares")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="item_share_unique")]

    def __str__(self) -> str:
        return str(_("development item share"))


class Survey(TimestampedModel):
    """The optional pre-discussion survey (by a position with the right) to board members and the positions asked for views."""

    discussion = models.OneToOneField(Discussion, on_delete=models.CASCADE, related_name="survey")
    anonymous = models.BooleanField(_("anonymous answers"), default=False)
    closes_on = models.DateField(_("answers by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("recipients")
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")


class SurveyAnswer(TimestampedModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    goal_area = models.ForeignKey(GoalArea, on_delete=models.PROTECT, related_name="+")
    # Kept for one-answer-per-person even when answers are anonymous; never shown then.
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("view"), max_length=DESCRIPTION_MAX)

    audit_restricted_fields = ("text",)

    class Meta:
        ordering = ["goal_area__order", "id"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["survey", "goal_area", "respondent"], name="survey_answer_unique")
        ]
