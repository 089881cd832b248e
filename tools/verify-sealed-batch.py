#!/usr/bin/env python3
"""Verifies a batch sealed by the ketenpoort gateway, or a receipt signed by its inbox, following
docs/sealed-batch.md (and nothing else): §6 for a delivered batch, §7.2 for a receipt.

    verify-sealed-batch.py batch --payload FILE --headers FILE --ca PEM --gateway OIN [--recipient OIN] [--at ISO]
    verify-sealed-batch.py receipt --receipt FILE --headers FILE --ca PEM --gateway OIN [--payload FILE] [--partner OIN] [--at ISO]

Exit status: 0 valid, 1 invalid (the failed step is named), 2 wrong usage or unreadable input.
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import json
import re
import sys

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID, NameOID
from jwcrypto import jwk, jws
from jwcrypto.common import JWException


class Invalid(Exception):
    """A check of the specification failed: the step, and what was wrong."""

    def __init__(self, step, detail):
        super().__init__(f"{step}: {detail}")


class Unusable(Exception):
    """The input cannot be read at all (wrong usage)."""


HEX64 = re.compile(r"^[0-9a-f]{64}$")
OIN = re.compile(r"^[0-9]{20}$")


# --- Input -------------------------------------------------------------------------------------


def read_bytes(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise Unusable(f"cannot read {path}: {error.strerror}")


def read_headers(path):
    """§8: one `Name: value` field a line, names in any case; an HTTP status line is skipped."""
    fields = {}
    for line in read_bytes(path).decode("utf-8", "strict").splitlines():
        if not line.strip() or line.startswith("HTTP/"):
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise Unusable(f"{path}: not a 'Name: value' line: {line[:40]!r}")
        fields[name.strip().lower()] = value.strip()
    return fields


def read_ca(path):
    try:
        certificates = x509.load_pem_x509_certificates(read_bytes(path))
    except ValueError:
        raise Unusable(f"{path} holds no PEM certificate")
    if not certificates:
        raise Unusable(f"{path} holds no PEM certificate")
    return certificates


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def b64url_decode(text, what, step):
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise Invalid(step, f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise Invalid(step, f"{what} is not base64url")


# --- The JWS (§2) ------------------------------------------------------------------------------


BATCH_STEPS = {"parse": "§6 step 2 parse", "parameters": "§6 step 3 header parameters", "chain": "§6 step 4 certificate chain",
               "kid": "§6 step 5 kid", "signature": "§6 step 6 signature"}
RECEIPT_STEPS = {"parse": "§7.2 step 1 parse", "parameters": "§7.2 step 1 header parameters", "chain": "§7.2 step 2 certificate chain",
                 "kid": "§7.2 step 2 kid", "signature": "§7.2 step 2 signature"}


def parse_jws(compact, expected_type, steps):
    """§6 steps 2–3 (JOSE part): the three parts, the header object, alg, crit, b64, typ."""
    step = steps["parse"]
    parts = compact.strip().split(".")
    if len(parts) != 3 or parts[1] != "":
        raise Invalid(step, "Ketenpoort-Signature is not <header>..<signature> (three parts, the middle one empty)")
    try:
        header = json.loads(b64url_decode(parts[0], "the header", step).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Invalid(step, "the header is not JSON")
    if not isinstance(header, dict):
        raise Invalid(step, "the header is not a JSON object")
    if len(b64url_decode(parts[2], "the signature", step)) != 64:
        raise Invalid(step, "an ES256 signature is 64 bytes (R || S)")
    step = steps["parameters"]
    if header.get("alg") != "ES256":
        raise Invalid(step, f"alg is {header.get('alg')!r}, only ES256 is valid")
    if "crit" in header:
        raise Invalid(step, "crit is present")
    if header.get("b64", True) is not True:
        raise Invalid(step, "b64 is present and not true")
    if header.get("typ") != expected_type:
        raise Invalid(step, f"typ is {header.get('typ')!r}, expected {expected_type!r}")
    return header


def require(header, name, kind, step):
    """A required parameter of the given kind: str, int (non-negative), oin, hex (lower-case SHA-256)."""
    if name not in header:
        raise Invalid(step, f"{name} is missing")
    value = header[name]
    if kind == "int":
        if type(value) is not int or value < 0:
            raise Invalid(step, f"{name} is not a non-negative integer")
    elif not isinstance(value, str):
        raise Invalid(step, f"{name} is not a string")
    elif kind == "oin" and not OIN.match(value):
        raise Invalid(step, f"{name} is not an OIN (20 digits)")
    elif kind == "hex" and not HEX64.match(value):
        raise Invalid(step, f"{name} is not 64 lower-case hex characters")
    return value


def certificate_oin(certificate):
    """§2.2: the OIN is the subject's serialNumber (2.5.4.5)."""
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        if OIN.match(attribute.value):
            return attribute.value
    return None


