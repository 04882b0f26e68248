from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "rectify.ledger"
    label = "ledger"
    verbose_name = "台账导入导出"
