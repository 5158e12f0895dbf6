"""Tasks that need the whole product: the access log's retention, which archives through `backup`."""

from celery import shared_task

from config.backup.access_log import access_log_prune


@shared_task
def prune_access_log() -> list[str]:
    """Every night (beat): archive then drop the access log's months older than the retention; the months dropped."""
    return [str(archive.month) for archive in access_log_prune()]
