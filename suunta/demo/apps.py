from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "suunta.demo"
    verbose_name = "Demo"
