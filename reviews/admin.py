from django.contrib import admin

from reviews.models import (
    Assignment,
    AssignmentRun,
    Criterion,
    DeclaredConflict,
    ExpertInvitation,
    Panel,
    Review,
    ReviewerProfile,
)


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "max_reviews_per_call", "available", "unavailable_until"]
    list_filter = ["available"]
    search_fields = ["user__email", "user__name"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["call", "key", "name_zh", "name_en", "weight", "threshold", "order"]
    list_filter = ["call"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Assignments, reviews and declarations change only through reviews.workflow, where the
    conflict rules and the audit log live; the admin shows them but cannot write them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "reviewer", "status", "affinity", "manual"]
    list_filter = ["call", "status"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "rating", "advice", "submitted_at"]


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(ReadOnlyAdmin):
    list_display = ["reviewer", "person", "proposal", "kind", "declared_at"]


@admin.register(AssignmentRun)
class AssignmentRunAdmin(ReadOnlyAdmin):
    list_display = ["call", "created_at", "status", "fair"]


@admin.register(ExpertInvitation)
class ExpertInvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "name", "created_at", "expires_at", "used_at", "revoked_at"]


@admin.register(Panel)
class PanelAdmin(ReadOnlyAdmin):
    list_display = ["name", "call", "area", "chair", "locked_at"]
