from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "rectify.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from rectify.core import navigation
        from rectify.orgs import navigation as nav

        navigation.register(navigation.SYSTEM_ADMIN, nav.system_admin_items)
