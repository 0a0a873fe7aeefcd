// Test certificates made with the openssl CLI (ECDSA P-256), for exactly the SANs a renderer asks for.

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export interface KeyPair { readonly cert: string; readonly key: string }

function openssl(args: string[]): void {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** A self-signed CA in `dir`. */
export function makeCa(dir: string, name: string): KeyPair {
    mkdirSync(dir, { recursive: true });
    const key = path.join(dir, `${name}.key`);
    const cert = path.join(dir, `${name}.crt`);
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
    openssl(["req", "-x509", "-new", "-key", key, "-subj", `/CN=${name}`, "-days", "2", "-out", cert,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    return { cert, key };
}

/** A leaf certificate signed by `ca`. */
export function makeCert(dir: string, ca: KeyPair, name: string, o: { cn: string; ips?: string[]; dns?: string[]; server?: boolean; client?: boolean }): KeyPair {
    mkdirSync(dir, { recursive: true });
    const key = path.join(dir, `${name}.key`);
    const csr = path.join(dir, `${name}.csr`);
    const cert = path.join(dir, `${name}.crt`);
    const ext = path.join(dir, `${name}.ext`);
    const sans = [...(o.ips ?? []).map((i) => `IP:${i}`), ...(o.dns ?? []).map((d) => `DNS:${d}`)];
    const usages = [...(o.server ? ["serverAuth"] : []), ...(o.client ? ["clientAuth"] : [])];
    writeFileSync(ext, [
        "basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment",
        `extendedKeyUsage=${usages.join(",")}`, ...(sans.length > 0 ? [`subjectAltName=${sans.join(",")}`] : []),
    ].join("\n"));
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
    openssl(["req", "-new", "-key", key, "-subj", `/CN=${o.cn}`, "-out", csr]);
    openssl(["x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial", "-days", "2", "-out", cert, "-extfile", ext]);
    return { cert, key };
}
