from django.urls import path

from remediation import views

app_name = "remediation"

urlpatterns = [
    path(
        "cases/<slug:case>/findings/<slug:finding>/measures/<slug:code>/",
        views.measure_detail,
        name="measure_detail",
    ),
    path("cases/<slug:case>/open-items/", views.open_item_list, name="open_item_list"),
    path("progress-updates/", views.progress_update_list, name="progress_update_list"),
    path("progress-updates/<int:pk>/", views.progress_update_detail, name="progress_update_detail"),
]
