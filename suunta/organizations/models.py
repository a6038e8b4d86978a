import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.utils.translation import gettext_lazy as _

from suunta.lib.clock import today
from suunta.lib.models import TimestampedModel, localized
from suunta.lib.validators import validate_business_id, validate_not_blank


class OrganizationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    CITY = "city", _("City")
    WELLBEING_COUNTY = "wellbeing_county", _("Wellbeing services county")
    JOINT_AUTHORITY = "joint_authority", _("Joint municipal authority")


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user):
        # The policy module reads these models: imported here to break the cycle.
        from suunta import policies  # noqa: PLC0415

        return policies.scope_organizations(self, user)


class Organization(TimestampedModel):
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    business_id = models.CharField(
        _("business ID"), max_length=9, unique=True, validators=[validate_business_id]
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=OrganizationKind.choices, default=OrganizationKind.MUNICIPALITY
    )
    # The preset the organization started from (organizations/presets.py); its own
    # bodies, positions and workflow may differ since.
    preset = models.CharField(_("preset"), max_length=32, blank=True)
    use_weights = models.BooleanField(
        _("weights for goals"),
        default=False,
        help_text=_(
            "Goals carry weights summing to 100, and each follow-up shows an overall result "
            "computed from the agreed ratings."
        ),
    )
    # Where goals are weighed: the agreed follow-up rates each metric (weighted inside
    # its goal, split evenly unless set) instead of the goal as a whole.
    assess_metrics = models.BooleanField(
        _("rate each metric"),
        default=False,
        help_text=_(
            "The agreed follow-up rates each metric instead of the goal as a whole; a goal's "
            "points come from its metrics (split evenly unless weights are given)."
        ),
    )

    # The public page (/julkinen/<slug>/): approved goals and the follow-ups reported to
    # the board, as the minutes already make them public. Off until the organization opts in.
    public_page = models.BooleanField(
        _("public goals page"),
        default=False,
        help_text=_(
            "Approved goals and the follow-ups reported to the board are shown without signing in, "
            "with the strategy objectives they serve."
        ),
    )
    annex_shows_objectives = models.BooleanField(
        _("strategy objectives in the annex"),
        default=False,
        help_text=_("The goals annex names under each goal the strategy objectives it serves."),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self, "name")


class Role(models.TextChoices):
    EXECUTIVE = "executive", _("Executive")
    EVALUATOR = "evaluator", _("Evaluator")
    PREPARER = "preparer", _("Preparer")
    BOARD_MEMBER = "board_member", _("Board member")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Organization admin")


class PositionRight(models.TextChoices):
    """What a position may do beyond evaluating. Each is a boolean field of Position;
    the policy reads them as "right:<code>" beside the roles."""

    PRESENTS = "presents", _("Presents the executive's matters to the board")
    MARK_AGREED = "may_mark_agreed", _("Marks a follow-up agreed and closes its unfinished steps")
    CLOSE_MEMO = "may_close_memo", _("Closes a discussion memo that was not confirmed")
    CREATE_SURVEY = "may_create_survey", _("Asks for views before a discussion")
    ASKED_FOR_VIEWS = "asked_for_views", _("Is asked for views before a discussion")


class Position(TimestampedModel):
    """A position an evaluator holds, in the organization's own words (a board
    chair, the authority's board chair …), and the rights it carries. Presets give an
    organization its positions; its admin may change them."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="positions", verbose_name=_("organization")
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100, validators=[validate_not_blank])
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)
    genitive = models.CharField(_("genitive"), max_length=100, blank=True)
    genitive_sv = models.CharField(_("genitive in Swedish"), max_length=100, blank=True)
    presents = models.BooleanField(PositionRight.PRESENTS.label, default=False)
    may_mark_agreed = models.BooleanField(PositionRight.MARK_AGREED.label, default=False)
    may_close_memo = models.BooleanField(PositionRight.CLOSE_MEMO.label, default=False)
    may_create_survey = models.BooleanField(PositionRight.CREATE_SURVEY.label, default=False)
    asked_for_views = models.BooleanField(PositionRight.ASKED_FOR_VIEWS.label, default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="position_unique_code"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def display_genitive(self) -> str:
        return localized(self, "genitive") or self.display_name

    def rights(self) -> frozenset[str]:
        return frozenset(right for right in PositionRight.values if getattr(self, right))


class PositionDescriptor(ForwardManyToOneDescriptor):
    """No title, or a title the organization no longer has: no position (None), as a
    nullable foreign key would give, rather than an exception."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        if not instance.title:
            return None
        try:
            return super().__get__(instance, cls)
        except (self.RelatedObjectDoesNotExist, self.field.remote_field.model.DoesNotExist):
            self.field.set_cached_value(instance, None)
            return None


class PositionField(models.ForeignObject):
    """A join on (organization, code) with no column or constraint of its own."""

    forward_related_accessor_class = PositionDescriptor
    # Asked by SQLite's schema editor when the field is removed (a reversed migration).
    db_constraint = False


def _position_of() -> models.ForeignObject:
    """The Position a membership's or invitation's title names: joined on (organization,
    code), so lists read it with select_related and the policy reads rights in the same
    query as the roles."""
    return PositionField(
        Position,
        on_delete=models.DO_NOTHING,
        from_fields=["organization", "title"],
        to_fields=["organization", "code"],
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("position"),
    )


def position_label(holder) -> str:
    """The position's name for a title, else the role's."""
    if holder.title:
        position = holder.position
        return position.display_name if position else holder.title
    return Role(holder.role).label


