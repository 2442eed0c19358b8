"""Proposals with their consortia and budgets: drafting, eligibility, submission, screening.
Above grants.calls; below reviews and funding."""
