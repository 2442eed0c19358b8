import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules and templates' code) lives as long as
# the server process. Moved out of the collector's generations, it is no longer walked by every
# full collection: those walks were the 20-60 ms tails of the pages' p95 (docs/performance.md).
gc.collect()
gc.freeze()
