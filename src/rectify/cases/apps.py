from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "rectify.cases"
    label = "cases"
    verbose_name = _("典型案例库")

    def ready(self) -> None:
        from rectify.accountability import hooks
        from rectify.cases import navigation as nav
        from rectify.cases.precedents import library_precedents
        from rectify.core import navigation
        from rectify.core.uploads import limit_uploads
        from rectify.ledger.sandbox import register_reader

        navigation.register(navigation.CASE_LIBRARY, nav.library_items)
        navigation.register(navigation.TRAINING, nav.training_items)
        hooks.register_precedents(library_precedents)
        register_reader("case_document", "rectify.cases.reading:read_in_child",
                        result_types=(("rectify.cases.reading", "ParsedDocument"),),
                        settings_names=("RECTIFY_CASE_MAX_FILE_BYTES", "RECTIFY_CASE_MAX_UNPACKED_BYTES"))
        limit_uploads(["cases:upload", "api:cases_import", "cases:attendance_import"],
                      lambda: _max_file_bytes())


def _max_file_bytes() -> int:
    from rectify.cases.reading import max_file_bytes

    return max_file_bytes()
