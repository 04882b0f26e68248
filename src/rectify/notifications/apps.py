from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "rectify.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from rectify.core import navigation
        from rectify.notifications import navigation as nav

        navigation.register(navigation.NOTIFICATIONS, nav.notification_items)
