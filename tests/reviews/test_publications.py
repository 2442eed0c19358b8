"""Reviewers' publications: the office's CSV import, a reviewer's ORCID upload and list, and
what the papers do: co-authorship conflicts and the papers' share of the affinity."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants.core.errors import WorkflowError
from grants.models import AuditEntry, Role
from reviews import publication_import, routing, workflow
from reviews.models import Publication, PublicationSource
from tests.factories import make_user
from tests.reviews.factories import make_review_call, make_reviewer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HEADER = "email,title,abstract,year,doi,authors\n"


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


def office_upload(client, data, name="publications.csv"):
    return client.post(
        "/office/reviewers/publications/import/",
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_office_import_adds_the_sample_and_a_second_import_updates_in_place(client, officer):
    reviewer = make_reviewer(email="li@example.org")
    client.force_login(officer)
    data = (FIXTURES / "publications_sample.csv").read_bytes()
    response = office_upload(client, data)
    assert response.status_code == 302 and response["Location"] == "/office/reviewers/"
    papers = Publication.objects.filter(reviewer=reviewer).order_by("year")
    assert [(p.year, p.doi, p.source) for p in papers] == [
        (2021, "", PublicationSource.OFFICE_CSV),
        (2023, "10.1000/rivers.2023.017", PublicationSource.OFFICE_CSV),
        (2024, "10.1000/rivers.2024.001", PublicationSource.OFFICE_CSV),
    ]
    assert papers[2].authors == [
        {"name": "李审稿", "orcid": "0000-0002-1825-0097"},
        {"name": "王五", "orcid": ""},
    ]
    office_upload(client, data.replace("数值模拟".encode(), "数值模型".encode()))
    assert Publication.objects.filter(reviewer=reviewer).count() == 3
    assert "数值模型" in Publication.objects.get(doi="10.1000/rivers.2024.001").abstract
    entry = AuditEntry.objects.filter(action="publications.imported").order_by("pk").last()
    assert entry.actor == officer and entry.after == {"reviewers": 1, "created": 0, "updated": 3}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("nobody@example.org,T,,2024,,", "not the e-mail address of a reviewer in the pool"),
        ("li@example.org,,,2024,,", "the title is missing"),
        ("li@example.org,T,,19,,", "the year must be a whole number"),
        ("li@example.org,T,,2024,not-a-doi,", "is not a DOI"),
    ],
)
def test_office_import_names_the_wrong_rows_and_imports_nothing(client, officer, line, reason):
    make_reviewer(email="li@example.org")
    client.force_login(officer)
    good = "li@example.org,Fine title,,2024,,"
    response = office_upload(client, (HEADER + good + "\n" + line + "\n").encode())
    assert response.status_code == 200
    assert [p.line for p in response.context["problems"]] == [3]
    assert reason in response.text
    assert Publication.objects.count() == 0


def test_office_import_refuses_a_file_without_the_columns(client, officer):
    client.force_login(officer)
    response = office_upload(client, b"email,name\nli@example.org,Li\n")
    assert "missing: title, abstract, year, doi, authors" in response.text
    assert Publication.objects.count() == 0


def orcid_upload(client, data, name="works.json"):
    return client.post(
        "/reviews/publications/",
        {"file": SimpleUploadedFile(name, data, content_type="application/json")},
    )


def test_reviewer_uploads_their_orcid_works_and_sees_them(client, reference):
    reviewer = make_reviewer()
    client.force_login(reviewer)
    response = orcid_upload(client, (FIXTURES / "orcid_works_sample.json").read_bytes())
    assert response.status_code == 302 and response["Location"] == "/reviews/publications/"
    assert sorted(Publication.objects.filter(reviewer=reviewer).values_list("year", "doi")) == [
        (2020, ""),
        (2022, "10.1000/coast.2022.042"),
        (2024, "10.1000/rivers.2024.001"),
    ]
    page = client.get("/reviews/publications/")
    assert "Wave-driven erosion of the Jiangsu tidal flats" in page.text
    assert AuditEntry.objects.get(action="publications.orcid_uploaded").actor == reviewer


def test_the_full_records_of_the_orcid_api_bring_abstracts_and_contributors():
    data = (
        b'{"bulk": [{"work": {"title": {"title": {"value": "T"}}, "short-description": "An '
        b'abstract", "publication-date": {"year": {"value": "2025"}}, "contributors": '
        b'{"contributor": [{"contributor-orcid": {"path": "0000-0002-1825-0097"}, '
        b'"credit-name": {"value": "Li Wei"}}]}}}]}'
    )
    (found,), problems = publication_import.orcid_read(data)
    assert problems == []
    assert (found.title, found.abstract, found.year) == ("T", "An abstract", 2025)
    assert found.authors == [{"name": "Li Wei", "orcid": "0000-0002-1825-0097"}]


@pytest.mark.parametrize(
    "data",
    [b"@article{x, title={T}}", b'{"name": "not works"}', b"\xff\xfe", b"[1, 2]"],
    ids=["bibtex", "other-json", "not-text", "a-list"],
)
def test_other_files_are_refused_with_a_message_and_the_form_kept(client, reference, data):
    reviewer = make_reviewer()
    client.force_login(reviewer)
    response = orcid_upload(client, data)
    assert response.status_code == 200
    assert "This is not an ORCID works export" in response.text
    assert response.context["form"].errors["file"]
    assert Publication.objects.count() == 0


def test_reviewer_removes_one_of_their_publications_but_not_anothers(client, reference):
    reviewer, other = make_reviewer(), make_reviewer()
    mine = paper(reviewer, "Mine", 2024)
    theirs = paper(other, "Theirs", 2024)
    client.force_login(reviewer)
    assert client.post(f"/reviews/publications/{theirs.pk}/delete/").status_code == 404
    response = client.post(f"/reviews/publications/{mine.pk}/delete/")
    assert response.status_code == 302
    assert list(Publication.objects.values_list("title", flat=True)) == ["Theirs"]
    assert AuditEntry.objects.get(action="publication.deleted").before["title"] == "Mine"


def paper(reviewer, title, year, *, doi="", authors=(), abstract=""):
    from reviews.publication_rules import match_key

    return Publication.objects.create(
        reviewer=reviewer,
        title=title,
        abstract=abstract,
        year=year,
        doi=doi,
        authors=list(authors),
        source=PublicationSource.OFFICE_CSV,
        match_key=match_key(doi, title, year),
    )


@pytest.fixture
def consortium(reference):
    """A call in review with one proposal led by a Fudan PI, and an officer."""
    call, (proposal,) = make_review_call(n_proposals=1)
    lead = proposal.members.get(is_lead=True).pi
    return call, proposal, lead, make_user(roles=[Role.FUND_OFFICER])


def test_a_recent_paper_with_a_consortium_member_is_a_conflict_on_every_path(consortium):
    call, proposal, lead, officer = consortium
    reviewer = make_reviewer()
    year = timezone.now().year
    paper(reviewer, "Shared work", year - 1, authors=[{"name": lead.name, "orcid": ""}])
    with pytest.raises(WorkflowError, match="recently published together"):
        workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer)
    plain, _reviewers, candidates = routing.build_instance(call)
    assert plain[0].excluded == {"recent co-authors": 1}
    assert len(candidates) == 0


def test_a_shared_doi_with_a_member_in_the_pool_is_a_conflict(consortium):
    call, proposal, lead, officer = consortium
    lead.role_grants.create(role=Role.REVIEWER)
    reviewer = make_reviewer()
    year = timezone.now().year
    paper(reviewer, "Our paper", year, doi="10.1000/shared")
    paper(lead, "Our paper (accepted version)", year, doi="10.1000/SHARED")
    with pytest.raises(WorkflowError, match="recently published together"):
        workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer)


def test_a_paper_before_the_calls_window_is_no_conflict(consortium):
    call, proposal, lead, officer = consortium
    reviewer = make_reviewer()
    old = call.closes_at.year - call.coauthorship_years - 1
    paper(reviewer, "Old work", old, authors=[{"name": lead.name, "orcid": ""}])
    workflow.assignment_add(proposal=proposal, reviewer=reviewer, actor=officer)
    assert proposal.assignments.filter(reviewer=reviewer).exists()


def test_the_papers_component_is_shown_in_the_pairs_explanation(consortium):
    call, proposal, _lead, _officer = consortium
    reader = make_reviewer()
    paper(reader, proposal.title_zh, 2020, abstract=proposal.abstract_zh)
    make_reviewer()  # no papers: scored on codes and keywords alone
    _plain, reviewers, candidates = routing.build_instance(call)
    why = {
        reviewers[r].key: candidates.explain(p, r)
        for p, r in zip(candidates.proposal.tolist(), candidates.reviewer.tolist(), strict=True)
    }
    # One paper, the proposal itself: cosine 1, averaged over the BEST_PAPERS closest.
    assert why[reader.pk].endswith("papers 0.33")
    assert all("papers" not in text for key, text in why.items() if key != reader.pk)
