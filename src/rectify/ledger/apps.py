from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "rectify.ledger"
    label = "ledger"
    verbose_name = _("台账导入导出")

    def ready(self) -> None:
        from django.conf import settings

        from rectify.core.uploads import limit_uploads

        limit_uploads(["ledger:import_start", "api:import_ledger"], lambda: settings.RECTIFY_SHEET_MAX_FILE_BYTES)

        def roster_limit() -> int:
            from rectify.ledger.views import ROSTER_MAX_BYTES

            return ROSTER_MAX_BYTES

        limit_uploads(["ledger:roster_import"], roster_limit)
