"""What spans the whole fund and so sits above every part: dashboards, the schedule, backups,
the audit page and the demo."""
