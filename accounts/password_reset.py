"""Django's password reset, with the public forms' rate limits (``compassion.ratelimit``).

Per address: past ``PASSWORD_RESET_RATE_LIMIT_PER_HOUR`` requests the form says to wait, and
sends nothing. Per account (the e-mail typed): past the same number, the "check your e-mail"
page is shown as always but no e-mail leaves, so that nobody fills a colleague's inbox and the
page never tells whether an address has an account.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.utils.decorators import method_decorator

from compassion import ratelimit

WINDOW_SECONDS = 60 * 60


@method_decorator(login_not_required, name="dispatch")
class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        limit = settings.PASSWORD_RESET_RATE_LIMIT_PER_HOUR
        address = ratelimit.client_address(self.request)
        if ratelimit.hit("password-reset-address", address, window_seconds=WINDOW_SECONDS) > limit:
            form.add_error(None, "Too many requests from this connection. Please wait an hour and try again.")
            return self.form_invalid(form)
        account = form.cleaned_data["email"].strip().lower()
        if ratelimit.hit("password-reset-account", account, window_seconds=WINDOW_SECONDS) > limit:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
