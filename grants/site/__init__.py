"""What spans the whole fund and so sits above every part: the front page and the dashboards,
the schedule, backups, the audit page and the demo."""
