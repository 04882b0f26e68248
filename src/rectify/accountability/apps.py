from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "rectify.accountability"
    label = "accountability"
    verbose_name = _("精准问责")

    def ready(self) -> None:
        from rectify.accountability import navigation as nav
        from rectify.core import navigation

        navigation.register(navigation.ACCOUNTABILITY, nav.accountability_items)
