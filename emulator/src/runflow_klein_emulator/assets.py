"""The three-step upload flow: create a session, PUT the bytes to its URL, confirm into an asset.

The emulator plays the storage host too: ``upload_url`` points at its own ``/__emulator/uploads``
route, which (like a presigned URL) needs no Authorization header but a valid signature.
Confirmation reads the size and type of what was actually PUT, as the documented backend does
with a HEAD on the stored object.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from runflow_klein_emulator.run_store import ORG_ID, USER_ID
from runflow_klein_emulator.url_signing import UrlSigner


@dataclass
class Upload:
    id: str
    filename: str
    mime_type: str
    data: bytes | None = None
    content_type: str | None = None
    confirmed_at: datetime | None = None
    folder_id: str | None = None


class AssetStore:
    def __init__(self, signer: UrlSigner) -> None:
        self._signer = signer
        self._uploads: dict[str, Upload] = {}

    def create_upload(self, *, filename: str, mime_type: str, base_url: str) -> dict[str, Any]:
        """Open a session and return the documented AssetUploadSession."""
        upload = Upload(id=str(uuid.uuid4()), filename=filename, mime_type=mime_type)
        self._uploads[upload.id] = upload
        path = upload_path(upload.id)
        return {"asset_id": upload.id, "upload_url": f"{base_url}{path}?{self._signer.sign(path)}"}

    def get_upload(self, upload_id: str) -> Upload | None:
        return self._uploads.get(upload_id.lower())

    @staticmethod
    def confirm(upload: Upload, *, folder_id: str | None) -> None:
        """Turn a received upload into an asset; confirming again keeps the first record."""
        if upload.confirmed_at is None:
            upload.confirmed_at = datetime.now(UTC)
            upload.folder_id = folder_id

    def get_asset(self, asset_id: str) -> Upload | None:
        upload = self.get_upload(asset_id)
        return upload if upload is not None and upload.confirmed_at is not None else None

    def asset_json(self, upload: Upload, *, base_url: str, embed_user: bool) -> dict[str, Any]:
        """The documented Asset object, with a freshly signed download URL."""
        assert upload.data is not None
        assert upload.confirmed_at is not None
        path = asset_path(upload.id)
        mime = upload.content_type or upload.mime_type
        return {
            "id": upload.id,
            "org_id": ORG_ID,
            "folder_id": upload.folder_id,
            "name": upload.filename,
            "r2_key": f"uploads/{upload.id}/{upload.filename}",
            "url": f"{base_url}{path}?{self._signer.sign(path)}",
            "thumbnail_url": None,
            "mime_type": mime,
            "size_bytes": len(upload.data),
            "asset_type": mime.split("/", 1)[0]
            if mime.split("/", 1)[0] in ("image", "video", "audio")
            else "file",
            "source_type": "upload",
            "source_id": None,
            "created_by": USER_ID,
            "created_at": upload.confirmed_at.isoformat(),
            "updated_at": upload.confirmed_at.isoformat(),
            "deleted_at": None,
            "deleted_by": None,
            "created_by_user": (
                {
                    "id": USER_ID,
                    "email": "emulator@example.invalid",
                    "first_name": "Klein",
                    "last_name": "Emulator",
                }
                if embed_user
                else None
            ),
        }


def upload_path(upload_id: str) -> str:
    return f"/__emulator/uploads/{upload_id}"


def asset_path(asset_id: str) -> str:
    return f"/__emulator/assets/{asset_id}"
