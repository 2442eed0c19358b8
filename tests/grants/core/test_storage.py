"""Uploads in S3-compatible object storage, configured as production configures it
(portal.settings.object_storage_from_env) against moto's S3 API inside the test process."""

import re
import subprocess
import sys

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from moto import mock_aws
from storages.backends.s3 import S3Storage

from grants.funding import decisions, outcomes
from grants.models import Call, Proposal
from portal.settings import object_storage_from_env
from tests.factories import make_call, make_proposal, make_user
from tests.grants.proposals.test_proposal_edit import form_data, pdf_bytes
from tests.reviews.factories import make_panel_call
from tests.trust.test_headers import ROOT, production_environment

BUCKET = "yrd-attachments"
# A MinIO-style endpoint of our own: nothing listens there, moto answers in-process.
ENDPOINT = "http://objects.yrd-fund.internal:9000"
RANDOM_KEY = re.compile(r"attachments/[0-9a-f]{32}\.pdf")


@pytest.fixture
def bucket(settings, monkeypatch, tmp_path):
    """The uploads' bucket, with the default storage pointed at it by the production code."""
    settings.MEDIA_ROOT = tmp_path / "media"
    variables = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": ENDPOINT,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "MOTO_S3_CUSTOM_ENDPOINTS": ENDPOINT,
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": object_storage_from_env()}
        yield s3


def keys_in(s3):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_the_default_storage_is_the_bucket(bucket):
    assert isinstance(default_storage, S3Storage)
    assert default_storage.bucket_name == BUCKET
    assert default_storage.default_acl == "private"


def test_an_uploaded_narrative_goes_to_the_bucket_and_comes_back_through_the_checked_view(
    client, reference, bucket, tmp_path
):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    client.force_login(lead)
    content = pdf_bytes(2)
    upload = SimpleUploadedFile("../../我的 计划书.pdf", content, content_type="application/pdf")

    response = client.post(
        f"/proposals/{proposal.pk}/edit/", {**form_data(proposal), "narrative_pdf": upload}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert RANDOM_KEY.fullmatch(proposal.narrative_pdf.name)
    assert keys_in(bucket) == [proposal.narrative_pdf.name]
    stored = bucket.get_object(Bucket=BUCKET, Key=proposal.narrative_pdf.name)
    assert stored["Body"].read() == content
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=proposal.narrative_pdf.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner alone
    assert not (tmp_path / "media").exists()

    download = client.get(f"/proposals/{proposal.pk}/narrative/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content

    client.force_login(make_user(institution="南京大学"))
    assert client.get(f"/proposals/{proposal.pk}/narrative/").status_code == 404


def test_an_object_missing_from_the_bucket_is_a_404(client, reference, bucket):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    Proposal.objects.filter(pk=proposal.pk).update(narrative_pdf="attachments/gone.pdf")
    client.force_login(lead)
    assert client.get(f"/proposals/{proposal.pk}/narrative/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_export_and_import_round_trip_the_attachments_through_the_bucket(
    reference, bucket, tmp_path
):
    call, proposals, officer = make_panel_call(provincial_confirmation_required=False)
    path = default_storage.save("attachments/narrative-s3.pdf", ContentFile(b"%PDF-1.7 s3"))
    Proposal.objects.filter(pk=proposals[0].pk).update(narrative_pdf=path)
    decisions.funding_commit(call=call, actor=officer)
    outcomes.call_decide(call=call, actor=officer)
    quiet = open("/dev/null", "w")

    call_command("export_call", call.code, str(tmp_path / "backup"), stdout=quiet)
    assert (tmp_path / "backup" / "attachments" / path).read_bytes() == b"%PDF-1.7 s3"
    call_command("flush", interactive=False, verbosity=0)
    bucket.delete_object(Bucket=BUCKET, Key=path)
    call_command("import_call", str(tmp_path / "backup"), stdout=quiet)

    assert Proposal.objects.get(pk=proposals[0].pk).narrative_pdf.name == path
    assert keys_in(bucket) == [path]
    assert bucket.get_object(Bucket=BUCKET, Key=path)["Body"].read() == b"%PDF-1.7 s3"
    assert Call.objects.get(code=call.code).status == "decided"


@pytest.fixture(params=["local disk", "bucket"])
def either_storage(request, settings, tmp_path):
    if request.param == "bucket":
        request.getfixturevalue("bucket")
    else:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db(transaction=True)
def test_a_restore_replaces_an_orphan_file_left_under_the_same_name(
    reference, either_storage, tmp_path
):
    call, proposals, officer = make_panel_call(provincial_confirmation_required=False)
    path = default_storage.save("attachments/narrative-kept.pdf", ContentFile(b"%PDF-1.7 kept"))
    Proposal.objects.filter(pk=proposals[0].pk).update(narrative_pdf=path)
    quiet = open("/dev/null", "w")
    call_command("export_call", call.code, str(tmp_path / "backup"), stdout=quiet)
    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete(path)
    default_storage.save(path, ContentFile(b"stale"))

    call_command("import_call", str(tmp_path / "backup"), stdout=quiet)

    assert default_storage.listdir("attachments") == ([], ["narrative-kept.pdf"])
    with default_storage.open(path) as restored:
        assert restored.read() == b"%PDF-1.7 kept"


def test_production_reads_the_bucket_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.STORAGES['default']; o = d['OPTIONS']; "
        "print(d['BACKEND'], o['bucket_name'], o['endpoint_url'], o['default_acl'])"
    )
    variables = {"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": ENDPOINT}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**production_environment(), **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        BUCKET,
        ENDPOINT,
        "private",
    ], result.stderr


