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
        # orgs asks, through its hooks, which open tasks a departing leader still leads and hands them over
        # (rule 10); it cannot import this app, so the functions are registered here.
        from rectify.orgs import hooks
        from rectify.rectification.handover_services import leader_duties_transfer
        from rectify.rectification.selectors import open_tasks_led_by

        hooks.register_leader_duties(open_duties=open_tasks_led_by, transfer=leader_duties_transfer)
        from django.conf import settings

        from rectify.core.uploads import limit_uploads

        limit_uploads(["rectification:task_evidence", "api:task_evidence"], lambda: settings.RECTIFY_EVIDENCE_MAX_BYTES)
