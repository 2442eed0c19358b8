from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("grants.urls")),
    path("", include("reviews.urls")),
]

handler500 = "portal.views.server_error"
