import Foundation

/// The README of an exported proof: what each file is and the commands an auditor runs.
enum AuditProofReadme {
    static func text(_ summary: AuditProof.Summary, includesPayload: Bool) -> String {
        let first = summary.chain.first ?? "chain/?"
        var text = """
            # Proof of batch \(summary.batch)

            The gateway sealed batch `\(summary.batch)` for `\(summary.recipient)` (OIN \(summary.recipientOIN)):
            \(summary.records) record(s), Merkle root `\(summary.merkleRoot)`, payload SHA-256 `\(summary.payloadSHA256)`.
            Audit-chain entry \(summary.entrySeq) (`\(first)`) records it; the entries up to \(summary.checkpointSeq) link it to
            the checkpoint the gateway signed over entry \(summary.checkpointSeq).

            | file | what |
            |---|---|
            | `batch.jws` | the batch's seal: detached JWS (ES256, `x5c`), as sent in the `Ketenpoort-Signature` header |
            | `batch-header.json` | its protected header, decoded (`kp-batch`, `kp-recipient`, `kp-count`, `kp-merkle-root`, `kp-sha256`, `iat`) |
            | `batch.sig.der` | the seal's signature in DER form, for `openssl dgst` |
            | `signer.pem`, `signer-chain.pem` | the gateway's certificate (subject serialNumber = its OIN) and its chain, from `x5c` |
            | `chain/*.json` | the audit-chain entries, each exactly the bytes its hash is taken over: `{"kind","payload","prev","seq","time"}` |
            | `checkpoint.json` | what the checkpoint signs: `{"hash","seq"}` of entry \(summary.checkpointSeq) |
            | `checkpoint.jws` | the checkpoint's detached JWS (ES256, `x5c`); `checkpoint.signing-input` and `checkpoint.sig.der` are its signed bytes and signature |
            | `proof.json` | the above as one summary |

            Get the gateway's CA certificate (`ca.pem`) from the gateway's operator through another channel; do not take it from here.

            ```sh
            # 1. The signer is the gateway: its certificate chains to the CA and names its OIN.
            openssl verify -CAfile ca.pem -untrusted signer-chain.pem signer.pem
            openssl x509 -in signer.pem -noout -subject

            # 2. The checkpoint is signed by the gateway over checkpoint.json.
            printf '%s.%s' "$(cut -d. -f1 checkpoint.jws)" "$(basenc --base64url -w0 checkpoint.json | tr -d '=')" | cmp - checkpoint.signing-input
            openssl x509 -in checkpoint-signer.pem -pubkey -noout > checkpoint-key.pem
            openssl dgst -sha256 -verify checkpoint-key.pem -signature checkpoint.sig.der checkpoint.signing-input

            # 3. The entries link the batch's entry to the checkpoint: each file's SHA-256 is the next one's "prev",
            #    and the last one's is the hash the checkpoint signs.
            prev=""; for f in chain/*.json; do
              if [ -n "$prev" ] && ! grep -q "\\"prev\\":\\"$prev\\"" "$f"; then echo "BROKEN at $f"; fi
              prev=$(sha256sum "$f" | cut -d' ' -f1)
            done
            grep -q "\\"hash\\":\\"$prev\\"" checkpoint.json && echo "the chain reaches the signed checkpoint"

            # 4. The batch's entry records this seal: same Merkle root, same JWS.
            grep -o '"merkleRoot":"[0-9a-f]*"' \(first); grep -o '"kp-merkle-root":"[0-9a-f]*"' batch-header.json
            grep -o '"signatureSHA256":"[0-9a-f]*"' \(first); sha256sum batch.jws
            ```

            """
        if includesPayload {
            text += """
                The export includes the batch itself (`batch.payload`): it holds personal data — keep it as such.

                ```sh
                # 5. The seal covers exactly these bytes.
                sha256sum batch.payload    # = kp-sha256 in batch-header.json
                printf '%s.%s' "$(cut -d. -f1 batch.jws)" "$(basenc --base64url -w0 batch.payload | tr -d '=')" > batch.signing-input
                openssl x509 -in signer.pem -pubkey -noout > signer-key.pem
                openssl dgst -sha256 -verify signer-key.pem -signature batch.sig.der batch.signing-input
                ```

                """
        } else {
            text += """
                The batch itself is not included (it holds personal data). Whoever holds it — the recipient — checks the seal
                over it with `ketenpoort verify <batch> --signature batch.jws --ca ca.pem`, or with any JOSE library, or with
                `openssl dgst -sha256 -verify` over `<first part of batch.jws>.<base64url of the batch>` and `batch.sig.der`.

                """
        }
        return text
    }
}
