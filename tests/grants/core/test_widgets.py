"""The portal's file input (grants/core/widgets.py)."""

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile

from grants.core.widgets import FileInput
from grants.models import Proposal


class UploadForm(forms.Form):
    file = forms.FileField(required=False, widget=FileInput)


def stored(name="attachments/3f9c.pdf"):
    return FieldFile(Proposal(), Proposal._meta.get_field("narrative_pdf"), name)


def test_without_a_file_it_is_a_plain_file_input():
    html = str(UploadForm()["file"])
    assert '<input type="file" name="file" id="id_file">' in html
    assert "Current file" not in html


def test_a_stored_file_offers_to_replace_or_remove_it_and_hides_its_storage_name():
    html = str(UploadForm(initial={"file": stored()})["file"])
    assert "Current file: <span>a stored file</span>" in html
    assert '<label for="id_file">Replace it with another file:</label>' in html
    assert '<input type="checkbox" name="file-clear" id="file-clear_id">' in html
    assert '<label for="file-clear_id">Remove the current file</label>' in html
    assert "3f9c" not in html
    assert "Currently" not in html and "Change" not in html


def test_an_upload_that_failed_its_checks_is_not_shown_as_the_current_file():
    upload = SimpleUploadedFile("bad.pdf", b"not a pdf")
    form = UploadForm(data={}, files={"file": upload})
    form.add_error("file", "bad")
    assert "Current file" not in str(form["file"])


def test_a_required_file_cannot_be_removed():
    class Required(forms.Form):
        file = forms.FileField(widget=FileInput)

    html = str(Required(initial={"file": stored()})["file"])
    assert "Replace it with another file" in html
    assert "file-clear" not in html
