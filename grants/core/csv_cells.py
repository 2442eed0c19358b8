"""Cells of the CSV files the portal writes, safe to open in a spreadsheet."""

# Excel and LibreOffice read a leading = + - @ (and tab, carriage return or line feed) as the
# start of a formula, also after leading spaces.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(text: str) -> bool:
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def csv_safe(value):
    """Text as a spreadsheet cell that never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text
