import Foundation
import Testing

@testable import Sealing

/// A standard JOSE library (Python's joserfc, else pyca/cryptography by hand) verifies our seals.
@Suite("JOSE interoperability", .enabled(if: Python.library != nil, "python3 with joserfc or cryptography is not installed"))
struct JOSEInteropTests {

    /// Verifies payload + JWS with the x5c signer key after checking it was issued by the CA; a changed
    /// payload must fail. Prints the library used and the sealed batch id. A fourth argument skips joserfc.
    static let script = #"""
        import base64, hashlib, json, sys
        from cryptography import x509
        payload = open(sys.argv[1], "rb").read()
        token = open(sys.argv[2]).read().strip()
        ca = x509.load_pem_x509_certificate(open(sys.argv[3], "rb").read())
        encoded_header = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(encoded_header + "=" * (-len(encoded_header) % 4)))
        leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        leaf.verify_directly_issued_by(ca)
        try:
            if len(sys.argv) > 4:  # "by hand": check with pyca/cryptography alone
                raise ImportError
            from joserfc import jws
            from joserfc.jwk import ECKey
            from joserfc.errors import BadSignatureError
            from joserfc.registry import HeaderParameter
            # joserfc is strict by default: unknown header parameters are refused and a header is at
            # most 512 bytes (an x5c chain is more), so a recipient registers the kp- parameters.
            kp = {name: HeaderParameter(name, kind, required=True) for name, kind in [
                ("kp-batch", "str"), ("kp-sender", "str"), ("kp-recipient", "str"), ("kp-contract", "str"),
                ("kp-contract-version", "str"), ("kp-count", "int"), ("kp-merkle-root", "str"), ("kp-sha256", "str"),
                ("iat", "int")]}
            registry = jws.JWSRegistry(header_registry=kp, algorithms=["ES256"])
            registry.max_header_length = 16384
            key = ECKey.import_key(leaf.public_key())
            result = jws.deserialize_compact(token, key, payload=payload, registry=registry)
            assert result.payload == payload
            assert result.protected["kp-sha256"] == hashlib.sha256(payload).hexdigest()
            try:
                jws.deserialize_compact(token, key, payload=payload + b"x", registry=registry)
                sys.exit("a changed payload verified")
            except BadSignatureError:
                pass
            library = "joserfc"
        except ImportError:
            from cryptography.exceptions import InvalidSignature
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
            assert header["alg"] == "ES256"
            raw = base64.urlsafe_b64decode(token.split(".")[2] + "==")
            signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
            def signing_input(body):
                return (encoded_header + "." + base64.urlsafe_b64encode(body).decode().rstrip("=")).encode()
            leaf.public_key().verify(signature, signing_input(payload), ec.ECDSA(hashes.SHA256()))
            try:
                leaf.public_key().verify(signature, signing_input(payload + b"x"), ec.ECDSA(hashes.SHA256()))
                sys.exit("a changed payload verified")
            except InvalidSignature:
                pass
            library = "cryptography"
        print(library, header["kp-batch"])
        """#

    @Test("Python (joserfc, and pyca/cryptography by hand) verifies the detached ES256 JWS with the x5c certificate's key")
    func pythonVerifies() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let sealed = try SampleBatch.seal(with: try pki.signer())
        let payload = try pki.directory.write("batch.jsonl", SampleBatch.payload)
        let jws = try pki.directory.write("batch.jws", Data(sealed.jws.compact.utf8))
        let script = try pki.directory.write("verify.py", Data(Self.script.utf8))
        let arguments = [script.path, payload.path, jws.path, DevPKI.caCertificateFile(in: pki.directory.url).path]
        let result = try Python.run(arguments)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(Python.library ?? "") b-2026-11-22-gm0363-1")
        if Python.library == "joserfc", try Python.run(["-c", "import cryptography"]).status == 0 {
            let byHand = try Python.run(arguments + ["by-hand"])
            #expect(byHand.status == 0, "\(byHand.output)")
            #expect(byHand.output.trimmingCharacters(in: .whitespacesAndNewlines) == "cryptography b-2026-11-22-gm0363-1")
        }
    }
}

/// The machine's python3.
enum Python {
    /// The Python library to check with: `joserfc`, `cryptography`, or nil.
    static let library: String? = {
        for module in ["joserfc", "cryptography"] where (try? run(["-c", "import \(module)"]))?.status == 0 { return module }
        return nil
    }()

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
