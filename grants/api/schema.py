"""The OpenAPI schema: every operation also documents the one error shape (grants.api.errors)
for the statuses it can answer with, so clients and the fuzzing test know them."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# What any request may be told, and what only a request that sends data (or filters) may.
ALWAYS = {"401": "Not signed in", "403": "Not allowed", "429": "Too many requests"}
WITH_INPUT = {"400": "Invalid input"}
ON_OBJECT = {"404": "No such object, or not yours to see"}
ON_WRITE = {"409": "Refused by the workflow"}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {**ALWAYS, **WITH_INPUT}
        if "{" in self.path:
            errors.update(ON_OBJECT)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors.update(ON_WRITE)
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "grants.api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the profile page or `manage.py api_token`.",
        }
