"""Signing in and out, the second factor (TOTP), and changing or resetting a password; every step logged."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login

from compliance import second_factor
from compliance.audit import access_log_denied, access_log_sign_in
from compliance.lockout import remember_device
from compliance.models.audit import AccessAction


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    """The sign-in page; django-axes counts failures per account and address and locks after too many."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": settings.OIDC_ENABLED}

    def form_valid(self, form):
        response = super().form_valid(form)
        if not second_factor.needs_second_factor(form.get_user()):
            remember_device(response, form.get_user())
        return response


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


def _signed_in_fully(request: HttpRequest, device) -> HttpResponse:
    """Both factors done: the session is verified, the browser becomes a known device, on to where they were going."""
    otp_login(request, device)
    response = redirect(_next_url(request))
    remember_device(response, request.user)
    return response


def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code of one of the person's confirmed devices."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.code_check(request=request, user=request.user, code=form.cleaned_data["token"])
        if device is not None:
            return _signed_in_fully(request, device)
        form.add_error("token", _("That code is not valid. Try the current one."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


def otp_setup(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app: show its secret as a QR code, confirm it with a first code.

    A person who has one already must verify it in this session first: the password alone never enrols a device.
    """
    if not second_factor.may_enrol_device(request):
        access_log_denied(request=request, object_type="auth", object_id="second factor setup")
        return redirect(f"{reverse('accounts:otp_verify')}?next={reverse('accounts:otp_setup')}")
    device = second_factor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.device_confirm(request=request, device=device, code=form.cleaned_data["token"]):
            return _signed_in_fully(request, device)
        form.add_error("token", _("That code is not valid. Check the time on your phone and try again."))
    qr_svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    context = {
        "form": form,
        "qr_svg": qr_svg,
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    return render(request, "registration/otp_setup.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in person changes their password (the old one, then the new one twice); logged."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("remediation:preferences")

    def form_valid(self, form):
        response = super().form_valid(form)
        access_log_sign_in(request=self.request, user=self.request.user, action=AccessAction.PASSWORD_CHANGED)
        messages.success(self.request, _("Your password has been changed."))
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by mail; the answer is the same whether the address is known or not. Logged."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        access_log_sign_in(
            request=self.request,
            user=None,
            action=AccessAction.RESET_REQUESTED,
            subject=form.cleaned_data["email"],
        )
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the mail: single use (it is bound to the current password) and expiring; logged."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        access_log_sign_in(request=self.request, user=form.user, action=AccessAction.PASSWORD_RESET)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
