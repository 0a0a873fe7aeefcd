// A STAND-IN for kube-apiserver, for the tests and the rehearsal only: no kube-apiserver binary
// is available here. It serves /healthz, /readyz and /version over HTTPS, and POST /write and
// GET /read, which store and read a key in the REAL etcd cluster through etcd's v3 JSON gateway
// with the apiserver's client certificate. So a request through the VIP proves the whole path
// client -> VIP -> HAProxy -> master -> etcd. It is not an apiserver and implements nothing else.
//
// node standin-apiserver.js <name> <cert> <key> <host> <port> [<etcd endpoints,> <etcd ca> <client cert> <client key> <etcd timeout ms>]
"use strict";

const https = require("node:https");
const fs = require("node:fs");

const [name, certFile, keyFile, host, port, etcdEndpoints, etcdCa, etcdCert, etcdKey, etcdTimeout] = process.argv.slice(2);
const endpoints = etcdEndpoints ? etcdEndpoints.split(",") : [];
const tls = etcdCa ? { ca: fs.readFileSync(etcdCa), cert: fs.readFileSync(etcdCert), key: fs.readFileSync(etcdKey) } : undefined;
const timeoutMs = Number(etcdTimeout || 1500);
const b64 = (s) => Buffer.from(s, "utf8").toString("base64");

/** One etcd gateway call on one endpoint. */
function call(endpoint, path, body, deadline) {
    return new Promise((resolve, reject) => {
        const url = new URL(path, endpoint);
        const req = https.request(url, { method: "POST", ...tls, agent: false, timeout: Math.max(1, deadline - Date.now()), headers: { "content-type": "application/json" } }, (res) => {
            let data = "";
            res.on("data", (c) => (data += c));
            // A member killed mid-answer resets the stream: an error on `res`, not on `req`.
            res.on("error", reject);
            res.on("end", () => {
                if (res.statusCode !== 200) {
                    reject(new Error(`etcd ${res.statusCode}: ${data.slice(0, 200)}`));
                    return;
                }
                try {
                    resolve(JSON.parse(data));
                } catch (err) {
                    reject(new Error(`etcd answered something that is not JSON: ${err.message}`));
                }
            });
        });
        // The socket timeout only covers idle time: the deadline bounds the whole exchange.
        const timer = setTimeout(() => req.destroy(new Error("etcd request timed out")), Math.max(1, deadline - Date.now()));
        req.on("close", () => clearTimeout(timer));
        req.on("timeout", () => req.destroy(new Error("etcd request timed out")));
        req.on("error", reject);
        req.end(JSON.stringify(body));
    });
}

/** Bound of one attempt: a blackholed member must not eat the whole request's time. */
const ATTEMPT_MS = 400;
/** The endpoint that answered last; requests start there (etcd clients balance similarly). */
let preferred = 0;

/** Tries the endpoints in turn, each attempt bounded, until the request's deadline. */
async function etcd(path, body) {
    const deadline = Date.now() + timeoutMs;
    let last = new Error("no etcd endpoints");
    for (let i = 0; Date.now() < deadline; i++) {
        const index = (preferred + i) % endpoints.length;
        try {
            const out = await call(endpoints[index], path, body, Math.min(deadline, Date.now() + ATTEMPT_MS));
            preferred = index;
            return out;
        } catch (err) {
            last = err;
            await new Promise((r) => setTimeout(r, 20));
        }
    }
    throw new Error(`etcd unavailable after ${timeoutMs} ms: ${last.message}`);
}

function reply(res, status, body) {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ servedBy: name, ...body }));
}

const server = https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, async (req, res) => {
    const url = new URL(req.url, "https://standin");
    try {
        if (url.pathname === "/healthz" || url.pathname === "/readyz") {
            res.writeHead(200, { "content-type": "text/plain" });
            res.end("ok");
        } else if (url.pathname === "/version") {
            reply(res, 200, { gitVersion: "stand-in" });
        } else if (url.pathname === "/write" && req.method === "POST") {
            const key = url.searchParams.get("key");
            await etcd("/v3/kv/put", { key: b64(key), value: b64(`${name}@${Date.now()}`) });
            reply(res, 200, { key });
        } else if (url.pathname === "/read") {
            const out = await etcd("/v3/kv/range", { key: b64(url.searchParams.get("key")) });
            reply(res, out.kvs ? 200 : 404, { found: Boolean(out.kvs) });
        } else {
            reply(res, 404, {});
        }
    } catch (err) {
        reply(res, 503, { error: err.message });
    }
});
server.listen(Number(port), host);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
