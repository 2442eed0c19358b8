from django.contrib import admin

from .models import ReviewerProfile


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "max_reviews_per_call", "available", "unavailable_until"]
    list_filter = ["available"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = []
