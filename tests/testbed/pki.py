"""A throw-away stand-in for the Russian national CA: a root, an issuing CA and server certificates."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sovstack testbed"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@dataclass
class Issued:
    cert: Path
    chain: Path  # leaf + issuing CA, as a server presents it
    key: Path


class TestPKI:
    """Root CA -> issuing CA -> server certificates, written as PEM files under `folder`."""

    __test__ = False  # not a pytest class

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        self._start, self._end = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = self._ca(_name("Testbed Russian Trusted Root CA"), self.root_key, None, None)
        self.sub_key = ec.generate_private_key(ec.SECP256R1())
        self.sub = self._ca(_name("Testbed Russian Trusted Sub CA"), self.sub_key, self.root, self.root_key)
        self.root_pem = folder / "testbed_root_ca.crt"
        self.sub_pem = folder / "testbed_sub_ca.crt"
        self.root_pem.write_bytes(_pem(self.root))
        self.sub_pem.write_bytes(_pem(self.sub))

    def _ca(self, name, key, issuer_cert, issuer_key) -> x509.Certificate:
        b = (x509.CertificateBuilder().subject_name(name)
             .issuer_name(issuer_cert.subject if issuer_cert else name)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(self._start).not_valid_after(self._end)
             .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer_cert is None else 0),
                            critical=True)
             .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                          content_commitment=False, key_encipherment=False,
                                          data_encipherment=False, key_agreement=False,
                                          encipher_only=False, decipher_only=False), critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        return b.sign(issuer_key or key, hashes.SHA256())

    def server(self, stem: str, names: list[str]) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        alt: list[x509.GeneralName] = []
        for n in names:
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(n)))
            except ValueError:
                alt.append(x509.DNSName(n))
        cert = (x509.CertificateBuilder().subject_name(_name(names[0])).issuer_name(self.sub.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(self._start).not_valid_after(self._end)
                .add_extension(x509.SubjectAlternativeName(alt), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .sign(self.sub_key, hashes.SHA256()))
        out = Issued(self.folder / f"{stem}.crt", self.folder / f"{stem}-chain.crt", self.folder / f"{stem}.key")
        out.cert.write_bytes(_pem(cert))
        out.chain.write_bytes(_pem(cert) + _pem(self.sub))
        out.key.write_bytes(_key_pem(key))
        out.key.chmod(0o600)
        return out
