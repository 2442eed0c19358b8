"""Storing uploads through Django's storage, and what happens when the store does not answer.

The object store (or the disk behind MEDIA_ROOT) can be unreachable for a while. Its errors
differ by backend, boto3's for a bucket, OSError for a folder; ``storage_errors`` turns both
into StorageUnavailable, which the upload view shows beside the file field (everything else
typed kept) and portal.faults answers with a 503 page anywhere else.
"""

import logging
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)

# Shown beside the file field: the browser drops a chosen file when the form comes back.
STORAGE_DOWN = _(
    "The file could not be stored: the portal's file storage is not answering at the moment. "
    "Nothing was saved. What you typed is kept below; choose the file again and save in a few "
    "minutes."
)


class StorageUnavailable(Exception):
    pass


@contextmanager
def storage_errors():
    try:
        yield
    except STORAGE_ERRORS as error:
        logger.warning("file storage unavailable: %s", error)
        raise StorageUnavailable(str(error)) from error


def store(name, content) -> str:
    """Save ``content`` under ``name`` (or a free name near it); returns the name stored."""
    with storage_errors():
        return default_storage.save(name, content)
