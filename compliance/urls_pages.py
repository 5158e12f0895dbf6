from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("companies/", views.company_list, name="company_list"),
    path("companies/<slug:code>/", views.company_detail, name="company_detail"),
    path("audit/access-log/", views.access_log_list, name="access_log_list"),
    path("audit/history/", views.change_history_list, name="change_history_list"),
    path("audit/anomalies/", views.access_anomaly_list, name="access_anomaly_list"),
    path("calendar/", views.calendar_feed, name="calendar_feed"),
    path("calendar/<slug:token>.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
]
