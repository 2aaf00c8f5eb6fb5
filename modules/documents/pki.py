"""The certificate that signs every title PDF (PAdES), and the test one for development.

Production: ``SIGES_TITLES_SIGNING_PKCS12`` names the institution's PKCS#12 file (signing key,
certificate and chain) and ``SIGES_TITLES_SIGNING_PASSPHRASE`` its passphrase
(docs/security.md, "Signed titles"). Development and tests
(``SIGES_TITLES_ALLOW_TEST_CERTIFICATE``): with no file configured, a self-signed test CA
and a signing certificate issued by it are generated with ``cryptography`` on first use
under ``SIGES_TITLES_TEST_PKI_DIR`` (``var/``, never committed), or ahead of time by
``manage.py titles_test_certificate``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TEST_CA_FILE = "test-ca.pem"
TEST_P12_FILE = "test-signing.p12"
TEST_PASSPHRASE_FILE = "test-signing.pass"  # noqa: S105 - a file name

_lock = threading.Lock()
_cache: dict[tuple[str, float], Any] = {}


@dataclass(frozen=True)
class DevPki:
    ca_pem: Path
    p12: Path
    passphrase: bytes


def _name(common_name: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SV"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SIGES (prueba)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def dev_pki_create(directory: Path, *, force: bool = False) -> DevPki:
    """Write a test CA and a signing certificate it issued (PKCS#12) into ``directory``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID

    directory.mkdir(parents=True, exist_ok=True)
    paths = DevPki(
        ca_pem=directory / TEST_CA_FILE,
        p12=directory / TEST_P12_FILE,
        passphrase=b"",
    )
    passphrase_file = directory / TEST_PASSPHRASE_FILE
    if not force and paths.ca_pem.exists() and paths.p12.exists() and passphrase_file.exists():
        return DevPki(paths.ca_pem, paths.p12, passphrase_file.read_bytes())

    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("SIGES CA de prueba para títulos")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Ministerio de Educación (firma de títulos, prueba)"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    passphrase = secrets.token_urlsafe(24).encode()
    p12 = pkcs12.serialize_key_and_certificates(
        b"siges-titulos",
        key,
        cert,
        [ca_cert],
        serialization.BestAvailableEncryption(passphrase),
    )
    paths.ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths.p12.write_bytes(p12)
    paths.p12.chmod(0o600)
    passphrase_file.write_bytes(passphrase)
    passphrase_file.chmod(0o600)
    _cache.clear()
    return DevPki(paths.ca_pem, paths.p12, passphrase)


def dev_pki() -> DevPki:
    """The development/test PKI, created on first use."""
    with _lock:
        return dev_pki_create(Path(settings.SIGES_TITLES_TEST_PKI_DIR))


def signing_material() -> tuple[Path, bytes]:
    """The PKCS#12 file and passphrase that sign titles now."""
    path = settings.SIGES_TITLES_SIGNING_PKCS12
    if path:
        return Path(path), (settings.SIGES_TITLES_SIGNING_PASSPHRASE or "").encode()
    if not settings.SIGES_TITLES_ALLOW_TEST_CERTIFICATE:
        raise ImproperlyConfigured(
            "SIGES_TITLES_SIGNING_PKCS12 is not set: titles cannot be signed "
            "(docs/security.md, 'Signed titles')."
        )
    pki = dev_pki()
    return pki.p12, pki.passphrase


def _signer_class() -> Any:
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.serialization import load_der_private_key
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class CachedKeySigner(signers.SimpleSigner):
        """pyHanko's ``SimpleSigner``, keeping the parsed private key: the stock one parses
        (and validates) the RSA key again for every signature, which costs more than the
        signature itself when a request issues hundreds of titles."""

        _pyca_key: Any = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            if self._pyca_key is None:
                self._pyca_key = load_der_private_key(self.signing_key.dump(), password=None)
            return self._pyca_key.sign(
                data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
            )

    return CachedKeySigner


def signer() -> Any:
    """A pyHanko ``SimpleSigner`` for the configured certificate (loaded once per file)."""
    path, passphrase = signing_material()
    key = (str(path), path.stat().st_mtime)
    found = _cache.get(key)
    if found is None:
        from pyhanko.sign import signers

        loaded = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase or None)
        if loaded is None:
            raise ImproperlyConfigured(f"Cannot read the titles' signing certificate {path}")
        found = _signer_class()(
            signing_key=loaded.signing_key,
            signing_cert=loaded.signing_cert,
            cert_registry=loaded.cert_registry,
        )
        _cache.clear()
        _cache[key] = found
    return found
