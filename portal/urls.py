from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("grants.urls")),
    path("", include("reviews.urls")),
]

# A database or object store that is down answers 503 with a page that needs neither.
handler500 = "portal.faults.handler500"
