// The rehearsal's load generator: from a client test host, one new HTTPS connection every
// <interval> ms to <url> (GET, or POST /write with increasing keys), for at most <duration> ms.
// Each result is one JSON line: {seq, start, end (ms since the epoch), ok, status, servedBy, key, error, localPort}.
// Bounded in count and time by construction.
//
// node prober.js <url> <ca file> <interval ms> <duration ms> <request timeout ms> <out file> [write <key prefix>]
"use strict";

const https = require("node:https");
const fs = require("node:fs");

const [url, caFile, interval, duration, timeout, outFile, mode, prefix] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);
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
    const key = mode === "write" ? `${prefix}/${String(n).padStart(6, "0")}` : undefined;
    const target = new URL(key ? `/write?key=${encodeURIComponent(key)}` : "", url);
    const start = Date.now();
    inflight++;
    let finished = false;
    let localPort;
    const done = (ok, status, body, error) => {
        if (finished) {
            return;
        }
        finished = true;
        inflight--;
        let servedBy;
        try {
            servedBy = JSON.parse(body || "{}").servedBy;
        } catch { /* not JSON */ }
        fs.writeSync(out, `${JSON.stringify({ seq: n, start, end: Date.now(), ok, status, servedBy, key, error, localPort })}\n`);
    };
    const req = https.request(target, { method: key ? "POST" : "GET", ca, agent: false, timeout: Number(timeout) }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("error", (err) => done(false, res.statusCode, "", err.code || err.message));
        res.on("end", () => {
            let error;
            if (res.statusCode !== 200) {
                try {
                    error = JSON.parse(body).error;
                } catch { /* not JSON */ }
                error = String(error ?? body).slice(0, 200);
            }
            done(res.statusCode === 200, res.statusCode, body, error);
        });
    });
    // The client port names the connection in the proxy's logs.
    req.on("socket", (socket) => socket.once("connect", () => (localPort = socket.localPort)));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => done(false, 0, "", err.code || err.message));
    req.end();
}

const timer = setInterval(probe, Number(interval));
process.on("SIGTERM", () => process.exit(0));
