# Django date format syntax: https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date
DATE_FORMAT = "j F Y"  # 27 November 2026
TIME_FORMAT = "H:i"  # 17:00
DATETIME_FORMAT = "j F Y, H:i"  # 27 November 2026, 17:00
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 27 November
SHORT_DATE_FORMAT = "j M Y"  # 27 Nov 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 27 Nov 2026, 17:00
