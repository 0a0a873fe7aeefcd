// Check 19: the encryption-at-rest key rotation of docs/security.md, on the real apiservers, with
// the rendered encryption configuration and the rendered reload-encryption.sh on every master:
//   1. [key1, key2]: every apiserver can read key2 before any writes with it;
//   2. [key2, key1]: new writes use key2; then every Secret is rewritten
//      (`kubectl get secrets -A -o json | kubectl replace -f -`), and a Secret of step 0 is
//      stored under key2;
//   3. [key2]: key1 is gone; every Secret still reads back, also after an apiserver restart.
// Each step is installed on every master the way the secrets step installs it (written aside,
// then renamed over the old file), then each master's reload step runs. The cluster keeps key2
// afterwards (the checks after this one do not read the key).

import { randomBytes } from "node:crypto";
import { renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PATHS } from "../components/render/context";
import { kubeadmFiles } from "../components/render/kubeadm";
import { ENCRYPTION_SCRIPTS } from "../components/render/scripts-encryption";
import type { CheckResult } from "./checks";
import { ClusterLab, restartApiserver } from "./cluster-lab";
import { lastLine, secsFine as secs } from "./lab";

type Key = { readonly name: string; readonly secret: string };

/** Installs the rendered encryption configuration with `keys` on every master, then runs each master's reload step; the slowest reload in ms, or the failures. */
async function installKeys(c: ClusterLab, keys: readonly Key[], script: string): Promise<{ ms: number; failures: string[] }> {
    const started = Date.now();
    for (const m of c.masters) {
        const rendered = kubeadmFiles(c.ctx, m.node, { ...c.pki.kubeadmSecrets, encryptionKeys: keys }).find((f) => f.path === PATHS.encryptionConfig)!;
        const target = path.join(m.root, PATHS.encryptionConfig);
        writeFileSync(`${target}.new`, rendered.content, { mode: 0o600 });
        renameSync(`${target}.new`, target);
    }
    const runs = await Promise.all(c.masters.map((m) => m.host.exec("bash", [script, String(c.ctx.plan.endpoint.port), path.join(m.root, PATHS.encryptionConfig),
        path.join(m.root, PATHS.manifests, "kube-apiserver.yaml"), c.kubeconfig(`https://${m.node.privateIp}:${c.ctx.plan.endpoint.port}`)], 200_000)));
    const failures = runs.map((r, i) => (r.code === 0 && /the apiserver reloaded/.test(r.stdout) ? "" : `${c.masters[i].node.name} exit ${r.code}: ${lastLine(r)}`)).filter(Boolean);
    return { ms: Date.now() - started, failures };
}

export async function keyRotation(c: ClusterLab, id: number): Promise<CheckResult> {
    const check = "rotate the encryption-at-rest key: add second, move first, rewrite, drop the old";
    const expected = "every apiserver reloads each step (no restart); after the rewrite every Secret is stored under the new key; with the old key dropped every Secret reads back, also after a restart";
    const tag = randomBytes(3).toString("hex");
    const script = path.join(c.lab.dir, `reload-encryption-${tag}.sh`);
    writeFileSync(script, ENCRYPTION_SCRIPTS.reloadEncryption.content, { mode: 0o755 });
    const old = c.pki.kubeadmSecrets.encryptionKeys;
    const fresh: Key = { name: `key${old.length + 1}`, secret: randomBytes(32).toString("base64") };
    const stored = async (name: string) => (await c.etcdctl(["get", `/registry/secrets/default/${name}`, "--print-value-only"])).stdout;
    const value = (n: number) => `rotation-${tag}-${n}`;
    const create = (n: number) => c.kubectl(["-n", "default", "create", "secret", "generic", `rehearse-rotation-${tag}-${n}`, `--from-literal=token=${value(n)}`]);
    const readBack = async (n: number, kubeconfig?: string) => {
        const r = await c.client.exec("kubectl", [`--kubeconfig=${kubeconfig ?? c.kubeconfig(c.endpointUrl)}`, "--request-timeout=10s", "-n", "default", "get", "secret", `rehearse-rotation-${tag}-${n}`, "-o", "jsonpath={.data.token}"], 20_000);
        return r.code === 0 && Buffer.from(r.stdout, "base64").toString() === value(n);
    };
    const fail = (measured: string): CheckResult => ({ id, check, expected, measured, status: "fail" });

    const before = await create(0);
    const oldPrefix = `k8s:enc:secretbox:v1:${old[0].name}:`;
    if (before.code !== 0 || !(await stored(`rehearse-rotation-${tag}-0`)).startsWith(oldPrefix)) {
        return fail(`the Secret of step 0 was not stored under ${old[0].name}: ${lastLine(before)}`);
    }
    const step1 = await installKeys(c, [...old, fresh], script);
    if (step1.failures.length > 0) {
        return fail(`step 1 ([${old[0].name}, ${fresh.name}]): ${step1.failures.join("; ")}`);
    }
    const step2 = await installKeys(c, [fresh, ...old], script);
    if (step2.failures.length > 0) {
        return fail(`step 2 ([${fresh.name}, ${old[0].name}]): ${step2.failures.join("; ")}`);
    }
    const newPrefix = `k8s:enc:secretbox:v1:${fresh.name}:`;
    const after = await create(1);
    const newWrites = after.code === 0 && (await stored(`rehearse-rotation-${tag}-1`)).startsWith(newPrefix);
    const rewrite = await c.client.exec("bash", ["-c", 'set -o pipefail; kubectl --kubeconfig="$1" --request-timeout=30s get secrets -A -o json | kubectl --kubeconfig="$1" --request-timeout=60s replace -f - >/dev/null', "-",
        c.kubeconfig(c.endpointUrl)], 120_000);
    const rewritten = rewrite.code === 0 && (await stored(`rehearse-rotation-${tag}-0`)).startsWith(newPrefix);
    const step3 = await installKeys(c, [fresh], script);
    const listed = await c.kubectl(["get", "secrets", "-A", "-o", "name"], 30_000);
    const readable = (await readBack(0)) && (await readBack(1)) && listed.code === 0;
    const victim = c.masters[0];
    await restartApiserver(c, victim);
    const own = c.kubeconfig(`https://${victim.node.privateIp}:${c.ctx.plan.endpoint.port}`);
    const afterRestart = (await readBack(0, own)) && (await readBack(1, own));
    const count = listed.stdout.split("\n").filter(Boolean).length;
    const ok = newWrites && rewritten && step3.failures.length === 0 && readable && afterRestart;
    return {
        id, check, expected,
        measured: `reloads on all ${c.masters.length} masters: ${secs(step1.ms)}, ${secs(step2.ms)}, ${secs(step3.ms)}${step3.failures.length ? ` (step 3 FAILED: ${step3.failures.join("; ")})` : ""}; ` +
            `new writes ${newWrites ? `under ${fresh.name}` : "NOT under the new key"}; rewrite of every Secret ${rewritten ? `moved step 0's to ${fresh.name}` : `FAILED: ${lastLine(rewrite)}`}; ` +
            `${old[0].name} dropped: ${readable ? `all ${count} Secrets readable` : `NOT all readable: ${lastLine(listed)}`}, ${afterRestart ? "also" : "NOT"} after restarting ${victim.node.name}'s apiserver`,
        status: ok ? "pass" : "fail",
        values: { step1Ms: step1.ms, step2Ms: step2.ms, step3Ms: step3.ms, newWrites: newWrites ? 1 : 0, rewritten: rewritten ? 1 : 0, readable: readable ? 1 : 0, afterRestart: afterRestart ? 1 : 0, secrets: count },
    };
}
