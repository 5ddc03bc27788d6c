"""Electronic signatures on the final monthly report: PAdES through pyHanko, checked offline.

Signing appends an incremental update to the PDF: the unsigned document's bytes stay, byte for
byte, at the start of the signed file (the record keeps their length and digest, so the
deterministic document the data renders to can always be cut back out and compared). A
signature carries the moment it was made, and ECDSA signatures are randomised: the signed
file is not reproducible, the unsigned part is.

Verification never fetches anything (no OCSP, no CRL, no AIA): it says whether the signed bytes
are intact, whether the signature is cryptographically valid, whether it covers the whole file
(nothing appended since), and whether the certificate chains to a root this machine trusts.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime

from pengaduan.errors import InputError

FIELD = "TandaTanganPimpinanRedaksi"


@dataclass(frozen=True)
class Verdict:
    signed: bool
    intact: bool = False  # the signed bytes are as they were signed
    valid: bool = False  # the signature checks against the certificate's key
    whole: bool = False  # it covers the whole file (nothing added after signing)
    trusted: bool = False  # the certificate chains to a trusted root
    signer: str = ""
    certificate_sha256: str = ""
    signed_at: datetime | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.whole


def _quiet() -> None:
    # pyHanko logs every validation detail (and a stack trace for an untrusted root): the
    # verdict says it in one line.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def load_signer(p12: bytes, passphrase: str | None, source: str):  # noqa: ANN201 - pyhanko SimpleSigner
    """The signer of a PKCS#12 file, or InputError saying why it cannot sign."""
    _quiet()
    try:
        from pyhanko.sign import signers
    except ImportError:
        raise InputError("tanda tangan elektronik perlu paket pyhanko; pasang dengan 'pip install pyhanko'") from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            p12, other_certs=[], passphrase=passphrase.encode("utf-8") if passphrase else None
        )
    except (ValueError, TypeError, OSError):
        signer = None
    if signer is None:
        raise InputError(
            f"sertifikat {source} tidak dapat dibuka (bukan PKCS#12, atau frasa sandinya salah); periksa berkas dan frasanya"
        )
    return signer


def sign(pdf: bytes, signer, reason: str, location: str, name: str) -> bytes:  # noqa: ANN001
    """The PDF with a PAdES signature appended (an incremental update; `pdf` stays its prefix)."""
    _quiet()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        reason=reason,
        location=location,
        name=name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def certificate_of(signer) -> tuple[str, str]:  # noqa: ANN001
    """(subject as people read it, SHA-256 of the certificate) of a signer."""
    cert = signer.signing_cert
    return cert.subject.human_friendly, cert.sha256.hex()


def verify(pdf: bytes, roots: list[bytes] | None = None) -> Verdict:
    """Check the PDF's signature offline; `roots` are trusted root certificates (DER or PEM)."""
    _quiet()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - anything a damaged file makes the parser raise
        return Verdict(signed=True, problem=f"berkas PDF rusak, tanda tangan tidak dapat dibaca ({type(exc).__name__})")
    if not sigs:
        return Verdict(signed=False)
    trust = []
    for item in roots or []:
        trust.extend(_certificates(item))
    try:
        context = ValidationContext(trust_roots=trust, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(sigs[-1], context)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on damaged signatures
        return Verdict(signed=True, problem=f"tanda tangan rusak ({type(exc).__name__}: {str(exc)[:80]})")
    from pyhanko.sign.validation import SignatureCoverageLevel

    cert = status.signing_cert
    return Verdict(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        whole=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=bool(status.trusted),
        signer=cert.subject.human_friendly if cert is not None else "",
        certificate_sha256=cert.sha256.hex() if cert is not None else "",
        signed_at=status.signer_reported_dt,
    )


def _certificates(data: bytes) -> list:
    from asn1crypto import pem, x509  # type: ignore[import-untyped]

    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]
