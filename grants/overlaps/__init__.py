"""Against repeated investment: external records, the overlap check and the office's screening."""
