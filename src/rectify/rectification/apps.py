from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectify.rectification"
    label = "rectification"
    verbose_name = _("整改落实")

    def ready(self) -> None:
        from django.conf import settings

        from rectify.core.uploads import limit_uploads

        limit_uploads(["rectification:task_evidence", "api:task_evidence"], lambda: settings.RECTIFY_EVIDENCE_MAX_BYTES)
