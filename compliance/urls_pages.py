from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("companies/", views.company_list, name="company_list"),
    path("companies/<slug:code>/", views.company_detail, name="company_detail"),
]
