// Real etcd (Debian's 3.4 build) running the rendered member command line of the
// prod-keepalived stack on three test hosts, with certificates made by openssl for exactly the
// SANs the renderer asks for. Only the file paths are relocated under each host's scratch root.

import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { renderContext } from "../../components/render/context";
import { etcdArgs, etcdCertificateRequests, STAGED_ETCD_MANIFEST } from "../../components/render/etcd";
import { Host, Lab, labUnavailable, waitFor } from "../../lab/lab";
import { labHooks } from "../helpers/lab-hooks";
import { skipUnless } from "../helpers/skip";
import { KeyPair, makeCa, makeCert } from "../../lab/pki";
import { renderStack } from "../helpers/rendered";
import { rebase, stage } from "../../lab/staging";

describe("etcd: the rendered members form a TLS cluster (real etcd)", function () {
    this.timeout(120_000);
    const rendered = renderStack("prod-keepalived");
    const ctx = renderContext(rendered.spec, rendered.plan);
    const members = rendered.bundles.filter((b) => b.node.role === "etcd");
    let lab: Lab | undefined;
    let client: Host;
    let ca: KeyPair;
    let clientCert: KeyPair;
    let endpoints: string;

    const etcdctl = (...args: string[]) => client.exec("etcdctl", [
        `--endpoints=${endpoints}`, `--cacert=${ca.cert}`, `--cert=${clientCert.cert}`, `--key=${clientCert.key}`,
        "--dial-timeout=2s", "--command-timeout=5s", ...args,
    ], 20_000);

    before(function () {
        skipUnless(this, labUnavailable(["etcd", "etcdctl", "openssl"]));
        lab = Lab.create(rendered.spec.network.vpcCidr);
        const pki = path.join(lab.dir, "pki");
        ca = makeCa(pki, "etcd-ca");
        clientCert = makeCert(pki, ca, "apiserver-etcd-client", { cn: "kube-apiserver-etcd-client", client: true });
        const requests = etcdCertificateRequests(ctx);
        members.forEach((b, i) => {
            const host = lab!.addHost(`etcd${i}`, b.node.privateIp);
            const nodeRoot = path.join(lab!.dir, host.name);
            stage(b.files, nodeRoot);
            const pkiDir = path.join(nodeRoot, "etc/etcd/pki");
            mkdirSync(pkiDir, { recursive: true });
            copyFileSync(ca.cert, path.join(pkiDir, "ca.crt"));
            for (const r of requests.filter((x) => x.member === b.node.name)) {
                const kp = makeCert(path.join(pki, b.node.name), ca, r.kind, { cn: r.commonName, ips: r.ips, dns: r.dns, server: true, client: true });
                copyFileSync(kp.cert, path.join(pkiDir, `${r.kind}.crt`));
                copyFileSync(kp.key, path.join(pkiDir, `${r.kind}.key`));
            }
            mkdirSync(path.join(nodeRoot, "var/lib/etcd"), { recursive: true, mode: 0o700 });
            const manifest = parse(b.files.find((f) => f.path === STAGED_ETCD_MANIFEST)!.content);
            const command: string[] = manifest.spec.containers[0].command;
            assert.deepEqual(command.slice(1), etcdArgs(ctx, b.node), "the static pod runs exactly the rendered flags");
            const relocated = command.map((a) => rebase(a, nodeRoot));
            host.spawn("etcd", relocated[0], relocated.slice(1));
        });
        client = lab.addHost("client", "172.16.10.100");
        endpoints = members.map((b) => `https://${b.node.privateIp}:2379`).join(",");
    });

    labHooks(() => lab);

    it("uses only flags the etcd 3.4 binary accepts", async () => {
        const help = await client.exec("etcd", ["--help"]);
        const known = new Set([...`${help.stdout}${help.stderr}`.matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((m) => m[1]));
        for (const flag of etcdArgs(ctx, members[0].node).map((a) => a.split("=")[0])) {
            assert.ok(known.has(flag), `${flag} is not an etcd 3.4 flag`);
        }
    });

    it("becomes healthy on every member, over TLS with client certificates", async () => {
        const { ms } = await waitFor("etcd cluster health", async () => {
            const r = await etcdctl("endpoint", "health", "--cluster");
            return r.code === 0 && (r.stdout + r.stderr).match(/is healthy/g)?.length === 3 ? r : undefined;
        }, 30_000, 250);
        console.log(`      3 members healthy ${ms} ms after start`);
    });

    it("has exactly the planned members", async () => {
        const r = await etcdctl("member", "list", "-w", "json");
        assert.equal(r.code, 0, r.stderr);
        const names = JSON.parse(r.stdout).members.map((m: { name: string }) => m.name).sort();
        assert.deepEqual(names, members.map((b) => b.node.hostname).sort());
    });

    it("stores and reads a key with the client certificate", async () => {
        assert.equal((await etcdctl("put", "/kubeadm-ha/test", "rendered")).code, 0);
        const r = await etcdctl("get", "/kubeadm-ha/test", "--print-value-only");
        assert.equal(r.stdout.trim(), "rendered");
    });

    it("refuses a TLS client without a certificate and serves one with it", async () => {
        const url = `https://${members[0].node.privateIp}:2379/version`;
        const without = await client.exec("curl", ["-sS", "--max-time", "3", "--cacert", ca.cert, url]);
        // 35/55/56: the TLS session is torn down (not 7 "refused" or 28 "timeout"): the server wants a certificate.
        assert.ok([35, 55, 56].includes(without.code), `curl exit ${without.code}: ${without.stderr}`);
        const withCert = await client.exec("curl", ["-sS", "--max-time", "3", "--cacert", ca.cert, "--cert", clientCert.cert, "--key", clientCert.key, url]);
        assert.equal(withCert.code, 0, withCert.stderr);
        assert.match(withCert.stdout, /"etcdserver":"3\./);
        const get = await client.exec("etcdctl", [`--endpoints=${endpoints}`, `--cacert=${ca.cert}`, "--dial-timeout=2s", "--command-timeout=3s", "get", "/kubeadm-ha/test"], 20_000);
        assert.notEqual(get.code, 0, "etcdctl without a client certificate fails too");
        assert.doesNotMatch(get.stdout, /rendered/);
    });
});
