from django.urls import path

from . import views

app_name = "questionnaires"

urlpatterns = [
    path("questionnaires/", views.questionnaire_list, name="list"),
    path("questionnaires/new/", views.questionnaire_new, name="new"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="detail"),
    path("questionnaires/<int:pk>/questions/", views.question_add, name="question_add"),
    path("questionnaires/<int:pk>/publish/", views.version_publish, name="publish"),
    path("questionnaires/questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("questionnaires/questions/<int:pk>/<str:action>/", views.question_act, name="question_act"),
]
