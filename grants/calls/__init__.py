"""Calls for proposals: their rules, their schedule and their states from draft to decided
(the decision itself is grants.funding's, registered into call_workflow at start-up).
Above grants.accounts; below proposals, reviews and funding."""
