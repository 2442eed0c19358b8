"""Calls for proposals: their rules, their schedule and their states from draft to decided.
Above grants.accounts; below proposals, reviews and funding."""
