import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { caCertHash } from "../../components/render/ca-hash";
import { missingPrograms, skipUnless } from "../helpers/skip";

/** kubeadm's recipe with openssl: the CA's public key, as DER, hashed with SHA-256. */
function opensslPin(cert: string, keyTool: "rsa" | "pkey"): string {
    const pub = execFileSync("openssl", ["x509", "-pubkey", "-noout", "-in", cert]);
    const der = execFileSync("openssl", [keyTool, "-pubin", "-outform", "der"], { input: pub, stdio: ["pipe", "pipe", "ignore"] });
    const hex = execFileSync("openssl", ["dgst", "-sha256", "-hex"], { input: der, encoding: "utf8" }).trim().split(/\s+/).pop()!;
    return `sha256:${hex}`;
}

describe("the kubeadm discovery CA pin", () => {
    let dir: string;
    before(function () {
        skipUnless(this, missingPrograms("openssl"));
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-pin-"));
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    const makeCa = (name: string, keyArgs: string[]) => {
        const cert = path.join(dir, `${name}.crt`);
        execFileSync("openssl", ["req", "-x509", ...keyArgs, "-nodes", "-keyout", path.join(dir, `${name}.key`), "-out", cert, "-subj", "/CN=kubernetes", "-days", "1"], { stdio: "ignore" });
        return cert;
    };

    it("matches openssl for an RSA CA (kubeadm's documented `openssl rsa` recipe)", () => {
        const cert = makeCa("rsa", ["-newkey", "rsa:2048"]);
        assert.equal(caCertHash(readFileSync(cert, "utf8")), opensslPin(cert, "rsa"));
    });

    it("matches openssl for an ECDSA CA (`openssl pkey -pubin`; the rsa recipe cannot read it)", () => {
        const cert = makeCa("ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
        assert.equal(caCertHash(readFileSync(cert, "utf8")), opensslPin(cert, "pkey"));
        assert.throws(() => opensslPin(cert, "rsa"), "the documented recipe fails on an ECDSA key");
    });
});
