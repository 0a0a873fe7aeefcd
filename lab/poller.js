// The upgrade rehearsal's health sampler, run in a client test host: every <interval> ms, for at
// most <duration> ms, one HTTPS GET of every target of <targets.json> (each with its own CA and
// client certificate), one JSON line per answer: {round, t, target, status, value, error}, where value is
// the answer's field the target names (`health` of an etcd member's /health, `status.currentHealthy`
// of a PodDisruptionBudget). Bounded in count and time by construction; stops on SIGTERM.
//
// node poller.js <targets.json> <interval ms> <duration ms> <request timeout ms> <out file>
// targets.json: [{ "name": "...", "url": "https://...", "ca": file, "cert": file, "key": file, "field": "a.b" }]
"use strict";

const https = require("node:https");
const fs = require("node:fs");

const [targetsFile, interval, duration, timeout, outFile] = process.argv.slice(2);
const targets = JSON.parse(fs.readFileSync(targetsFile, "utf8")).map((t) => ({
    ...t, tls: { ca: fs.readFileSync(t.ca), cert: fs.readFileSync(t.cert), key: fs.readFileSync(t.key) },
}));
const out = fs.openSync(outFile, "a");
const started = Date.now();
const rounds = Math.ceil(Number(duration) / Number(interval)) + 1;
let round = 0;
let inflight = 0;

const pick = (body, field) => field.split(".").reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), body);

function sample(t, r) {
    const at = Date.now();
    inflight++;
    let finished = false;
    const done = (status, value, error) => {
        if (!finished) {
            finished = true;
            inflight--;
            fs.writeSync(out, `${JSON.stringify({ round: r, t: at, target: t.name, status, value, error })}\n`);
        }
    };
    const req = https.get(t.url, { ...t.tls, agent: false, timeout: Number(timeout) }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("error", (err) => done(res.statusCode, undefined, err.code || err.message));
        res.on("end", () => {
            try {
                done(res.statusCode, pick(JSON.parse(text), t.field));
            } catch {
                done(res.statusCode, undefined, text.slice(0, 120));
            }
        });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => done(0, undefined, err.code || err.message));
}

function stop() {
    clearInterval(timer);
    const wait = setInterval(() => inflight === 0 && (clearInterval(wait), fs.closeSync(out), process.exit(0)), 20);
}

const timer = setInterval(() => {
    if (round++ >= rounds || Date.now() - started > Number(duration)) {
        stop();
        return;
    }
    const r = round;
    targets.forEach((t) => sample(t, r));
}, Number(interval));
process.on("SIGTERM", stop);
