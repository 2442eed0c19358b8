"""Permission-matrix rows for reviewers' publications (see tests/test_permission_matrix.py)."""

from reviews.models import Publication, PublicationSource
from tests.matrix_roles import SIGNED_OUT

# Every reviewer has a list of their own papers; the panel chair holds the reviewer role too.
REVIEWERS = {
    **SIGNED_OUT,
    "*": 403,
    "reviewer_unassigned": 200,
    "reviewer_conflicted": 200,
    "reviewer_assigned": 200,
    "panel_member": 200,
    "panel_chair": 200,
}


def extend_scenario(users, values):
    """The assigned reviewer has one publication on file."""
    publication = Publication.objects.create(
        reviewer=users["reviewer_assigned"],
        title="A paper",
        year=2024,
        source=PublicationSource.OFFICE_CSV,
        match_key="title:apaper:2024",
    )
    values["publication"] = publication.pk


PUBLICATION_ROWS = {
    "publications_import": (
        "get",
        "/office/reviewers/publications/import/",
        {**SIGNED_OUT, "*": 403, "fund_officer": 200},
    ),
    "my_publications": ("get", "/reviews/publications/", REVIEWERS),
    # Only its owner removes a paper; other reviewers are told it does not exist (before and
    # after the owner removed it).
    "my_publication_delete": (
        "post",
        "/reviews/publications/{publication}/delete/",
        {
            **SIGNED_OUT,
            "*": 403,
            "reviewer_unassigned": 404,
            "reviewer_conflicted": 404,
            "panel_member": 404,
            "panel_chair": 404,
            "reviewer_assigned": 302,
        },
    ),
}
