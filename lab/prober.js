// The rehearsal's load generator, a client of the real kube-apiserver: from a client test host,
// one new HTTPS connection every <interval> ms to the endpoint <url>, authenticated with the admin
// client certificate, for at most <duration> ms: GET the kubeadm-config ConfigMap (read), or
// create a ConfigMap named <name prefix>-<seq> in `default` (write; acknowledged = 201 Created), or,
// with an etcd member as <url>, put the key <name prefix>-<seq> through etcd's JSON gateway
// (etcd-put; acknowledged = 200).
// Each result is one JSON line: {seq, start, end (ms since the epoch), ok, status, key, error, localPort}.
// Bounded in count and time by construction.
//
// node prober.js <url> <ca> <cert> <key> <interval ms> <duration ms> <request timeout ms> <out file> [write|etcd-put <name prefix>]
"use strict";

const https = require("node:https");
const fs = require("node:fs");

const [url, caFile, certFile, keyFile, interval, duration, timeout, outFile, mode, prefix] = process.argv.slice(2);
const tls = { ca: fs.readFileSync(caFile), cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
const out = fs.openSync(outFile, "a");
const started = Date.now();
const maxRequests = Math.ceil(Number(duration) / Number(interval)) + 1;
let seq = 0;
let inflight = 0;

function probe() {
    if (seq >= maxRequests || Date.now() - started > Number(duration)) {
        clearInterval(timer);
        const wait = setInterval(() => inflight === 0 && (clearInterval(wait), fs.closeSync(out), process.exit(0)), 20);
        return;
    }
    const n = seq++;
    const key = mode === "write" || mode === "etcd-put" ? `${prefix}-${String(n).padStart(6, "0")}` : undefined;
    const b64 = (v) => Buffer.from(v).toString("base64");
    const target = new URL(mode === "etcd-put" ? "/v3/kv/put" : key ? "/api/v1/namespaces/default/configmaps" : "/api/v1/namespaces/kube-system/configmaps/kubeadm-config", url);
    const body = mode === "etcd-put" ? JSON.stringify({ key: b64(key), value: b64(String(Date.now())) })
        : key ? JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: key }, data: { written: String(Date.now()) } }) : undefined;
    const start = Date.now();
    inflight++;
    let finished = false;
    let localPort;
    const done = (ok, status, error) => {
        if (finished) {
            return;
        }
        finished = true;
        inflight--;
        fs.writeSync(out, `${JSON.stringify({ seq: n, start, end: Date.now(), ok, status, key, error, localPort })}\n`);
    };
    const expected = mode === "write" ? 201 : 200;
    const headers = body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {};
    const req = https.request(target, { method: key ? "POST" : "GET", ...tls, agent: false, timeout: Number(timeout), headers }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("error", (err) => done(false, res.statusCode, err.code || err.message));
        res.on("end", () => {
            let error;
            if (res.statusCode !== expected) {
                try {
                    error = JSON.parse(text).message;
                } catch { /* not JSON */ }
                error = String(error ?? text).slice(0, 200);
            }
            done(res.statusCode === expected, res.statusCode, error);
        });
    });
    // The client port names the connection in the proxy's logs.
    req.on("socket", (socket) => socket.once("connect", () => (localPort = socket.localPort)));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => done(false, 0, err.code || err.message));
    req.end(body);
}

const timer = setInterval(probe, Number(interval));
process.on("SIGTERM", () => process.exit(0));
