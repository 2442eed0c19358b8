from django.urls import path

from .views import accounts

urlpatterns = [
    path("", accounts.home, name="home"),
    path("dashboard/", accounts.dashboard, name="dashboard"),
    path("profile/", accounts.profile, name="profile"),
]
