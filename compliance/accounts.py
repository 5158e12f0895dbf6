"""Signing in and out, and the second factor (TOTP)."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    """The sign-in page; django-axes counts failures and locks the account after too many."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only)."""


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the six digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if allowed else "/"


def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code of one of the person's confirmed devices."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not valid. Try the current one."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


def otp_setup(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app: show its secret as a QR code, confirm it with a first code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not valid. Check the time on your phone and try again."))
    qr_svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    context = {
        "form": form,
        "qr_svg": qr_svg,
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    return render(request, "registration/otp_setup.html", context)