def extension(certificate, oid):
    try:
        return certificate.extensions.get_extension_for_oid(oid).value
    except x509.ExtensionNotFound:
        return None


def issued(lower, upper):
    """§6.1: issuer name equals subject name and the upper key verifies the lower signature."""
    try:
        lower.verify_directly_issued_by(upper)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


def check_chain(header, trusted, at, steps):
    """§6.1, and §6 step 5 (kid). Returns the signer's certificate."""
    step = steps["chain"]
    chain_texts = header.get("x5c")
    if not isinstance(chain_texts, list) or not chain_texts:
        raise Invalid(step, "x5c is missing or empty")
    chain = []
    for index, text in enumerate(chain_texts):
        try:
            der = base64.b64decode(text, validate=True)
            chain.append((der, x509.load_der_x509_certificate(der)))
        except (TypeError, binascii.Error, ValueError):
            raise Invalid(step, f"x5c[{index}] is not a base64 DER certificate")
    trusted_ders = {certificate.public_bytes(Encoding.DER) for certificate in trusted}

    def valid_at(certificate, what):
        if not (certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc):
            raise Invalid(step, f"{what} is not valid at {at.isoformat()} (valid {certificate.not_valid_before_utc.isoformat()} to {certificate.not_valid_after_utc.isoformat()})")

    def may_issue(certificate, what):
        constraints = extension(certificate, ExtensionOID.BASIC_CONSTRAINTS)
        if constraints is None or not constraints.ca:
            raise Invalid(step, f"{what} is not a CA (basic constraints CA:TRUE)")
        usage = extension(certificate, ExtensionOID.KEY_USAGE)
        if usage is not None and not usage.key_cert_sign:
            raise Invalid(step, f"{what}'s key usage lacks keyCertSign")

    signer = chain[0][1]
    for index, (der, certificate) in enumerate(chain):
        what = f"x5c[{index}]"
        valid_at(certificate, what)
        if der in trusted_ders:
            if index == 0:
                raise Invalid(step, "the signer's certificate is itself a CA certificate")
            may_issue(certificate, what)
            break
        anchor = next((ca for ca in trusted if issued(certificate, ca)), None)
        if anchor is not None:
            valid_at(anchor, "the trusted CA")
            may_issue(anchor, "the trusted CA")
            break
        if index + 1 == len(chain):
            raise Invalid(step, "x5c does not lead to a trusted CA certificate")
        upper = chain[index + 1][1]
        if not issued(certificate, upper):
            raise Invalid(step, f"x5c[{index + 1}] did not issue x5c[{index}]")
        may_issue(upper, f"x5c[{index + 1}]")

    constraints = extension(signer, ExtensionOID.BASIC_CONSTRAINTS)
    if constraints is not None and constraints.ca:
        raise Invalid(step, "the signer's certificate is a CA certificate")
    key = signer.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise Invalid(step, "the signer's key is not P-256")
    usage = extension(signer, ExtensionOID.KEY_USAGE)
    if usage is not None and not usage.digital_signature:
        raise Invalid(step, "the signer's key usage lacks digitalSignature")
    if certificate_oin(signer) is None:
        raise Invalid(step, "the signer's subject carries no OIN in serialNumber")

    if "kid" in header and header["kid"] != sha256_hex(chain[0][0]):
        raise Invalid(steps["kid"], "kid is not the SHA-256 of x5c[0]")
    return signer


def check_sender(header, signer, gateway, step):
    """§6 step 7: kp-sender is the OIN of x5c[0], and the gateway's."""
    if header["kp-sender"] != certificate_oin(signer):
        raise Invalid(step, f"kp-sender {header['kp-sender']} is not the signer certificate's OIN {certificate_oin(signer)}")
    if header["kp-sender"] != gateway:
        raise Invalid(step, f"kp-sender {header['kp-sender']} is not the gateway's OIN {gateway}")


