"""What every part of the fund uses: money, audit, e-mail, uploads, storage, text limits, errors.

The lowest layer: nothing here imports a part above it (accounts, calls, proposals, reviews,
funding, site)."""
