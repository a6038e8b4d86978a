"""The sentences a document prints in the organization's own words (DocumentTexts), and
their defaults: a preset's own texts (the seed's only in the mayor model), or texts
written from the organization's positions and bodies. {genitive} is replaced by the
agreement's stored genitive of the position: the system never inflects a word itself.

Which version a document uses: an approved (frozen) plan version's pinned one; else the
organization's latest; else the defaults (unsaved until the organization's first edit or
first approval pins them as version 1)."""

from types import SimpleNamespace

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from suunta.governance.workflow import approving_body
from suunta.organizations.models import BodyKind, Organization
from suunta.organizations.presets import PRESETS

from .models import DocumentTexts, VersionTexts

PLACEHOLDER = "{genitive}"
FIELDS = (
    "agreement",
    "agreement_sv",
    "purpose",
    "purpose_sv",
    "evaluation",
    "evaluation_sv",
    "appeal",
    "appeal_sv",
)


def _name(item, lang: str) -> str:
    return (item.name_sv or item.name) if lang == "sv" else item.name


def _names(items, lang: str, conjunction: str) -> str:
    """ "A, b ja c" of names as stored (nominative: nothing is inflected); the names
    after the first start in lower case, as mid-sentence."""
    names = [_name(item, lang) for item in items]
    names = names[:1] + [name[:1].lower() + name[1:] for name in names[1:]]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def default_texts(organization) -> DocumentTexts:
    """The organization's default texts (unsaved): its preset's own, or written from its
    positions and bodies."""
    preset = PRESETS.get(organization.preset)
    approver = approving_body(organization)
    board = next((b for b in organization.bodies.all() if b.kind == BodyKind.BOARD), approver)
    texts = DocumentTexts(organization=organization, number=1)
    own = preset.texts if preset else None
    if own:
        texts.agreement, texts.agreement_sv = own.agreement, own.agreement_sv
        texts.purpose, texts.purpose_sv = "\n".join(own.purpose), "\n".join(own.purpose_sv)
        texts.evaluation, texts.evaluation_sv = "\n".join(own.evaluation), "\n".join(own.evaluation_sv)
    else:
        _write_generic(texts, list(organization.positions.all()), approver, board)
    for lang, field in (("fi", "appeal"), ("sv", "appeal_sv")):
        with override(lang):
            setattr(texts, field, _appeal_default(board, lang))
    return texts


def _write_generic(texts: DocumentTexts, positions, approver, board) -> None:
    """Sentences that name the organization's own positions and bodies."""
    for lang, suffix in (("fi", ""), ("sv", "_sv")):
        with override(lang):
            evaluators = _names(positions, lang, _("and"))
            sentences = [
                _("The %(genitive)s annual goals are set to carry out the strategy and the budget's goals.")
                % {"genitive": PLACEHOLDER},
                ngettext(
                    "%(evaluators)s holds the yearly goal and development discussions on the %(genitive)s goals.",
                    "%(evaluators)s hold the yearly goal and development discussions on the %(genitive)s goals.",
                    len(positions),
                )
                % {"evaluators": evaluators, "genitive": PLACEHOLDER}
                if evaluators
                else "",
                _(
                    "The discussions evaluate how last year's goals were reached, set the coming goals and "
                    "go through the needs for training and development."
                ),
                _("%(body)s approves the %(genitive)s annual goals.")
                % {"body": _name(approver, lang), "genitive": PLACEHOLDER}
                if approver
                else "",
                _(
                    "The goals are written in a document annexed to the director agreement and are a part of "
                    "the agreement updated every year."
                ),
            ]
            setattr(texts, "agreement" + suffix, " ".join(s for s in sentences if s))
            purpose = [
                _("Based on the director agreement"),
                _("Leadership that supports the strategy, and clear priorities"),
                _("Setting and following the goals of the %(genitive)s work and their criteria")
                % {"genitive": PLACEHOLDER},
                _("Developing the %(genitive)s competence and ensuring wellbeing at work")
                % {"genitive": PLACEHOLDER},
            ]
            setattr(texts, "purpose" + suffix, "\n".join(purpose))
            evaluation = (
                _("Progress is followed at the agreed checkpoints and reported to %(body)s.")
                % {"body": _name(board, lang)}
                if board
                else ""
            )
            setattr(texts, "evaluation" + suffix, evaluation)


