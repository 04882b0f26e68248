from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "rectify.reports"
    label = "reports"
    verbose_name = _("统计与报告")

    def ready(self) -> None:
        from rectify.core import navigation
        from rectify.reports import navigation as nav

        navigation.register(navigation.STATISTICS, nav.statistics_items)
        navigation.register(navigation.ATTENTION_TASKS, nav.attention_items)
