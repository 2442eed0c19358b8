"""The JSON API under /api/v1/: tokens, read endpoints scoped as the pages are, and the writes
the provinces need, through the same workflow functions as the pages (docs/api.md)."""
