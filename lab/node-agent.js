// What the kubelets would say about their nodes, for the rehearsal of the control plane before
// real kubelets run: registers a Node object per planned node (name, labels, taints), reports it
// Ready once, and renews its Lease in kube-node-lease every <interval> ms, so the real
// controller-manager keeps it Ready and the real scheduler places pods on it. Runs for at most
// <duration> ms; bounded in count and time by construction.
//
// node node-agent.js <apiserver url> <ca> <client cert> <client key> <nodes.json> <interval ms> <duration ms>
// nodes.json: [{ "name": "...", "labels": {...}, "taints": [...] }]
"use strict";

const https = require("node:https");
const fs = require("node:fs");

const [url, caFile, certFile, keyFile, nodesFile, interval, duration] = process.argv.slice(2);
const tls = { ca: fs.readFileSync(caFile), cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
const nodes = JSON.parse(fs.readFileSync(nodesFile, "utf8"));
const started = Date.now();

function call(method, path, body, contentType = "application/json") {
    return new Promise((resolve) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = https.request(new URL(path, url), { method, ...tls, agent: false, timeout: 5000, headers: { "content-type": contentType, ...(data ? { "content-length": Buffer.byteLength(data) } : {}) } }, (res) => {
            let text = "";
            res.on("data", (c) => (text += c));
            res.on("end", () => resolve({ status: res.statusCode, text }));
            res.on("error", (err) => resolve({ status: 0, text: String(err) }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", (err) => resolve({ status: 0, text: String(err) }));
        req.end(data);
    });
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const microNow = () => new Date().toISOString().replace(/Z$/, "000Z");

async function register(n) {
    const created = await call("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: n.name, labels: n.labels }, spec: { taints: n.taints } });
    if (created.status !== 201 && created.status !== 409) {
        return `create ${n.name}: ${created.status} ${created.text.slice(0, 200)}`;
    }
    const status = {
        status: {
            conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "reported by the rehearsal's node agent", lastHeartbeatTime: now(), lastTransitionTime: now() }],
            addresses: [{ type: "InternalIP", address: n.address }, { type: "Hostname", address: n.name }],
            capacity: { cpu: "4", memory: "16Gi", pods: "110" }, allocatable: { cpu: "4", memory: "16Gi", pods: "110" },
        },
    };
    const patched = await call("PATCH", `/api/v1/nodes/${n.name}/status`, status, "application/strategic-merge-patch+json");
    return patched.status === 200 ? undefined : `status ${n.name}: ${patched.status} ${patched.text.slice(0, 200)}`;
}

async function renew(n) {
    const lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: n.name, namespace: "kube-node-lease" }, spec: { holderIdentity: n.name, leaseDurationSeconds: 40, renewTime: microNow() } };
    const r = await call("PATCH", `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${n.name}?fieldManager=node-agent&force=true`, lease, "application/apply-patch+yaml");
    if (r.status !== 200 && r.status !== 201) {
        process.stderr.write(`${now()} lease ${n.name}: ${r.status} ${r.text.slice(0, 200)}\n`);
    }
}

async function main() {
    // Registration is retried (bounded) while the apiserver is still coming up.
    let pending = nodes;
    for (let attempt = 0; attempt < 60 && pending.length > 0; attempt++) {
        const results = await Promise.all(pending.map(async (n) => [n, await register(n)]));
        pending = results.filter(([, err]) => err).map(([n, err]) => (process.stderr.write(`${now()} ${err}\n`), n));
        if (pending.length > 0) {
            await new Promise((r) => setTimeout(r, 1000));
        }
    }
    process.stdout.write(`${now()} registered ${nodes.length - pending.length} of ${nodes.length} nodes\n`);
    while (Date.now() - started < Number(duration)) {
        await Promise.all(nodes.map(renew));
        await new Promise((r) => setTimeout(r, Number(interval)));
    }
    process.exit(0);
}

process.on("SIGTERM", () => process.exit(0));
main();