def check_signature(compact, payload, signer, steps):
    """§6 step 6: ES256 over base64url(header) . base64url(payload), with x5c[0]'s key."""
    token = jws.JWS()
    try:
        token.deserialize(compact.strip())
        token.verify(jwk.JWK.from_pyca(signer.public_key()), alg="ES256", detached_payload=payload)
    except (JWException, ValueError) as error:
        raise Invalid(steps["signature"], f"the ES256 signature does not verify ({type(error).__name__})")


# --- Records and the Merkle tree (§3–§5) --------------------------------------------------------


def media_type(content_type):
    return content_type.split(";")[0].strip().lower()


def xml_records(body, header_batch, count):
    """§4.1: prologue || records || epilogue; the root's batch and aantal."""
    step = "§6 step 10 records"
    epilogue = b"</Kennisgevingen>\n"
    if not body.endswith(epilogue):
        raise Invalid(step, "the XML body does not end with </Kennisgevingen> and LF")
    starts = [match.start() - 2 for match in re.finditer(rb"<Kennisgeving[ >]", body)]
    records = []
    position = starts[0] if starts else len(body) - len(epilogue)
    prologue = body[:position]
    for start in starts:
        if start != position or body[start:start + 2] != b"  ":
            raise Invalid(step, f"bytes between records, or a record without its two spaces of indentation, at byte {start}")
        end_tag = body.find(b"</Kennisgeving>\n", start)
        if end_tag < 0:
            raise Invalid(step, f"a Kennisgeving at byte {start + 2} has no end tag and LF")
        position = end_tag + len(b"</Kennisgeving>\n")
        records.append(body[start:position])
    if position != len(body) - len(epilogue):
        raise Invalid(step, "bytes between the last record and </Kennisgevingen>")
    lines = prologue.split(b"\n")
    if len(lines) != 3 or lines[0] != b'<?xml version="1.0" encoding="UTF-8"?>' or not lines[1].startswith(b"<Kennisgevingen ") \
            or not lines[1].endswith(b">") or lines[2] != b"":
        raise Invalid(step, "the prologue is not the XML declaration and the root start tag, each on a line")
    root = lines[1].decode("utf-8")
    aantal = re.search(r' aantal="([0-9]+)"', root)
    batch = re.search(r' batch="([^"]*)"', root)
    if aantal is None or int(aantal.group(1)) != count:
        raise Invalid(step, f"the root's aantal is not kp-count {count}")
    if batch is None or batch.group(1) != header_batch:
        raise Invalid(step, "the root's batch is not kp-batch")
    return records


def csv_records(body):
    """§4.2: the lines after the header line, each with its LF; a LF inside quotes does not end a line."""
    lines = []
    start = 0
    quoted = False
    for index, byte in enumerate(body):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x0A and not quoted:
            lines.append(body[start:index + 1])
            start = index + 1
    if start != len(body) or not lines:
        raise Invalid("§6 step 10 records", "the CSV body does not end with LF after its header line")
    return lines[1:]


def jsonl_records(body):
    """§4.3: every line with its LF."""
    if body and not body.endswith(b"\n"):
        raise Invalid("§6 step 10 records", "the JSON lines body does not end with LF")
    return [line + b"\n" for line in body.split(b"\n")[:-1]]


def records_of(content_type, body, header):
    kind = media_type(content_type)
    if kind == "application/xml":
        return xml_records(body, header["kp-batch"], header["kp-count"])
    if kind == "text/csv":
        return csv_records(body)
    if kind == "application/jsonl":
        return jsonl_records(body)
    if kind == "application/json":
        return [body]
    raise Invalid("§6 step 10 records", f"no record rule for Content-Type {content_type!r}")


