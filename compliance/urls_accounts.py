from django.urls import path

from compliance import accounts, sso

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("second-factor/", accounts.otp_verify, name="otp_verify"),
    path("second-factor/setup/", accounts.otp_setup, name="otp_setup"),
    path("sso/", sso.sso_start, name="sso_start"),
    path("sso/callback/", sso.sso_callback, name="sso_callback"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
