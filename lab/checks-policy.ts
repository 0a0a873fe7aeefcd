// Check 17: what the real kube-apiserver enforces from our rendered policy files. Pod Security:
// a privileged pod in a namespace without labels is refused (enforce: baseline), a baseline pod
// is admitted with a warning (warn: restricted), kube-system is exempt. The audit log: a Secret
// read through the endpoint is recorded on the master that served it, with who and what, at the
// Metadata level, and the Secret's value is in no master's audit log. Server-side dry runs: no
// pod is really created.

import { randomBytes } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import { AUDIT_LOG } from "../components/render/apiserver-policy";
import type { CheckResult } from "./checks";
import type { ClusterLab } from "./cluster-lab";

const pod = (name: string, namespace: string, privileged: boolean) => JSON.stringify({
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace },
    spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10", ...(privileged ? { securityContext: { privileged: true } } : {}) }] },
});

interface AuditEvent { level: string; verb: string; user?: { username?: string }; objectRef?: { resource?: string; namespace?: string; name?: string }; requestObject?: unknown; responseObject?: unknown }

/** Every audit event in the masters' logs (each master writes its own). */
function auditEvents(c: ClusterLab): { events: AuditEvent[]; text: string } {
    const texts = c.masters.map((m) => path.join(m.root, AUDIT_LOG)).filter(existsSync).map((f) => readFileSync(f, "utf8"));
    const text = texts.join("\n");
    return { text, events: text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as AuditEvent) };
}

export async function apiServerPolicy(c: ClusterLab, id: number): Promise<CheckResult> {
    const tag = randomBytes(3).toString("hex");
    const apply = (doc: string) => c.client.exec("sh", ["-c", `printf '%s' "$1" | kubectl --kubeconfig="$2" --request-timeout=10s create --dry-run=server -f - 2>&1`, "sh", doc, c.kubeconfig(c.endpointUrl)], 20_000);
    const privileged = await apply(pod(`rehearse-priv-${tag}`, "default", true));
    const baseline = await apply(pod(`rehearse-base-${tag}`, "default", false));
    const system = await apply(pod(`rehearse-sys-${tag}`, "kube-system", true));
    const refused = privileged.code !== 0 && /violates PodSecurity "baseline:latest"/.test(privileged.stdout);
    const warned = baseline.code === 0 && /would violate PodSecurity "restricted:latest"/.test(baseline.stdout);
    const exempt = system.code === 0;

    const name = `rehearse-audit-${tag}`;
    const value = `audit-${randomBytes(12).toString("hex")}`;
    const created = await c.kubectl(["-n", "default", "create", "secret", "generic", name, `--from-literal=token=${value}`]);
    const read = await c.kubectl(["-n", "default", "get", "secret", name, "-o", "name"]);
    let seen: AuditEvent | undefined;
    let leaked = false;
    // The audit log is written in batches: bounded wait for the read to appear.
    for (let i = 0; i < 50 && !seen; i++) {
        const { events, text } = auditEvents(c);
        seen = events.find((e) => e.verb === "get" && e.objectRef?.resource === "secrets" && e.objectRef.name === name);
        leaked = text.includes(value) || text.includes(Buffer.from(value).toString("base64"));
        if (!seen) {
            await new Promise((r) => setTimeout(r, 200));
        }
    }
    const metadataOnly = seen !== undefined && seen.level === "Metadata" && seen.requestObject === undefined && seen.responseObject === undefined;
    const ok = refused && warned && exempt && created.code === 0 && read.code === 0 && metadataOnly && !leaked;
    const said = (r: { stdout: string }) => JSON.stringify(r.stdout.trim().split("\n").pop()?.slice(0, 140));
    return {
        id, check: "API audit log and Pod Security from the rendered policy files",
        expected: "a privileged pod refused (enforce baseline), a baseline pod admitted with a restricted warning, kube-system exempt; a Secret read recorded at Metadata level with its user, the value in no audit log",
        measured: `privileged pod ${refused ? "refused by baseline" : `NOT refused: ${said(privileged)}`}; baseline pod ${warned ? "admitted with the restricted warning" : `${baseline.code === 0 ? "admitted without the warning" : "refused"}: ${said(baseline)}`}; ` +
            `kube-system ${exempt ? "exempt" : `NOT exempt: ${said(system)}`}; Secret read ${seen ? `recorded at ${seen.level} for ${seen.user?.username}` : "NOT in any master's audit log"}${seen && !metadataOnly ? " WITH its body" : ""}; value ${leaked ? "IN an audit log" : "in no audit log"}`,
        status: ok ? "pass" : "fail",
        values: { refused: refused ? 1 : 0, warned: warned ? 1 : 0, exempt: exempt ? 1 : 0, audited: seen ? 1 : 0, leaked: leaked ? 1 : 0 },
    };
}
