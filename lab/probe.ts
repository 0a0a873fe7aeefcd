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
    /** The names of the ConfigMaps it creates start with this (write probes). */
    readonly writePrefix?: string;
    private readonly file: string;

    /** Starts a bounded stream of new connections to the endpoint `url`: reads, or ConfigMap creations named `writePrefix`-<seq> (with `etcdPut`, etcd keys put into the member at `url`). */
    constructor(host: Host, url: string, tls: { ca: string; cert: string; key: string },
        o: { intervalMs: number; durationMs: number; timeoutMs: number; writePrefix?: string; name: string; etcdPut?: boolean }) {
        this.file = path.join(host.lab.dir, "logs", `probe-${o.name}.jsonl`);
        if (o.writePrefix) {
            this.writePrefix = o.writePrefix;
        }
        this.daemon = host.spawn(`probe-${o.name}`, process.execPath, [PROBER, url, tls.ca, tls.cert, tls.key, String(o.intervalMs), String(o.durationMs), String(o.timeoutMs), this.file,
            ...(o.writePrefix ? [o.etcdPut ? "etcd-put" : "write", o.writePrefix] : [])]);
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

/** One line of watcher.js. */
export interface WatchEvent { readonly t: number; readonly event: "listed" | "connected" | "disconnected" | "added" | "expired" | "list-failed"; readonly name?: string; readonly reason?: string }

const WATCHER = path.join(__dirname, "watcher.js");

/** A watch of ConfigMaps through the endpoint that resumes from its last resourceVersion (watcher.js). */
export class Watch {
    readonly daemon: Daemon;
    private readonly file: string;

    constructor(host: Host, url: string, tls: { ca: string; cert: string; key: string }, o: { name: string; durationMs: number; prefix: string }) {
        this.file = path.join(host.lab.dir, "logs", `watch-${o.name}.jsonl`);
        this.daemon = host.spawn(`watch-${o.name}`, process.execPath, [WATCHER, url, tls.ca, tls.cert, tls.key, this.file, String(o.durationMs), o.prefix]);
    }

    events(): WatchEvent[] {
        return existsSync(this.file) ? readFileSync(this.file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as WatchEvent) : [];
    }

    async finished(): Promise<WatchEvent[]> {
        await this.daemon.exited;
        return this.events();
    }
}

/** The longest time a watch spent between losing its connection and having a new one (ms). */
export function longestWatchGap(events: readonly WatchEvent[]): number {
    let gap = 0;
    let lost: number | undefined;
    for (const e of events) {
        if (e.event === "disconnected" && lost === undefined) {
            lost = e.t;
        } else if (e.event === "connected" && lost !== undefined) {
            gap = Math.max(gap, e.t - lost);
            lost = undefined;
        }
    }
    return lost === undefined ? gap : Infinity;
}

/** What watches through the endpoint saw of the acknowledged writes of a probe. */
export interface WatchOutcome {
    /** Watches whose connection was cut. */
    readonly cut: number;
    /** The longest time a cut watch waited for its new connection (ms). */
    readonly gapMs: number;
    /** Acknowledged writes a watch should have seen and did not. */
    readonly missed: number;
    readonly due: number;
    readonly expired: boolean;
    readonly text: string;
    /** No event missed, none expired, every watch had events due, every cut one resumed within `boundMs`. */
    ok(boundMs: number): boolean;
}

/** Every write acknowledged after a watch was first connected, and before it stopped, must reach it. */
export function watchOutcome(watched: readonly (readonly WatchEvent[])[], written: readonly ProbeResult[]): WatchOutcome {
    const each = watched.map((events) => {
        const connected = events.find((e) => e.event === "connected")?.t ?? Infinity;
        const seen = new Set(events.filter((e) => e.event === "added").map((e) => e.name));
        const last = events.length > 0 ? events[events.length - 1].t : -Infinity;
        const due = written.filter((r) => r.ok && r.start >= connected && r.end <= last - 500);
        return { cut: events.some((e) => e.event === "disconnected"), gap: longestWatchGap(events), expired: events.some((e) => e.event === "expired"), missed: due.filter((r) => !seen.has(r.key)).length, due: due.length };
    });
    const cut = each.filter((w) => w.cut);
    const gapMs = Math.max(0, ...cut.map((w) => w.gap));
    const missed = each.reduce((n, w) => n + w.missed, 0);
    const due = each.reduce((n, w) => n + w.due, 0);
    const expired = each.some((w) => w.expired);
    return {
        cut: cut.length, gapMs, missed, due, expired,
        text: `${cut.length} of ${each.length} watches cut, resumed within ${cut.length > 0 ? `${(gapMs / 1000).toFixed(2)} s` : "-"}, ${missed} of ${due} events missed${expired ? " (a watch EXPIRED: 410 Gone)" : ""}`,
        ok: (boundMs) => missed === 0 && !expired && gapMs <= boundMs && each.every((w) => w.due > 0),
    };
}
