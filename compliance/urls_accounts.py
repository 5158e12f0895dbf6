from django.urls import path

from compliance import accounts

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("second-factor/", accounts.otp_verify, name="otp_verify"),
    path("second-factor/setup/", accounts.otp_setup, name="otp_setup"),
]
