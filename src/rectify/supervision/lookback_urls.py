"""URLs of the supervisors' tools of issue 11 (red flags, look-back, interviews), namespace ``lookback``."""

from django.urls import path

from rectify.supervision import lookback_views

app_name = "lookback"

urlpatterns = [
    path("red-flags/", lookback_views.red_flag_list, name="red_flags"),
    path("red-flags/dismiss/", lookback_views.red_flag_dismiss, name="red_flag_dismiss"),
]