def merkle_tree_head(leaves):
    """§5, RFC 9162 §2.1.1: MTH over the record hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return hashlib.sha256(b"\x01" + merkle_tree_head(leaves[:split]) + merkle_tree_head(leaves[split:])).digest()


# --- The two procedures ------------------------------------------------------------------------


def content_digest_sha256(field):
    """RFC 9530: the sha-256 member of `sha-256=:<base64>:` (other members ignored)."""
    for member in field.split(","):
        key, equals, value = member.strip().partition("=")
        value = value.split(";")[0].strip()
        if key.strip().lower() == "sha-256" and equals and len(value) >= 2 and value[0] == value[-1] == ":":
            try:
                return base64.b64decode(value[1:-1], validate=True)
            except binascii.Error:
                break
    raise Invalid("§6 step 1 digest", "Content-Digest has no well-formed sha-256 member")


def verify_batch(payload, headers, trusted, at, gateway, recipient):
    """§6: a delivered batch."""
    for name in ("content-digest", "ketenpoort-signature", "idempotency-key", "content-type"):
        if name not in headers:
            raise Invalid("§6 input", f"the stored header fields lack {name}")
    if content_digest_sha256(headers["content-digest"]) != hashlib.sha256(payload).digest():
        raise Invalid("§6 step 1 digest", "the body does not match its Content-Digest")
    compact = headers["ketenpoort-signature"]
    header = parse_jws(compact, "JOSE", BATCH_STEPS)
    step = BATCH_STEPS["parameters"]
    for name, kind in (("kp-batch", "str"), ("kp-sender", "oin"), ("kp-recipient", "oin"), ("kp-contract", "str"),
                       ("kp-contract-version", "str"), ("kp-count", "int"), ("kp-merkle-root", "hex"), ("kp-sha256", "hex"),
                       ("iat", "int")):
        require(header, name, kind, step)
    signer = check_chain(header, trusted, at, BATCH_STEPS)
    check_signature(compact, payload, signer, BATCH_STEPS)
    check_sender(header, signer, gateway, "§6 step 7 sender")
    if header["kp-batch"] != headers["idempotency-key"]:
        raise Invalid("§6 step 8 batch", "kp-batch is not the Idempotency-Key")
    if recipient is not None and header["kp-recipient"] != recipient:
        raise Invalid("§6 step 8 recipient", f"kp-recipient {header['kp-recipient']} is not {recipient}")
    if header["kp-sha256"] != sha256_hex(payload):
        raise Invalid("§6 step 9 payload digest", "kp-sha256 is not the SHA-256 of the body")
    records = records_of(headers["content-type"], payload, header)
    if len(records) != header["kp-count"]:
        raise Invalid("§6 step 10 records", f"the body holds {len(records)} records, kp-count says {header['kp-count']}")
    root = merkle_tree_head([hashlib.sha256(record).digest() for record in records]).hex()
    if root != header["kp-merkle-root"]:
        raise Invalid("§6 step 11 merkle root", f"the Merkle tree head over the record hashes is {root}, kp-merkle-root says {header['kp-merkle-root']}")
    return [
        f"batch {header['kp-batch']}: valid",
        f"  contract:  {header['kp-contract']} {header['kp-contract-version']}",
        f"  sender:    {header['kp-sender']} (signer: {signer.subject.rfc4514_string()})",
        f"  recipient: {header['kp-recipient']}",
        f"  records:   {len(records)} ({media_type(headers['content-type'])}), Merkle root {root}",
        f"  sealed at: {datetime.datetime.fromtimestamp(header['iat'], datetime.timezone.utc).isoformat()}",
    ]


def verify_receipt(body, headers, trusted, at, gateway, payload, partner):
    """§7.2: a receipt of the gateway's inbox."""
    if "ketenpoort-signature" not in headers:
        raise Invalid("§7.2 input", "the stored header fields lack Ketenpoort-Signature")
    compact = headers["ketenpoort-signature"]
    header = parse_jws(compact, "kp-receipt+jose", RECEIPT_STEPS)
    step = RECEIPT_STEPS["parameters"]
    for name, kind in (("kp-sender", "oin"), ("kp-partner", "oin"), ("kp-contract", "str"), ("kp-idempotency-key", "str"),
                       ("kp-payload-sha256", "hex"), ("kp-sha256", "hex"), ("kp-outcome", "str"), ("kp-items", "int"),
                       ("kp-accepted", "int"), ("kp-quarantined", "int"), ("kp-rejected", "int"), ("iat", "int")):
        require(header, name, kind, step)
    signer = check_chain(header, trusted, at, RECEIPT_STEPS)
    check_signature(compact, body, signer, RECEIPT_STEPS)
    check_sender(header, signer, gateway, "§7.2 step 2 sender")
    if header["kp-sha256"] != sha256_hex(body):
        raise Invalid("§7.2 step 3 receipt digest", "kp-sha256 is not the SHA-256 of the receipt body")
    try:
        receipt = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Invalid("§7.2 step 4 receipt body", "the receipt body is not JSON")
    if not isinstance(receipt, dict):
        raise Invalid("§7.2 step 4 receipt body", "the receipt body is not a JSON object")
    for member, parameter in (("contract", "kp-contract"), ("idempotencyKey", "kp-idempotency-key"), ("sha256", "kp-payload-sha256"),
                              ("outcome", "kp-outcome"), ("items", "kp-items"), ("accepted", "kp-accepted"),
                              ("quarantined", "kp-quarantined"), ("rejected", "kp-rejected")):
        if receipt.get(member) != header[parameter] or type(receipt.get(member)) is not type(header[parameter]):
            raise Invalid("§7.2 step 4 receipt body", f"the receipt's {member} is not the signed {parameter}")
    try:
        received = datetime.datetime.fromisoformat(str(receipt.get("receivedAt")).replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("§7.2 step 4 receipt body", "receivedAt is not an ISO 8601 instant")
    if received.tzinfo is None or received.timestamp() != header["iat"]:
        raise Invalid("§7.2 step 4 receipt body", "receivedAt is not the signed iat")
    if payload is not None and sha256_hex(payload) != header["kp-payload-sha256"]:
        raise Invalid("§7.2 step 5 delivered file", "kp-payload-sha256 is not the SHA-256 of the file sent")
    if partner is not None and header["kp-partner"] != partner:
        raise Invalid("§7.2 step 5 partner", f"kp-partner {header['kp-partner']} is not {partner}")
    return [
        f"receipt for {header['kp-idempotency-key']} ({header['kp-contract']}): valid",
        f"  partner:   {header['kp-partner']}, file sha256 {header['kp-payload-sha256']}",
        f"  outcome:   {header['kp-outcome']}: items {header['kp-items']}, accepted {header['kp-accepted']}, "
        f"quarantined {header['kp-quarantined']}, rejected {header['kp-rejected']}",
        f"  signed by: {header['kp-sender']} at {receipt['receivedAt']}",
    ]


def main(argv):
    parser = argparse.ArgumentParser(description="Verify a ketenpoort sealed batch or signed receipt (docs/sealed-batch.md).")
    commands = parser.add_subparsers(dest="command", required=True)
    batch = commands.add_parser("batch", help="a delivered batch (§6)")
    batch.add_argument("--payload", required=True, help="the body as received")
    batch.add_argument("--recipient", help="your OIN: kp-recipient must be it")
    receipt = commands.add_parser("receipt", help="a receipt of the gateway's inbox (§7.2)")
    receipt.add_argument("--receipt", required=True, help="the response body as received")
    receipt.add_argument("--payload", help="the file you delivered: kp-payload-sha256 must be its SHA-256")
    receipt.add_argument("--partner", help="your OIN: kp-partner must be it")
    for command in (batch, receipt):
        command.add_argument("--headers", required=True, help="the header fields as stored, one 'Name: value' a line")
        command.add_argument("--ca", required=True, help="PEM file of the CA certificate(s) trusted for the gateway")
        command.add_argument("--gateway", required=True, help="the gateway's OIN: kp-sender must be it")
        command.add_argument("--at", help="check the certificates at this ISO 8601 instant (default: now)")
    arguments = parser.parse_args(argv)
    try:
        at = datetime.datetime.now(datetime.timezone.utc)
        if arguments.at:
            at = datetime.datetime.fromisoformat(arguments.at.replace("Z", "+00:00"))
            if at.tzinfo is None:
                raise Unusable("--at needs a time zone")
        headers = read_headers(arguments.headers)
        trusted = read_ca(arguments.ca)
        if arguments.command == "batch":
            lines = verify_batch(read_bytes(arguments.payload), headers, trusted, at, arguments.gateway, arguments.recipient)
        else:
            payload = read_bytes(arguments.payload) if arguments.payload else None
            lines = verify_receipt(read_bytes(arguments.receipt), headers, trusted, at, arguments.gateway, payload, arguments.partner)
    except Invalid as error:
        print(f"INVALID — {error}")
        return 1
    except (Unusable, ValueError) as error:
        print(f"cannot verify: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
