// The kubeadm discovery pin: "sha256:" + hex SHA-256 of the CA certificate's DER-encoded
// SubjectPublicKeyInfo. Works for RSA and ECDSA CAs alike (the documented openssl recipe,
// which pipes through `openssl rsa`, only fits RSA).

import { createHash, X509Certificate } from "node:crypto";

export function caCertHash(caCertPem: string): string {
    const spki = new X509Certificate(caCertPem).publicKey.export({ type: "spki", format: "der" });
    return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}
