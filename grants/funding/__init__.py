"""Funding a call down its locked ranking: the simulation, the committed decisions, the
provinces' confirmations, the ledger and the letters. Above reviews; below the site."""
