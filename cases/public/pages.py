"""What a public case page shows, built once for the public view and for the
editors' "view as public" preview, so the preview is exactly the public page."""

from __future__ import annotations

from cases.models import Case


def case_page_context(case: Case) -> dict:
    """Context for templates/public/case_detail.html.

    The caller has already decided the case may be shown (it came from
    Case.objects.public(), or an editor previews it); every child record here
    is taken through .publishable(), never the plain manager.
    """
    return {"case": case, "person": case.person}
