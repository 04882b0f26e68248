"""URLs of the supervisors' tools of issue 11 (red flags, look-back, interviews), namespace ``lookback``."""

from django.urls import path

from rectify.supervision import lookback_views

app_name = "lookback"

urlpatterns = [
    path("red-flags/", lookback_views.red_flag_list, name="red_flags"),
    path("red-flags/dismiss/", lookback_views.red_flag_dismiss, name="red_flag_dismiss"),
    path("red-flags/notices/<int:notice_id>/read/", lookback_views.notice_read, name="notice_read"),
    path("look-back/<str:code>/", lookback_views.look_back, name="look_back"),
    path("look-back/<str:code>/problems/<int:problem_id>/", lookback_views.look_back_problem,
         name="look_back_problem"),
    path("look-back/<str:code>/problems/<int:problem_id>/decide/", lookback_views.look_back_decide,
         name="look_back_decide"),
    path("false-rectification-assessments/<int:assessment_id>/conclude/", lookback_views.assessment_conclude,
         name="assessment_conclude"),
    path("interviews/", lookback_views.interview_list, name="interviews"),
    path("interviews/new/", lookback_views.interview_new, name="interview_new"),
    path("interviews/<int:session_id>/", lookback_views.interview_detail, name="interview_detail"),
]
