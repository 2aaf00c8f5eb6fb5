"""The public verification of titles: ``/verificar/`` (type a code), ``/verificar/<code>/``
(valid, replaced or annulled, with minimal data) and ``/verificar/<code>/pdf/`` (the signed PDF,
so anyone holding a code can check its digital signature). No login; every request counts
against the ``title_verification`` rate (core/throttling.py). An unknown code and a malformed
one get the same 404 page, which says nothing about existing titles (docs/security.md)."""

from __future__ import annotations

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.throttling import page_throttle_wait, throttled_response

from .codes import code_normalise
from .selectors import title_pdf_for_code, title_verify

THROTTLE_SCOPE = "title_verification"


class CodeForm(forms.Form):
    codigo = forms.CharField(
        label=_("Código de verificación"),
        max_length=40,
        help_text=_(
            "Está impreso al pie del título, junto al código QR; por ejemplo 7K3M-Q9XD-2HPA."
        ),
    )

    def clean_codigo(self) -> str:
        code = code_normalise(self.cleaned_data["codigo"])
        if code is None:
            raise forms.ValidationError(_("El código tiene 12 letras y números."))
        return code


def _throttled(request: HttpRequest) -> HttpResponse | None:
    wait = page_throttle_wait(request, THROTTLE_SCOPE)
    return None if wait is None else throttled_response(request, wait)


@require_GET
def verify_start(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.GET or None)
    if request.GET:
        limited = _throttled(request)
        if limited is not None:
            return limited
        if form.is_valid():
            return redirect("documents:verify", code=form.cleaned_data["codigo"])
    return render(request, "documents/verify_start.html", {"form": form})


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    limited = _throttled(request)
    if limited is not None:
        return limited
    found = title_verify(code)
    if found is None:
        return render(
            request, "documents/verify.html", {"found": None, "form": CodeForm()}, status=404
        )
    response = render(request, "documents/verify.html", {"found": found})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def verify_pdf(request: HttpRequest, code: str) -> HttpResponse:
    limited = _throttled(request)
    if limited is not None:
        return limited
    title = title_pdf_for_code(code)
    if title is None or not title.pdf:
        return render(
            request, "documents/verify.html", {"found": None, "form": CodeForm()}, status=404
        )
    response = FileResponse(
        title.pdf.open("rb"),
        as_attachment=True,
        filename=f"titulo-{title.number}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