def _appeal_default(board, lang: str) -> str:
    body = _name(board, lang) if board else ""
    return _(
        "Instructions for requesting an administrative review: a party to the matter and a member of "
        "the municipality may request a review of this decision in writing within 14 days of being "
        "notified of it. The request is addressed to %(body)s. It must state the decision concerned, "
        "the changes requested and their grounds, and it must be signed. A decision made on the request "
        "may be appealed to the administrative court."
    ) % {"body": body or "–"}


def current_texts(organization) -> DocumentTexts:
    """The organization's latest saved texts, or its defaults."""
    latest = DocumentTexts.objects.filter(organization=organization).order_by("-number").first()
    return latest or default_texts(organization)


def texts_of(version) -> DocumentTexts:
    """The texts a plan version's documents print: the pinned ones of a frozen version
    (one approved before texts were pinned uses the organization's first saved texts,
    which are the defaults of that time); else the current ones."""
    organization = version.plan.agreement.organization
    if version.is_frozen:
        pinned = VersionTexts.objects.filter(version=version).select_related("texts").first()
        if pinned:
            return pinned.texts
        first = DocumentTexts.objects.filter(organization=organization).order_by("number").first()
        if first:
            return first
    return current_texts(organization)


def saved_current_texts(organization) -> DocumentTexts:
    """The latest texts, the defaults saved as version 1 when none were saved yet."""
    texts = current_texts(organization)
    if texts.pk is None:
        texts.save()
    return texts


def pin(version) -> None:
    """Record the texts the version's documents print from now on, once (at its
    approval; closing it later keeps them). The organization's row is locked, as by
    save_texts: two approvals at once never both save the defaults as version 1."""
    if VersionTexts.objects.filter(version=version).exists():
        return
    organization = Organization.objects.select_for_update().get(pk=version.plan.agreement.organization_id)
    VersionTexts.objects.create(version=version, texts=saved_current_texts(organization))


# --- For the documents ---------------------------------------------------------------------


def _fill(text: str, genitive: str) -> str:
    return text.replace(PLACEHOLDER, genitive)


def _swedish(agreement, texts: DocumentTexts, field: str, lang: str) -> bool:
    return lang == "sv" and bool(agreement.position_genitive_sv) and bool(getattr(texts, field + "_sv"))


def _text(agreement, texts: DocumentTexts, field: str, lang: str) -> str:
    """The field in the document's language ({genitive} filled in): Swedish where both
    the text and the position's Swedish genitive exist, else Finnish."""
    if _swedish(agreement, texts, field, lang):
        return _fill(getattr(texts, field + "_sv"), agreement.position_genitive_sv)
    return _fill(getattr(texts, field), agreement.position_genitive)


def _lines(agreement, texts: DocumentTexts, field: str, lang: str) -> list[str]:
    return [
        capfirst(line.strip()) for line in _text(agreement, texts, field, lang).splitlines() if line.strip()
    ]


def agreement_text(agreement, lang: str, texts: DocumentTexts) -> str:
    return capfirst(_text(agreement, texts, "agreement", lang))


def purpose_items(agreement, lang: str, texts: DocumentTexts) -> list[str]:
    return _lines(agreement, texts, "purpose", lang)


def evaluation_items(agreement, lang: str, texts: DocumentTexts) -> list[str]:
    return _lines(agreement, texts, "evaluation", lang)


def appeal_text(agreement, lang: str, texts: DocumentTexts) -> str:
    if lang == "sv" and texts.appeal_sv:
        return texts.appeal_sv
    return texts.appeal


def preview(organization, own: DocumentTexts) -> list[dict]:
    """The annex's texts as they would print, in Finnish and Swedish, for the
    organization's latest agreement (the {genitive} left visible when it has none)."""
    agreement = organization.agreements.order_by("-starts_on", "-id").first()
    if agreement is None:
        agreement = SimpleNamespace(position_genitive=PLACEHOLDER, position_genitive_sv=PLACEHOLDER)
    result = []
    for lang in ("fi", "sv"):
        with override(lang):
            # Both keys in every section: a template's `section.items` would otherwise
            # find the dict's items() method.
            sections = [
                (_("Director agreement"), [agreement_text(agreement, lang, own)], []),
                (_("Purpose of the goal discussion"), [], purpose_items(agreement, lang, own)),
                (_("Evaluation of the goals"), [], evaluation_items(agreement, lang, own)),
                (_("Appeal"), [appeal_text(agreement, lang, own)], []),
            ]
            result.append(
                {
                    "lang": lang,
                    "heading": _("In Finnish") if lang == "fi" else _("In Swedish"),
                    "sections": [
                        {"heading": heading, "paragraphs": paragraphs, "items": items}
                        for heading, paragraphs, items in sections
                    ],
                }
            )
    return result
