from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "oversight.ops"
    label = "ops"

    def ready(self):
        # Each request and each task the worker runs logs with its id (oversight.ops.request_id).
        from django.core.signals import request_finished
        from django.tasks.signals import task_finished, task_started

        from oversight.ops import request_id

        request_finished.connect(request_id.request_finished, dispatch_uid="oversight-log-request-finished")
        task_started.connect(request_id.task_started, dispatch_uid="oversight-log-task-started")
        task_finished.connect(request_id.task_finished, dispatch_uid="oversight-log-task-finished")
