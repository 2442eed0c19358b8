"""Form widgets of the portal's own."""

from django import forms
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _


class StoredFile:
    """A stored file as its widget shows it: the name its owner gave it and, when the user may
    download it, the permission-checked page that does."""

    def __init__(self, *, name, url=None):
        self.name, self.url = name, url

    def __str__(self):
        return self.name


class FileInput(forms.ClearableFileInput):
    """Every file field of the portal: the current file's name (a link when the user may
    download it), then a labelled choice to replace it with another or to remove it.

    Uploads have no public URL (MEDIA_URL is None), so Django's own widget, which links
    ``value.url``, cannot show them; a subclass says how to name and link a stored file in
    ``stored_file``."""

    template_name = "grants/widgets/file_input.html"
    clear_checkbox_label = _("Remove the current file")
    input_text = _("Replace it with another file")
    initial_text = _("Current file")

    def is_initial(self, value):
        # A new upload that failed its checks is not kept: only a stored file is "current".
        return isinstance(value, FieldFile) and bool(value.name)

    def format_value(self, value):
        return self.stored_file(value) if self.is_initial(value) else None

    def stored_file(self, value):
        """The stored file without a link: its storage name is random, never shown."""
        return StoredFile(name=_("a stored file"))