def test_without_a_bucket_uploads_stay_on_the_local_disk(settings):
    assert settings.STORAGES["default"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )


# ---- the store not answering ----------------------------------------------------------------


def closed_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture
def refusing_bucket(settings, monkeypatch):
    """The uploads' bucket behind an endpoint that refuses every connection."""
    variables = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_MAX_ATTEMPTS": "1",  # one refusal is enough for the test; production retries
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": object_storage_from_env()}


def test_an_upload_the_store_refuses_is_explained_beside_the_field_and_the_form_kept(
    client, reference, refusing_bucket
):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    client.force_login(lead)
    upload = SimpleUploadedFile("plan.pdf", pdf_bytes(1), content_type="application/pdf")

    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        {**form_data(proposal, title_zh="保留我"), "narrative_pdf": upload},
    )

    assert response.status_code == 200
    assert "file storage is not answering" in response.context["form"].errors["narrative_pdf"][0]
    assert "保留我" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title_zh != "保留我" and not proposal.narrative_pdf  # nothing saved


def test_a_save_without_a_file_still_works_while_the_store_is_down(
    client, reference, refusing_bucket
):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    client.force_login(lead)
    response = client.post(f"/proposals/{proposal.pk}/edit/", form_data(proposal))
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).title_zh == "新的题目"


def test_a_download_the_store_refuses_answers_503(reference, refusing_bucket):
    from django.test import Client

    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, partners=[make_user(institution="浙江大学")])
    Proposal.objects.filter(pk=proposal.pk).update(narrative_pdf="attachments/plan.pdf")
    client = Client(raise_request_exception=False)
    client.force_login(lead)
    response = client.get(f"/proposals/{proposal.pk}/narrative/")
    assert response.status_code == 503
    assert "file storage" in response.content.decode()


def test_a_folder_that_cannot_be_written_is_the_store_being_down(settings, tmp_path):
    from grants.core.storage import StorageUnavailable, store

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").write_text("a file where the folder should be")
    with pytest.raises(StorageUnavailable):
        store("attachments/x.pdf", ContentFile(b"%PDF-1.7"))
