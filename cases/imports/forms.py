from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cases import policy


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, one row per case, columns as in the bulk import format."),
    )
    publish = forms.BooleanField(
        label=_("Publish the imported cases"),
        required=False,
        help_text=_("Otherwise they are created as drafts for review."),
    )
    valid_only = forms.BooleanField(
        label=_("Import the valid rows only"),
        required=False,
        help_text=_("Otherwise nothing is imported while any row has an error."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_publish(self):
        publish = self.cleaned_data["publish"]
        if publish and not policy.may_publish(self.user):
            raise forms.ValidationError(
                _("You may not publish: import as drafts and ask an editor to publish them.")
            )
        return publish

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.")
                % {"limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)}
            )
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    publish = forms.BooleanField(label=_("Publish the imported cases"), required=False)
    valid_only = forms.BooleanField(label=_("Import the valid rows only"), required=False)


class MergeForm(forms.Form):
    keep = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    merge = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
