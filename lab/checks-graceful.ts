// Check 16: a graceful apiserver restart under load, the way the kubelet does it when `kubeadm
// upgrade` rewrites the static-pod manifest: SIGTERM, the old process drains and exits, the new one
// starts at once, and the endpoint tier takes it back. Which health check path and shutdown delay
// drop no request is measured here (`npm run bench -- --only rehearsal --checks 16 --check-path …
// --shutdown-delay …` compares them).

import type { CheckResult, Checklist } from "./checks";
import { WATCH_RESUME_BOUND_MS } from "./checks";
import { startComponent, terminationGraceMs } from "./control-plane";
import { serverStatus, sessionsAtLastMarkDown, vipHolder } from "./faults";
import { secsFine as secs, waitFor } from "./lab";
import { failureSummary, ProbeResult, watchOutcome } from "./probe";


/** Polls HAProxy's view of one server every 50 ms and records when each state was first seen after `from`. */
class StatusTimes {
    readonly seen: { t: number; status: string }[] = [];
    private stopped = false;
    private readonly loop: Promise<void>;

    constructor(poll: () => Promise<string | undefined>) {
        this.loop = (async () => {
            while (!this.stopped) {
                const status = await poll();
                const last = this.seen[this.seen.length - 1];
                if (status && status !== last?.status) {
                    this.seen.push({ t: Date.now(), status });
                }
                await new Promise((r) => setTimeout(r, 50));
            }
        })();
    }

    first(prefix: string, after: number): number | undefined {
        return this.seen.find((s) => s.t >= after && s.status.startsWith(prefix))?.t;
    }

    async stop(): Promise<void> {
        this.stopped = true;
        await this.loop;
    }
}

const failedIn = (rs: readonly ProbeResult[], from: number, to: number) => rs.filter((r) => !r.ok && r.start >= from && r.start < to);

/** 16: SIGTERM one apiserver, start it again once it exited; 0 failed requests throughout. */
export async function gracefulRestart(list: Checklist, id: number): Promise<CheckResult> {
    const c = list.c;
    const lb = (await vipHolder(c)) ?? c.lbs[0];
    const victim = c.masters[c.masters.length > 1 ? 1 : 0];
    const server = victim.node.hostname;
    // Bounded: the stop takes at most the pod's grace period (then the kubelet kills it), the
    // start-up well under a minute; the probes stop 3 s after it is back.
    const graceMs = terminationGraceMs(victim, "kube-apiserver");
    const limitMs = graceMs + 60_000;
    const writes = list.probe("write", limitMs, 100);
    const watches = list.watches("graceful", limitMs, writes);
    const reads = list.probe("read", limitMs);
    const status = new StatusTimes(() => serverStatus(lb, server));
    await new Promise((r) => setTimeout(r, 1000));
    victim.paused.add("kube-apiserver");
    const termAt = Date.now();
    const old = victim.daemons["kube-apiserver"]!;
    // As the kubelet stops a static pod: SIGTERM, then SIGKILL once the grace period is over.
    await old.stop("SIGTERM", graceMs);
    const exitedAt = Date.now();
    const killed = exitedAt - termAt >= graceMs;
    victim.paused.delete("kube-apiserver");
    startComponent(victim, "kube-apiserver");
    let upAt = 0;
    try {
        await waitFor(`${server} back UP on ${lb.name}`, async () => status.first("UP", exitedAt) !== undefined, limitMs - (exitedAt - termAt), 50);
        upAt = status.first("UP", exitedAt)!;
    } catch { /* reported below: never back UP */ }
    // Three more seconds of load on the returned apiserver, then stop everything.
    const until = () => upAt === 0 || Date.now() > upAt + 3000;
    const [rs, written] = await Promise.all([reads.until(until), writes.until(until)]);
    list.remember(written);
    await Promise.all(watches.map((w) => w.daemon.stop("SIGTERM", 2000)));
    await status.stop();
    const w = watchOutcome(watches.map((x) => x.events()), written);
    const all = [...rs, ...written];
    const downAt = status.first("DOWN", termAt) ?? status.first("MAINT", termAt);
    const end = Math.max(...all.map((r) => r.start), termAt);
    const stopping = failedIn(all, termAt, exitedAt);
    const away = failedIn(all, exitedAt, upAt || end + 1);
    const back = upAt ? failedIn(all, upAt, end + 1) : [];
    const after = all.filter((r) => r.start >= termAt);
    const failedAll = [...stopping, ...away, ...back];
    const h = c.ctx.apiHealth;
    // The sessions the master still had when HAProxy marked it down (left to finish).
    const active = sessionsAtLastMarkDown(lb, server) ?? 0;
    const when = failedAll.map((r) => `+${secs(r.start - termAt)}`).slice(0, 5).join(", ");
    return {
        id, check: `graceful apiserver restart under load (SIGTERM kube-apiserver on ${victim.node.name}, started again once it exited; check ${h.checkPath}, shutdown delay ${h.shutdownDelaySec} s)`,
        expected: `0 failed requests while it stops, while it is away and once HAProxy takes it back; a watch cut by the stop resumes within ${secs(WATCH_RESUME_BOUND_MS)} and misses no event`,
        measured: `${failedAll.length} failed of ${after.length} requests${failureSummary(failedAll)}${when ? ` (started ${when} after SIGTERM)` : ""}; ${active} session(s) still open at the mark-down, left to finish; ${stopping.length} while it stopped (${secs(exitedAt - termAt)} from SIGTERM to exit${killed ? `: SIGKILLed at the end of the ${secs(graceMs)} grace period` : ""}), ` +
            `${away.length} while away, ${back.length} after it was back UP (${upAt ? `${secs(upAt - exitedAt)} after the new start` : "NEVER back UP"}); ` +
            `marked down ${downAt ? `${secs(downAt - termAt)} after SIGTERM` : "never"}; ${w.text}`,
        status: upAt > 0 && failedAll.length === 0 && w.ok(WATCH_RESUME_BOUND_MS) ? "pass" : "fail",
        values: { failed: failedAll.length, sessionsAtMarkDown: active, killedAfterGrace: killed ? 1 : 0, failedStopping: stopping.length, failedAway: away.length, failedBack: back.length, stopMs: exitedAt - termAt,
            markDownMs: downAt ? downAt - termAt : Infinity, backUpMs: upAt ? upAt - exitedAt : Infinity, watchResumeMs: w.gapMs, watchMissed: w.missed },
    };
}
