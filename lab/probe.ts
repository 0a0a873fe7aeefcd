// Runs the load generator (prober.js) in a test host and reads its results.

import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Daemon, Host } from "./lab";

const PROBER = path.join(__dirname, "prober.js");

export interface ProbeResult {
    readonly seq: number;
    /** Milliseconds since the epoch. */
    readonly start: number;
    readonly end: number;
    readonly ok: boolean;
    readonly status: number;
    readonly key?: string;
    readonly error?: string;
    /** The client's TCP port (names the connection in HAProxy's log), once connected. */
    readonly localPort?: number;
}

export class Probe {
    readonly daemon: Daemon;
    private readonly file: string;

    /** Starts a bounded stream of new connections to the endpoint `url`: reads, or ConfigMap creations named `writePrefix`-<seq>. */
    constructor(host: Host, url: string, tls: { ca: string; cert: string; key: string }, o: { intervalMs: number; durationMs: number; timeoutMs: number; writePrefix?: string; name: string }) {
        this.file = path.join(host.lab.dir, "logs", `probe-${o.name}.jsonl`);
        this.daemon = host.spawn(`probe-${o.name}`, process.execPath, [PROBER, url, tls.ca, tls.cert, tls.key, String(o.intervalMs), String(o.durationMs), String(o.timeoutMs), this.file,
            ...(o.writePrefix ? ["write", o.writePrefix] : [])]);
    }

    /** Waits (bounded by the probe's own duration) for the probe to finish. */
    async finished(): Promise<ProbeResult[]> {
        await this.daemon.exited;
        return this.results();
    }

    /**
     * Polls the results every 50 ms until `done` holds for them (then lets the probe run `graceMs`
     * more and stops it) or the probe ends on its own. Requests in flight at the stop are not counted.
     */
    async until(done: (rs: ProbeResult[]) => boolean, graceMs = 500): Promise<ProbeResult[]> {
        let exited = false;
        void this.daemon.exited.then(() => (exited = true));
        while (!exited && !done(this.results())) {
            await new Promise((r) => setTimeout(r, 50));
        }
        if (!exited) {
            await new Promise((r) => setTimeout(r, graceMs));
            await this.daemon.stop("SIGTERM", 2000);
        }
        return this.results();
    }

    results(): ProbeResult[] {
        if (!existsSync(this.file)) {
            return [];
        }
        return readFileSync(this.file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as ProbeResult).sort((a, b) => a.seq - b.seq);
    }
}

/** Requests that started at or after `t` (ms since the epoch). */
export const startedAfter = (rs: readonly ProbeResult[], t: number) => rs.filter((r) => r.start >= t);

/** Longest time between two consecutive successful completions at or after `from`. */
export function longestGap(rs: readonly ProbeResult[], from: number): number {
    const ends = rs.filter((r) => r.ok && r.end >= from).map((r) => r.end).sort((a, b) => a - b);
    let gap = 0;
    let prev = from;
    for (const e of ends) {
        gap = Math.max(gap, e - prev);
        prev = e;
    }
    return gap;
}

/** The distinct errors of the failed requests, most frequent first, e.g. `2 x 503 "etcd unavailable…"`. */
export function failureSummary(rs: readonly ProbeResult[], max = 2): string {
    const counts = new Map<string, number>();
    for (const r of rs.filter((x) => !x.ok)) {
        const what = `${r.status || "no reply"}${r.error ? ` "${r.error.slice(0, 60)}"` : ""}`;
        counts.set(what, (counts.get(what) ?? 0) + 1);
    }
    const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${n} x ${what}`);
    return parts.length === 0 ? "" : ` (${parts.slice(0, max).join("; ")}${parts.length > max ? "; …" : ""})`;
}
