from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectify.rectification"
    label = "rectification"
    verbose_name = "整改落实"