def check_agreement(holder, errors: dict, *, required: bool) -> None:
    """An evaluator evaluates one of the organization's agreements; other roles are
    the organization's. `required`: new grants name the agreement."""
    if holder.role != Role.EVALUATOR:
        if holder.agreement_id:
            errors["agreement"] = _("Only an evaluator's role is tied to a director agreement.")
    elif holder.agreement_id is None:
        if required:
            errors["agreement"] = _("Choose the director agreement the evaluator evaluates.")
    elif holder.agreement.organization_id != holder.organization_id:
        errors["agreement"] = _("The agreement is not the organization's.")


def check_title(holder, errors: dict) -> None:
    """An evaluator holds one of the organization's positions; nobody else holds one."""
    if holder.role == Role.EVALUATOR and not holder.title:
        errors["title"] = _("An evaluator holds a position, e.g. the board chair.")
    elif holder.role != Role.EVALUATOR and holder.title:
        errors["title"] = _("Only evaluators hold a position.")
    elif (
        holder.title
        and holder.organization_id
        and not Position.objects.filter(organization_id=holder.organization_id, code=holder.title).exists()
    ):
        errors["title"] = _("The organization has no such position.")


# Roles that open confidential content: evaluators take part in the discussions and read
# their restricted notes; the executive reads his or her own. Granting them needs the
# decision it rests on, is shown to the executive, and never goes to the admin granting
# it (see policies.GRANT_ROLE).
CONFIDENTIAL_ROLES = frozenset({"evaluator", "executive"})


class MembershipQuerySet(models.QuerySet):
    def valid_on(self, date: datetime.date | None = None):
        """Memberships in force on the day; a grant waiting for a second admin's
        confirmation is not in force yet."""
        date = date or today()
        return self.filter(valid_from__lte=date, awaiting_confirmation=False).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=date)
        )


class Membership(TimestampedModel):
    """A person's role in an organization for a period.

    Evaluators change with the council term; old memberships stay so the history
    keeps who wrote what and in which role.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # The code of one of the organization's positions (evaluators only).
    title = models.CharField(_("position"), max_length=32, blank=True)
    position = _position_of()
    # The director agreement an evaluator evaluates: evaluator rights are held per
    # agreement. Empty on an evaluator only in data from before agreements were named
    # (the whole organization's agreements); other roles are the organization's.
    agreement = models.ForeignKey(
        "agreements.DirectorAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluator_memberships",
        verbose_name=_("director agreement"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(
        _("decision the role rests on"),
        max_length=300,
        blank=True,
        help_text=_("E.g. KV 12.6.2025 § 30, election of the board chair."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    # A confidential role given to an organization admin waits for a second admin.
    awaiting_confirmation = models.BooleanField(_("waiting for confirmation"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["role", "valid_from", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_valid_to_after_from",
            ),
            # A retried or doubled submit never adds the same role twice (two
            # constraints: NULL agreements would count as distinct in one).
            models.UniqueConstraint(
                fields=["organization", "user", "role", "title", "valid_from"],
                condition=Q(agreement__isnull=True),
                name="membership_unique_start",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "title", "agreement", "valid_from"],
                condition=Q(agreement__isnull=False),
                name="membership_unique_start_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.label} ({self.organization})"

    @property
    def label(self) -> str:
        return position_label(self)

    def clean(self):
        errors = {}
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date cannot be before the start date.")
        check_title(self, errors)
        # A grant names its agreement; a stored one from before may not (ended then).
        check_agreement(self, errors, required=self._state.adding)
        if errors:
            raise ValidationError(errors)


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("waiting for acceptance")
    ACCEPTED = "accepted", _("accepted")
    CANCELLED = "cancelled", _("cancelled")


class Invitation(TimestampedModel):
    """A role offered to a person by e-mail. The person accepts with the link: with a new
    account, or with the account they already have (e.g. from another organization).
    An organization never looks people up across organizations: it knows only the
    address it typed."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("organization")
    )
    email = models.EmailField(_("e-mail"))
    # Empty only for the first admin of a new organization, known by address alone.
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(_("position"), max_length=32, blank=True)
    position = _position_of()
    agreement = models.ForeignKey(
        "agreements.DirectorAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("director agreement"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(_("decision the role rests on"), max_length=300, blank=True)
    # None: the operator who set the organization up (manage.py create_organization).
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.OPEN
    )
    # The SHA-256 of the link's token in the latest mail: the link itself is made when the
    # mail leaves and never stored. A new mail makes a new link; the old one stops working.
    token_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # The first admin's link as the operator's command printed it (the operator hands it
    # over if the mail is lost); cleared by a new mail, like the mail's own link.
    printed_token_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    link_expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and role: a retry shows the one waiting.
            models.UniqueConstraint(
                fields=["organization", "email", "role", "title", "valid_from"],
                condition=Q(status="open", agreement__isnull=True),
                name="invitation_unique_open",
            ),
            models.UniqueConstraint(
                fields=["email", "role", "title", "agreement", "valid_from"],
                condition=Q(status="open", agreement__isnull=False),
                name="invitation_unique_open_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        # A new organization's first admin is known by address alone.
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def role_label(self) -> str:
        return position_label(self)

    def clean(self):
        errors = {}
        check_title(self, errors)
        check_agreement(self, errors, required=self._state.adding)
        if errors:
            raise ValidationError(errors)


class BodyKind(models.TextChoices):
    PREPARATORY = "preparatory", _("Preparatory group (e.g. political leadership group)")
    BOARD = "board", _("Board")
    COUNCIL = "council", _("Council")
    CHAIR_GROUP = "chair_group", _("Chair group (the chairs of the board and the council)")


class Body(TimestampedModel):
    """A body (toimielin) that handles plans: poljory, the board, the council."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    short_name = models.CharField(_("short form"), max_length=20, blank=True)
    short_name_sv = models.CharField(_("short form in Swedish"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="body_unique_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def display_short(self) -> str:
        return localized(self, "short_name") or self.display_name
