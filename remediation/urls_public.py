from django.urls import path

from remediation import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.public_case_list, name="case_list"),
    path("language/<str:language>/", public_views.public_language, name="language"),
    path("<slug:case>/", public_views.public_case_detail, name="case_detail"),
]
