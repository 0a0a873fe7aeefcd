// A watch through the endpoint, as client-go's reflector keeps one: watch ConfigMaps in
// `default` from a resourceVersion; when the connection ends or breaks, watch again from the last
// resourceVersion seen, so no event may be missed (a 410 Gone would mean it was). Records one JSON
// line per ADDED ConfigMap whose name starts with <prefix> and per connection change. Runs for at
// most <duration> ms; bounded in count and time by construction.
//
// node watcher.js <url> <ca> <cert> <key> <out file> <duration ms> <prefix>
"use strict";

const https = require("node:https");
const fs = require("node:fs");

const [url, caFile, certFile, keyFile, outFile, duration, prefix] = process.argv.slice(2);
const tls = { ca: fs.readFileSync(caFile), cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
const out = fs.openSync(outFile, "a");
const started = Date.now();
const record = (o) => fs.writeSync(out, `${JSON.stringify({ t: Date.now(), ...o })}\n`);
let rv;
let attempts = 0;

function get(path, onResponse, onError) {
    const req = https.request(new URL(path, url), { ...tls, agent: false, timeout: 5000 }, onResponse);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", onError);
    req.end();
    return req;
}

function list() {
    get("/api/v1/namespaces/default/configmaps?limit=1", (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => {
            try {
                rv = JSON.parse(body).metadata.resourceVersion;
                record({ event: "listed", rv });
                watch();
            } catch (err) {
                record({ event: "list-failed", error: String(err) });
                retry(list);
            }
        });
    }, (err) => (record({ event: "list-failed", error: err.code || err.message }), retry(list)));
}

function retry(fn) {
    if (Date.now() - started < Number(duration) && ++attempts < 2000) {
        setTimeout(fn, 100);
    } else {
        finish();
    }
}

function watch() {
    const req = get(`/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=600`, (res) => {
        if (res.statusCode === 410) {
            record({ event: "expired", rv });
            res.resume();
            return;
        }
        record({ event: "connected", status: res.statusCode, rv });
        req.setTimeout(0);
        let buffer = "";
        res.on("data", (chunk) => {
            buffer += chunk;
            let nl;
            while ((nl = buffer.indexOf("\n")) >= 0) {
                const line = buffer.slice(0, nl);
                buffer = buffer.slice(nl + 1);
                try {
                    const e = JSON.parse(line);
                    if (e.object?.metadata?.resourceVersion) {
                        rv = e.object.metadata.resourceVersion;
                    }
                    if (e.type === "ERROR" && e.object?.code === 410) {
                        record({ event: "expired", rv });
                    } else if (e.type === "ADDED" && e.object.metadata.name.startsWith(prefix)) {
                        record({ event: "added", name: e.object.metadata.name, rv });
                    }
                } catch { /* a partial line */ }
            }
        });
        res.on("end", () => (record({ event: "disconnected", reason: "end", rv }), retry(watch)));
        res.on("error", (err) => (record({ event: "disconnected", reason: err.code || err.message, rv }), retry(watch)));
    }, (err) => (record({ event: "disconnected", reason: err.code || err.message, rv }), retry(watch)));
}

function finish() {
    fs.closeSync(out);
    process.exit(0);
}

setTimeout(finish, Number(duration)).unref();
process.on("SIGTERM", finish);
list();
