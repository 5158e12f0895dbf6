"""The whole review loop through the Python client generated from openapi/schema.yaml, and nothing else.

Run by tests/test_generated_client.py with the clients' environment (no Django, no product code): the generated
package `compliance_client` on PYTHONPATH, the server's address and two tokens in the environment. Prints one line
per step; exits non-zero at the first answer that is not the one a consumer expects.
"""

from __future__ import annotations

import io
import os
import sys

from compliance_client import AuthenticatedClient
from compliance_client.api.evidence import evidence_download, evidence_list
from compliance_client.api.implementations import implementations_list, implementations_retrieve
from compliance_client.api.progress_updates import (
    progress_updates_accept,
    progress_updates_create,
    progress_updates_request_info,
    progress_updates_retrieve,
)
from compliance_client.models import CommentRequest, ItemStatusEnum, ProgressUpdateInputRequest, ReviewStateEnum
from compliance_client.types import File

EVIDENCE = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def client(token: str) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=os.environ["API_BASE_URL"],
        token=token,
        prefix="Token",
        headers={"X-Forwarded-Proto": "https", "Accept-Language": "en"},
        raise_on_unexpected_status=True,
    )


def expect(response, status: int, step: str):
    if response.status_code != status:
        sys.exit(f"{step}: expected {status}, got {response.status_code}: {response.content[:500]!r}")
    print(f"{step}: {status}")
    return response.parsed


def submit(officer, item_id: int, etag: str, narrative: str, **fields):
    body = ProgressUpdateInputRequest(
        implementation=item_id, status=ItemStatusEnum.IN_PROGRESS, narrative=narrative, **fields
    )
    return progress_updates_create.sync_detailed(client=officer, body=body, if_match=etag)


def main() -> None:
    officer, regulator = client(os.environ["OFFICER_TOKEN"]), client(os.environ["REGULATOR_TOKEN"])

    items = expect(implementations_list.sync_detailed(client=officer, status=ItemStatusEnum.PLANNED), 200, "list")
    item = next(row for row in items.results if row.company == os.environ["OFFICER_COMPANY"])
    read = implementations_retrieve.sync_detailed(item.id, client=officer)
    expect(read, 200, "read the item")
    first_etag = read.headers["etag"]

    evidence = File(payload=io.BytesIO(EVIDENCE), file_name="plan.pdf", mime_type="application/pdf")
    update = expect(
        submit(officer, item.id, first_etag, "Plan drafted; see the attached plan.", evidence=[evidence]),
        201,
        "submit with evidence",
    )
    stale = submit(officer, item.id, first_etag, "Submitted again from a stale read.")
    expect(stale, 412, "a stale write refused")

    asked = progress_updates_request_info.sync_detailed(
        update.id, client=regulator, body=CommentRequest(comment="Which systems does the plan cover?"),
        if_match=f'"{update.version}"',
    )  # fmt: skip
    expect(asked, 201, "request information")

    item_now = implementations_retrieve.sync_detailed(item.id, client=officer)
    answer = expect(
        submit(officer, item.id, item_now.headers["etag"], "All shared systems.", in_reply_to=update.id),
        201,
        "answer",
    )
    accepted = progress_updates_accept.sync_detailed(
        answer.id, client=regulator, body=CommentRequest(comment="Thank you."), if_match=f'"{answer.version}"'
    )
    expect(accepted, 201, "accept")
    reviewed = expect(progress_updates_retrieve.sync_detailed(answer.id, client=officer), 200, "read the answer")
    if reviewed.review_state != ReviewStateEnum.ACCEPTED:
        sys.exit(f"the answer reads {reviewed.review_state}, not accepted")

    files = expect(evidence_list.sync_detailed(client=regulator, update=update.id), 200, "list evidence")
    download = evidence_download.sync_detailed(files.results[0].id, client=regulator)
    expect(download, 200, "download the evidence")
    if download.parsed.payload.read() != EVIDENCE:
        sys.exit("the downloaded evidence differs from the file submitted")
    print("the review loop ran through the generated client")


if __name__ == "__main__":
    main()
