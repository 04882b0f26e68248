from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectify.rectification"
    label = "rectification"
    verbose_name = _("整改落实")

    def ready(self) -> None:
        from rectify.core import navigation
        from rectify.rectification import navigation as nav

        navigation.register(navigation.LEDGER, nav.ledger_items)
        navigation.register(navigation.CLOSE_OUTS, nav.close_out_items)
        navigation.register(navigation.CHANGE_REQUESTS, nav.change_request_items)
