// Real etcd (built by `npm run bins` at the version kubeadm deploys) running the rendered member command line of the
// prod-keepalived stack on three test hosts, with certificates made by openssl for exactly the
// SANs the renderer asks for. Only the file paths are relocated under each host's scratch root.

import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { renderContext } from "../../components/render/context";
import { etcdArgs, etcdCertificateRequests, STAGED_ETCD_MANIFEST } from "../../components/render/etcd";
import { Daemon, Host, Lab, labUnavailable, waitFor } from "../../lab/lab";
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
    const daemons: Daemon[] = [];
    const hosts: Host[] = [];
    let probes: { liveness: string; readiness: string; startup: string; port: number } | undefined;

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
            hosts.push(host);
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
            daemons.push(host.spawn("etcd", relocated[0], relocated.slice(1)));
            const c = manifest.spec.containers[0];
            probes = { liveness: c.livenessProbe.httpGet.path, readiness: c.readinessProbe.httpGet.path, startup: c.startupProbe.httpGet.path, port: c.livenessProbe.httpGet.port };
        });
        client = lab.addHost("client", "172.16.10.100");
        endpoints = members.map((b) => `https://${b.node.privateIp}:2379`).join(",");
    });

    labHooks(() => lab);

    it("uses only flags the built etcd accepts", async () => {
        const help = await client.exec("etcd", ["--help"]);
        const known = new Set([...`${help.stdout}${help.stderr}`.matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((m) => m[1]));
        for (const flag of etcdArgs(ctx, members[0].node).map((a) => a.split("=")[0])) {
            assert.ok(known.has(flag), `${flag} is not a flag of this etcd`);
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

    // Last: it leaves a quorum lost. The kubelet kills a container whose liveness probe fails 8
    // times: probing /health (which fails without a leader) would kill the survivors of a quorum
    // loss one by one; kubeadm probes /livez for liveness and /readyz for readiness and start-up.
    it("probes what keeps a survivor of quorum loss alive: liveness answers, readiness and /health do not", async () => {
        assert.ok(probes, "the manifest has probes");
        assert.deepEqual([probes.liveness, probes.readiness, probes.startup], ["/livez", "/readyz", "/readyz"]);
        const survivor = hosts[0];
        const status = async (p: string) => (await survivor.exec("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", `http://127.0.0.1:${probes!.port}${p}`])).stdout;
        assert.equal(await status(probes.liveness), "200", "a healthy member is live");
        assert.equal(await status(probes.readiness), "200", "and ready");
        await Promise.all(daemons.slice(1).map((d) => d.stop("SIGKILL")));
        // Without a leader etcd's /health fails (it reads linearizably) once the election timeout passes.
        const lost = await waitFor("the survivor to notice the lost quorum", async () => (await status("/health")) !== "200", 20_000, 250);
        console.log(`      quorum loss seen on /health after ${lost.ms} ms`);
        assert.notEqual(await status(probes.readiness), "200", "a member without quorum is not ready");
        assert.equal(await status(probes.liveness), "200", "but it is live: the kubelet keeps it running");
    });
});
