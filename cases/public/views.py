"""Public views. Placeholder pages until the public-site work lands; every view
starts from `.public()` querysets."""

from django.shortcuts import get_object_or_404, redirect, render

from cases.models import Case
from people.models import Organization, Person


def home(request):
    return redirect("admin:index")


def case_detail(request, slug):
    case = get_object_or_404(Case.objects.public().select_related("person"), slug=slug)
    return render(request, "public/placeholder.html", {"object": case})


def person_detail(request, slug):
    person = get_object_or_404(Person.objects.public(), slug=slug)
    return render(request, "public/placeholder.html", {"object": person})


def organization_detail(request, slug):
    org = get_object_or_404(Organization.objects.public(), slug=slug)
    return render(request, "public/placeholder.html", {"object": org})
