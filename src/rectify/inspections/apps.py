from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "rectify.inspections"
    label = "inspections"
    verbose_name = _("巡视巡察")

    def ready(self) -> None:
        from rectify.core import navigation
        from rectify.inspections import navigation as nav

        navigation.register(navigation.ROUNDS, nav.rounds_items)
        navigation.register(navigation.CLUES, nav.clue_items)
