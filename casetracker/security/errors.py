"""Error reports (admin emails, logging handlers) without personal data."""

import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class ScrubbingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hides every POST value (health notes, visit reports, passwords, OTP codes are
    all typed into forms), every cookie and the query string, and widens Django's
    list of sensitive setting names. Also active with DEBUG on."""

    cleansed_substitute = "********************"
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|BROKER|CACHE_URL|DSN|"
        "EMAIL_HOST_USER|ENCRYPTION",
        flags=re.IGNORECASE,
    )

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        for key in ("HTTP_COOKIE", "QUERY_STRING", "HTTP_AUTHORIZATION", "HTTP_X_CSRFTOKEN"):
            if key in meta:
                meta[key] = self.cleansed_substitute
        return meta

    def get_traceback_frame_variables(self, request, tb_frame):
        # Local variables in a frame may hold a record's free text; none are shown.
        return [(name, self.cleansed_substitute) for name, _value in tb_frame.f_locals.items()]

    def get_safe_cookies(self, request):
        return {key: self.cleansed_substitute for key in getattr(request, "COOKIES", {})}


class ScrubbingExceptionReporter(ExceptionReporter):
    """Also hides query-string values (searches carry names), uploaded file names
    and the query part of the URL, which Django's filter does not cover."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            hidden = ScrubbingExceptionReporterFilter.cleansed_substitute
            data["request_GET_items"] = [(key, hidden) for key in self.request.GET]
            data["request_FILES_items"] = [(key, hidden) for key in self.request.FILES]
            data["request_insecure_uri"] = self.request.path
        return data
