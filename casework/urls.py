from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("<reference:reference>/notes/", views.note_list, name="notes"),
    path("<reference:reference>/notes/add/", views.note_add, name="note_add"),
    path("<reference:reference>/notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("<reference:reference>/tasks/add/", views.task_add, name="task_add"),
    path("<reference:reference>/tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("<reference:reference>/files/", views.attachment_list, name="files"),
    path("<reference:reference>/files/add/", views.attachment_add, name="attachment_add"),
    path("<reference:reference>/files/<int:pk>/", views.attachment_download, name="attachment"),
    path("<reference:reference>/files/<int:pk>/remove/", views.attachment_delete, name="attachment_delete"),
    path("<reference:reference>/documents/<slug:kind>.pdf", views.document, name="document"),
]
