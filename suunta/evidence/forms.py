from django import forms
from django.utils.translation import gettext_lazy as _

from . import uploads
from .models import TITLE_MAX, URL_MAX
from .services import link_errors


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """Any number of files, returned as a list. Their names, sizes and contents are
    checked by uploads.check_all, which names each refused file in its own message."""

    widget = MultipleFileInput

    def clean(self, value):
        if value is None:
            return []
        files = value if isinstance(value, list | tuple) else [value]
        return [f for f in files if f]


class EvidenceForm(forms.Form):
    """Files or a link for one goal's own assessment.

    The follow-up page writes every goal's assessment in one big form, and forms do
    not nest: this form's <form> element stands outside it, empty, and its controls
    join it through their `form` attribute (plain HTML, no script needed)."""

    files = MultipleFileField(label=_("Files"), required=False)
    url = forms.CharField(
        label=_("Web address"),
        max_length=URL_MAX,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    title = forms.CharField(label=_("Title of the link"), max_length=TITLE_MAX, required=False)

    def __init__(self, *args, form_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_id = form_id
        for field in self.fields.values():
            field.widget.attrs["form"] = form_id
        self.fields["files"].widget.attrs.update({"multiple": True, "accept": uploads.ACCEPT})
        self.fields["files"].help_text = _("%(types)s; at most %(size)s MB per file.") % {
            "types": uploads.ALLOWED_LABELS,
            "size": uploads.max_megabytes(),
        }

    def clean(self):
        data = super().clean()
        files, url, title = (
            data.get("files") or [],
            data.get("url", "").strip(),
            data.get("title", "").strip(),
        )
        if files and (url or title):
            raise forms.ValidationError(_("Attach either files or a link, not both at once."))
        if not files and not url and not title:
            self.add_error("files", _("Choose a file to attach, or enter a link below."))
        elif not files:
            for name, message in link_errors(url, title).items():
                if name not in self.errors:
                    self.add_error(name, message)
        return data


def evidence_form(goal_id: int, data=None, files=None) -> EvidenceForm:
    """The evidence form of one goal on the follow-up page."""
    return EvidenceForm(data, files, prefix=f"evidence-{goal_id}", form_id=f"evidence-add-{goal_id}")
