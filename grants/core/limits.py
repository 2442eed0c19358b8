"""The most characters each free-text field of the portal takes, and why.

Every long text ends up somewhere that pays for its length: the reviewer PDF and the panel
book print the proposal's texts for every reviewer and panel member, e-mails carry the office's
reasons to every PI of a consortium, and the lists and letters quote review comments. A ceiling
here is the hard limit, at the form (the message next to the field, the text kept) and on the
model (``full_clean`` and the admin); a call's own, stricter limit (the Chinese abstract's 400
characters) is checked on top of it by grants.proposals.eligibility. Characters, not bytes: a Chinese
character counts one, as NSFC counts them.

The database keeps no CHECK on these lengths: rows written before the ceilings existed must
still migrate and stay readable, and the eligibility check refuses to submit an over-long
draft until it is shortened.
"""

# ---- proposals (the applicants' draft form) -----------------------------------------------

# NSFC's Chinese abstract is at most 400 characters (DOMAIN.md); the English one says the same
# in about five times as many letters.
ABSTRACT_ZH = 400
ABSTRACT_EN = 3000
# A paragraph or two: which industrial problem, for which enterprise.
INDUSTRY_PROBLEM = 3000
# The narrative's three NSFC sections. Together they stand in for the narrative PDF, which may
# have 30 pages: a printed page holds about 1,000 Chinese characters, so the rationale (the bulk
# of an NSFC narrative) gets 20 pages' worth, the research basis 8 and other matters 2.
SECTION_RATIONALE = 20000
SECTION_BASIS = 8000
SECTION_OTHER = 2000
# A list of grants with their numbers, funders and amounts.
OTHER_FUNDING_DETAILS = 3000

# ---- the fund office's reasons, e-mailed to every PI of a consortium or every draft's lead --

SCREENING_REASON = 2000
RETURN_REASON = 2000
DEADLINE_EXTENSION_REASON = 2000

# ---- calls ------------------------------------------------------------------------------------

# The call page's summary in each language; the full guide is a document of its own.
CALL_SUMMARY = 5000

# ---- reviews and panels -----------------------------------------------------------------------

# Sent to the applicants and printed in the panel book and rejection letters.
REVIEW_COMMENTS_FOR_APPLICANTS = 8000
REVIEW_CONFIDENTIAL_COMMENTS = 4000
# One criterion's justification (already 3,000 in the review form before this module).
REVIEW_JUSTIFICATION = 3000
# The panel's consensus comment goes into the rejection letter; the reorder reason into the
# panel's record beside the ranking.
PANEL_CONSENSUS_COMMENT = 2000
PANEL_REORDER_REASON = 1000

# ---- funding ----------------------------------------------------------------------------------

# Why a draw at the funding line is annulled: kept with the draw and shown on the funding page.
DRAW_ANNUL_REASON = 1000

# ---- funded projects --------------------------------------------------------------------------

# What a milestone delivers and how the office will know it is done: a paragraph.
MILESTONE_DESCRIPTION = 1000
# One section of an annual or final report (progress, collaboration, transfer), printed with
# the report for the office and the final report's experts: about 5 pages each.
REPORT_TEXT = 5000

# ---- other funders' records -------------------------------------------------------------------

# Other funders' abstracts arrive as they wrote them; NSFC's run to about 800 characters, a
# ministry's to a page or two.
EXTERNAL_ABSTRACT = 6000
# Why the shared instrument the catalogue lists cannot serve the project: a paragraph.
SHARED_INSTRUMENT_REASON = 1000

# ---- reviewers' publications -------------------------------------------------------------------

# A paper's title as journals print it (the longest run to about 300 characters), and its
# abstract (journals cap them at 250-500 words; Chinese ones at about 400 characters).
PUBLICATION_TITLE = 500
PUBLICATION_ABSTRACT = 6000
