"""Funded projects: the task book, payments by province and year, reports, changes, early end."""
