from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rectify.core"
    label = "core"
    verbose_name = "基础"
