// Watches one HAProxy backend server's state from inside an LB test host: polls the local stats
// page (loopback only) every 10 ms for at most <duration> ms and writes one JSON line per change,
// {t (ms since the epoch, when the answer showing it arrived), status}. Lets the rehearsal time a mark-down to about 10 ms without
// spawning a process per poll. Bounded in count and time by construction.
//
// node stats-watch.js <stats port> <backend> <server> <duration ms> <out file>
"use strict";

const http = require("node:http");
const fs = require("node:fs");

const [port, backend, server, duration, outFile] = process.argv.slice(2);
const out = fs.openSync(outFile, "a");
const started = Date.now();
const INTERVAL_MS = 10;
let last;

function poll() {
    if (Date.now() - started > Number(duration)) {
        fs.closeSync(out);
        process.exit(0);
    }
    let scheduled = false;
    const next = () => {
        if (!scheduled) {
            scheduled = true;
            setTimeout(poll, INTERVAL_MS);
        }
    };
    const req = http.get({ host: "127.0.0.1", port: Number(port), path: "/stats;csv", timeout: 500, agent: false }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("error", next);
        res.on("end", () => {
            const t = Date.now(); // the change happened before this answer: t is an upper bound
            const status = body.split("\n").map((l) => l.split(",")).find((f) => f[0] === backend && f[1] === server)?.[17] ?? "absent";
            if (status !== last) {
                last = status;
                fs.writeSync(out, `${JSON.stringify({ t, status })}\n`);
            }
            next();
        });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", next);
}

poll();
process.on("SIGTERM", () => process.exit(0));
