from django.contrib.auth import views as auth_views
from django.urls import path

from rectify.accounts import views

app_name = "accounts"
# 系统管理 → 用户与令牌 lives under /orgs/-/ beside 单位与人员 (the "-" segment is never a unit code), so the
# 系统管理 entry of the navigation covers it.
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("orgs/-/users/", views.user_list, name="user_list"),
    path("orgs/-/users/new/", views.user_create, name="user_create"),
    path("orgs/-/users/locks/clear/", views.lock_clear, name="lock_clear"),
    path("orgs/-/users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("orgs/-/users/<int:user_id>/edit/", views.user_edit, name="user_edit"),
    path("orgs/-/users/<int:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("orgs/-/users/<int:user_id>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("orgs/-/users/<int:user_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("orgs/-/users/<int:user_id>/password/", views.user_reset_password, name="user_reset_password"),
    path("orgs/-/users/<int:user_id>/tokens/", views.token_create, name="token_create"),
    path("orgs/-/users/<int:user_id>/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
