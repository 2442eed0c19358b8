"""Display formats that differ from Django's for our languages (FORMAT_MODULE_PATH).

Chinese keeps Django's zh_Hans formats (2026年11月27日 17:00). Django's English is American
(Nov. 27, 2026, 5 p.m.); the portal's readers are in China and Europe, and every time is Beijing
time, so English dates read day, month, year with a 24-hour clock. Input formats are Django's.
"""
