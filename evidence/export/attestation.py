"""The server vouching for a package (evidence.export.document.package.Attestation): its
signature with the keys of EVIDENCE_SIGNING_KEYS, and an RFC 3161 time-stamp of the manifest
by the authority of TSA_URL when one is configured (its root certificate, TSA_CA_FILE, checks
the answer and goes in the package for the recipient)."""

from __future__ import annotations

import logging
import urllib.request
from pathlib import Path

from cryptography import x509
from django.conf import settings
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    VerifierBuilder,
    decode_timestamp_response,
)

from evidence.export.document.package import Attestation, Stamp
from evidence.sealing import signing

logger = logging.getLogger(__name__)
TSA_TIMEOUT_SECONDS = 20


def server_attestation() -> Attestation:
    keyring = signing.keyring()
    return Attestation(
        key_id=keyring.current_key_id,
        public_keys={
            key_id: signing.public_pem(key) for key_id, key in keyring.public_keys().items()
        },
        sign=lambda data: keyring.sign(data).raw,
        timestamp=timestamp if settings.TSA_URL else lambda manifest: Stamp(),
    )


def timestamp(manifest: bytes) -> Stamp:
    """The authority's time-stamp of the manifest, checked; a failed stamp never stops the
    export (the package then says that the authority did not answer)."""
    request = (
        TimestampRequestBuilder()
        .data(manifest)
        .hash_algorithm(HashAlgorithm.SHA256)  # the fingerprint used everywhere in the package
        .nonce(nonce=True)
        .build()
    )
    try:
        http_request = urllib.request.Request(
            settings.TSA_URL,
            data=request.as_bytes(),
            headers={"Content-Type": "application/timestamp-query"},
        )
        with urllib.request.urlopen(http_request, timeout=TSA_TIMEOUT_SECONDS) as answer:
            body = answer.read()
        response = decode_timestamp_response(body)
        root_pem = Path(settings.TSA_CA_FILE).read_text() if settings.TSA_CA_FILE else ""
        builder = VerifierBuilder.from_request(request)
        if root_pem:
            builder = builder.add_root_certificate(
                x509.load_pem_x509_certificate(root_pem.encode())
            )
            builder.build().verify_message(response, manifest)
    except Exception:  # network, a refusal, a malformed or unverifiable answer: same outcome
        logger.exception("the time-stamping authority %s gave no valid stamp", settings.TSA_URL)
        return Stamp(status="failed")
    return Stamp(status="done", response=body, root_pem=root_pem)
