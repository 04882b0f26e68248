from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "rectify.supervision"
    label = "supervision"
    verbose_name = _("整改监督")

    def ready(self) -> None:
        from rectify.core import navigation
        from rectify.supervision import lookback_navigation
        from rectify.supervision import navigation as nav

        navigation.register(navigation.WORKBENCH, nav.workbench_items)
        navigation.register(navigation.SUPERVISION_ORDERS, nav.order_items)
        navigation.register(navigation.INTERVIEWS, lookback_navigation.interview_items)
        navigation.register(navigation.RED_FLAGS, lookback_navigation.red_flag_items)
