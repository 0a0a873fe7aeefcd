// Real key material for the `tls` provider's resources under `pulumi.runtime.setMocks`, so the
// lab runs ClusterPki itself and then puts exactly what it made on the test hosts. Each resource
// gets what the provider would make from the same inputs (terraform-provider-tls: ECDSA keys in
// SEC1 "EC PRIVATE KEY" PEM, subject, IsCA, key and extended key usages from `allowedUses`, SANs
// copied from the request, validity in hours), made with the openssl CLI; ED25519 keys (SSH host
// keys) in OpenSSH formats, made with ssh-keygen. Validity is rounded up to whole days (openssl
// 3.0's `-days`). RSA keys (the SSH deploy key) keep the preview's fakes: nothing in the lab uses them.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { withoutSecrets } from "./unwrap";

const KEY_USAGES: Readonly<Record<string, string>> = {
    digital_signature: "digitalSignature", key_encipherment: "keyEncipherment", cert_signing: "keyCertSign", crl_signing: "cRLSign",
};
const EXT_USAGES: Readonly<Record<string, string>> = { server_auth: "serverAuth", client_auth: "clientAuth" };

function openssl(args: readonly string[], input?: string): string {
    return execFileSync("openssl", args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

/** Runs `fn` with a private scratch directory that is removed afterwards. */
function scratch<T>(fn: (file: (name: string, content?: string) => string) => T): T {
    const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-tls-"));
    try {
        return fn((name, content) => {
            const f = path.join(dir, name);
            if (content !== undefined) {
                writeFileSync(f, content, { mode: 0o600 });
            }
            return f;
        });
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function subjectArg(subject: { commonName?: string; organization?: string } | undefined): string {
    const esc = (v: string) => v.replace(/[/\\]/g, "\\$&");
    return `${subject?.organization ? `/O=${esc(subject.organization)}` : ""}/CN=${esc(subject?.commonName ?? "")}` || "/";
}

function extensions(uses: readonly string[], isCa: boolean): string {
    const ku = uses.map((u) => KEY_USAGES[u]).filter(Boolean);
    const eku = uses.map((u) => EXT_USAGES[u]).filter(Boolean);
    return [
        `basicConstraints=critical,CA:${isCa ? "TRUE" : "FALSE"}`,
        ...(ku.length > 0 ? [`keyUsage=critical,${ku.join(",")}`] : []),
        ...(eku.length > 0 ? [`extendedKeyUsage=${eku.join(",")}`] : []),
        "subjectKeyIdentifier=hash",
    ].join("\n");
}

const days = (hours: number) => String(Math.max(1, Math.ceil(hours / 24)));

function endTime(certPem: string): string {
    const end = openssl(["x509", "-noout", "-enddate"], certPem).trim().replace(/^notAfter=/, "");
    return new Date(end).toISOString().replace(/\.\d{3}Z$/, "Z");
}


/** Outputs of a tls resource made from its inputs, or undefined for types (or RSA keys) left to other mocks. */
export function realTlsOutputs(type: string, wireInputs: Record<string, any>): Record<string, any> | undefined {
    const inputs = withoutSecrets(wireInputs);
    switch (type) {
        case "tls:index/privateKey:PrivateKey": {
            if (inputs.algorithm === "ED25519") {
                return scratch((file) => {
                    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file("key")], { stdio: "pipe" });
                    return { privateKeyOpenssh: readFileSync(file("key"), "utf8"), publicKeyOpenssh: `${readFileSync(file("key.pub"), "utf8").trim()}\n` };
                });
            }
            if (inputs.algorithm !== "ECDSA") {
                return undefined;
            }
            const curve = ({ P224: "secp224r1", P256: "prime256v1", P384: "secp384r1", P521: "secp521r1" } as Record<string, string>)[inputs.ecdsaCurve ?? "P224"];
            const privateKeyPem = openssl(["ecparam", "-name", curve, "-genkey", "-noout"]);
            return { privateKeyPem, publicKeyPem: openssl(["ec", "-pubout"], privateKeyPem) };
        }
        case "tls:index/selfSignedCert:SelfSignedCert":
            return scratch((file) => {
                const certPem = openssl(["req", "-x509", "-new", "-key", file("key.pem", inputs.privateKeyPem), "-subj", subjectArg(inputs.subject),
                    "-days", days(inputs.validityPeriodHours), "-extensions", "v3", "-config", file("req.cnf", `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${extensions(inputs.allowedUses ?? [], Boolean(inputs.isCaCertificate))}\n`)]);
                return { certPem, validityEndTime: endTime(certPem) };
            });
        case "tls:index/certRequest:CertRequest":
            return scratch((file) => {
                const sans = [...(inputs.ipAddresses ?? []).map((i: string) => `IP:${i}`), ...(inputs.dnsNames ?? []).map((d: string) => `DNS:${d}`)];
                const certRequestPem = openssl(["req", "-new", "-key", file("key.pem", inputs.privateKeyPem), "-subj", subjectArg(inputs.subject),
                    ...(sans.length > 0 ? ["-addext", `subjectAltName=${sans.join(",")}`] : [])]);
                return { certRequestPem };
            });
        case "tls:index/locallySignedCert:LocallySignedCert":
            return scratch((file) => {
                const certPem = openssl(["x509", "-req", "-in", file("csr.pem", inputs.certRequestPem), "-CA", file("ca.pem", inputs.caCertPem),
                    "-CAkey", file("ca-key.pem", inputs.caPrivateKeyPem), "-CAcreateserial", "-CAserial", file("serial"), "-days", days(inputs.validityPeriodHours),
                    "-copy_extensions", "copy", "-extfile", file("ext.cnf", `${extensions(inputs.allowedUses ?? [], Boolean(inputs.isCaCertificate))}\nauthorityKeyIdentifier=keyid\n`)]);
                return { certPem, validityEndTime: endTime(certPem) };
            });
        default:
            return undefined;
    }
}
