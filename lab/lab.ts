// Test hosts made of Linux network namespaces on one private bridge. Each run has a unique
// prefix; hosts have no default route, so nothing can leave the lab; every process is tracked
// by PID. Cleanup happens in layers: destroy() in mocha hooks, a process-exit hook, a detached
// reaper that notices when this process dies, and a stale-run GC when a lab is created.

import { ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { containsAddress, parseCidr } from "../components/plan/cidr";
import { binsUnavailable, binSetDir, PROGRAMS } from "./bins/locate";

const { cleanupRun, startTime } = require("./lab-cleanup.js") as {
    cleanupRun: (prefix: string, dir: string) => void;
    startTime: (pid: number) => string | undefined;
};

export const STATE_ROOT = "/run/kubeadm-ha-lab";

/** Labs of this process not yet destroyed. */
const live = new Set<Lab>();

// An interrupted run still cleans up: turn SIGINT/SIGTERM into an exit, which runs the exit hooks.
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
        if (live.size > 0) {
            process.stderr.write(`\ninterrupted by ${signal}: stopping every test process and removing ${[...live].map((l) => l.prefix).join(", ")}\n`);
        }
        process.exit(code);
    });
}

/**
 * The environment of every process the lab starts: the programs `npm run bins` built come first
 * on PATH, so `etcd` is the built etcd of the version we render, never a distribution's.
 */
export function labEnv(): NodeJS.ProcessEnv {
    env ??= { ...process.env, PATH: `${binSetDir()}:${process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"}` };
    return env;
}
let env: NodeJS.ProcessEnv | undefined;

/** Why the lab cannot run here, or undefined when it can (root, `ip netns`, the given programs: built ones or Debian's). */
export function labUnavailable(binaries: readonly string[] = []): string | undefined {
    if (process.getuid?.() !== 0) {
        return "needs root for network namespaces";
    }
    const built = binsUnavailable(binaries.filter((b) => PROGRAMS.includes(b)));
    if (built) {
        return built;
    }
    const missing = binaries.filter((b) => !PROGRAMS.includes(b) && !["/usr/sbin", "/usr/bin", "/sbin", "/bin"].some((d) => existsSync(`${d}/${b}`)));
    if (missing.length > 0) {
        return `missing binaries ${missing.join(", ")} (.ci/run installs them from Debian)`;
    }
    const probe = `khprobe${randomBytes(3).toString("hex")}`;
    try {
        execFileSync("ip", ["netns", "add", probe], { stdio: "ignore" });
        execFileSync("ip", ["netns", "del", probe], { stdio: "ignore" });
    } catch {
        return "`ip netns add` is not permitted here";
    }
    return undefined;
}

export interface ExecResult { readonly code: number; readonly stdout: string; readonly stderr: string }

/** The last line a command printed (stdout, then stderr), quoted and cut at 160 characters: for a check's report. */
export function lastLine(r: ExecResult): string {
    return JSON.stringify(`${r.stdout}${r.stderr}`.trim().split("\n").pop()?.slice(0, 160));
}

/** A process started in a host; stopped by PID. */
export class Daemon {
    readonly exited: Promise<number | null>;
    constructor(readonly name: string, private readonly child: ChildProcess, readonly log: string) {
        this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    }
    get pid(): number {
        return this.child.pid!;
    }
    alive(): boolean {
        return startTime(this.pid) !== undefined;
    }
    /** Sends a signal without waiting (a crash test's SIGKILL). */
    signal(signal: NodeJS.Signals): void {
        this.child.kill(signal);
    }
    /** Signals the process and waits (bounded) for it to exit; SIGKILL after the timeout. */
    async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 5000): Promise<void> {
        if (!this.alive()) {
            return;
        }
        this.child.kill(signal);
        const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), timeoutMs).unref());
        if ((await Promise.race([this.exited, timeout])) === "timeout") {
            this.child.kill("SIGKILL");
            await this.exited;
        }
    }
}

export class Host {
    constructor(readonly lab: Lab, readonly name: string, readonly ns: string, readonly ip: string, readonly hostname: string = name) {}

    /**
     * The argv that runs `cmd` inside the host: its network namespace, and its own UTS namespace
     * with the host's hostname (leader election and node names read it). `unshare` and `sh`
     * exec, so the PID is the program's.
     */
    protected argv(cmd: string, args: readonly string[]): string[] {
        return ["ip", "netns", "exec", this.ns, "unshare", "--uts", "--", "sh", "-c", 'hostname "$0" && exec "$@"', this.hostname, cmd, ...args];
    }

    /** The environment of the host's processes. */
    protected env(): NodeJS.ProcessEnv {
        return labEnv();
    }

    /** Runs a command inside the host, bounded by a timeout; `input` is its stdin. */
    exec(cmd: string, args: readonly string[], timeoutMs = 15000, input?: string): Promise<ExecResult> {
        const [file, ...argv] = this.argv(cmd, args);
        return new Promise((resolve) => {
            const child = execFile(file, argv, { timeout: timeoutMs, encoding: "utf8", maxBuffer: 16 << 20, env: this.env() },
                (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }));
            // A command that exits without reading its stdin closes the pipe: not an error of ours.
            child.stdin?.on("error", () => {});
            if (input === undefined) {
                child.stdin?.end();
            } else {
                child.stdin?.end(input);
            }
        });
    }

    /** Starts a long-running process inside the host; output goes to a log file in the run's directory. */
    spawn(name: string, cmd: string, args: readonly string[]): Daemon {
        const log = path.join(this.lab.dir, "logs", `${this.name}-${name}.log`);
        const fd = openSync(log, "a");
        const [file, ...argv] = this.argv(cmd, args);
        const child = spawn(file, argv, { stdio: ["ignore", fd, fd], env: this.env() });
        closeSync(fd);
        const daemon = new Daemon(`${this.name}/${name}`, child, log);
        this.lab.daemons.push(daemon);
        return daemon;
    }

    async hasAddress(ip: string): Promise<boolean> {
        const r = await this.exec("ip", ["-o", "-4", "addr", "show", "dev", "eth0"]);
        return r.stdout.split(/\s+/).some((w) => w.split("/")[0] === ip);
    }
}

/** The output of a command that must succeed; else an error naming `what` and the command's own message. */
export async function must(r: Promise<ExecResult>, what: string): Promise<string> {
    const out = await r;
    if (out.code !== 0) {
        throw new Error(`${what}: ${out.stderr.trim() || out.stdout.trim()}`);
    }
    return out.stdout;
}

/** A duration for reports, to 0.1 s (bring-ups: minutes of work). */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** A duration for reports, to 0.01 s (failovers: seconds of work). */
export const secsFine = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The resident memory of these processes, summed (MiB); ones that exited count nothing. */
export function rssMbOf(pids: Iterable<number>): number {
    let kb = 0;
    for (const pid of new Set(pids)) {
        try {
            kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        } catch { /* exited */ }
    }
    return kb / 1024;
}

/** SIGSTOP then SIGKILL each process by PID: none runs on between the two, so none can send a goodbye. */
export function freezeThenKill(pids: readonly number[]): void {
    for (const signal of ["SIGSTOP", "SIGKILL"] as const) {
        for (const p of pids) {
            try {
                process.kill(p, signal);
            } catch { /* gone */ }
        }
    }
}

/** Polls `check` every `stepMs` until it returns a value or `timeoutMs` passes (bounded in count and time). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, stepMs = 50): Promise<{ value: T; ms: number }> {
    const start = Date.now();
    for (let i = 0; i <= Math.ceil(timeoutMs / stepMs); i++) {
        const value = await check();
        if (value !== undefined && value !== false) {
            return { value, ms: Date.now() - start };
        }
        if (Date.now() - start > timeoutMs) {
            break;
        }
        await new Promise((r) => setTimeout(r, stepMs));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export class Lab {
    readonly daemons: Daemon[] = [];
    private readonly hosts = new Map<string, Host>();
    private destroyed = false;
    /** True once destroy() began: nothing may be started any more. */
    get isDestroyed(): boolean {
        return this.destroyed;
    }
    private readonly exitHook = () => this.destroy();

    private constructor(readonly prefix: string, readonly dir: string, readonly subnet: string) {}

    /** Creates a lab whose hosts live in `subnet` (exists only inside the lab). Cleans stale runs first. */
    static create(subnet: string): Lab {
        Lab.gc();
        const prefix = `kh${randomBytes(3).toString("hex")}`;
        const dir = path.join(STATE_ROOT, prefix);
        mkdirSync(path.join(dir, "logs"), { recursive: true, mode: 0o755 });
        writeFileSync(path.join(dir, "owner.json"), JSON.stringify({ pid: process.pid, start: startTime(process.pid) }));
        const lab = new Lab(prefix, dir, subnet);
        process.on("exit", lab.exitHook);
        live.add(lab);
        spawn(process.execPath, [path.join(__dirname, "lab-cleanup.js"), String(process.pid), startTime(process.pid) ?? "", prefix, dir],
            { detached: true, stdio: "ignore" }).unref();
        const sw = `${prefix}-sw`;
        for (const args of [["netns", "add", sw], ["-n", sw, "link", "set", "lo", "up"], ["-n", sw, "link", "add", "br0", "type", "bridge"], ["-n", sw, "link", "set", "br0", "up"]]) {
            execFileSync("ip", args);
        }
        return lab;
    }

    /** Removes runs whose owner process is gone (an earlier run that was killed). */
    static gc(): string[] {
        if (!existsSync(STATE_ROOT)) {
            return [];
        }
        const cleaned: string[] = [];
        for (const prefix of readdirSync(STATE_ROOT)) {
            const dir = path.join(STATE_ROOT, prefix);
            try {
                const owner = JSON.parse(readFileSync(path.join(dir, "owner.json"), "utf8"));
                if (startTime(owner.pid) === owner.start) {
                    continue;
                }
            } catch { /* unreadable owner: stale */ }
            cleanupRun(prefix, dir);
            cleaned.push(prefix);
        }
        return cleaned;
    }

    /** Adds a host `name` (its hostname `hostname`) with address `ip` (which must lie in the lab's subnet) on the bridge. */
    addHost<H extends Host = Host>(name: string, ip: string, hostname: string = name,
        make: (ns: string) => H = (ns) => new Host(this, name, ns, ip, hostname) as H): H {
        if (!/^[a-z0-9-]{1,15}$/.test(name) || name === "sw") {
            throw new Error(`bad host name ${name}`);
        }
        if (!/^[a-z0-9]([a-z0-9.-]{0,62})$/.test(hostname)) {
            throw new Error(`bad hostname ${hostname}`);
        }
        const subnet = parseCidr(this.subnet);
        if (!containsAddress(subnet, ip)) {
            throw new Error(`refusing ${ip}: test hosts only get addresses inside the lab subnet ${this.subnet}`);
        }
        const ns = `${this.prefix}-${name}`;
        const sw = `${this.prefix}-sw`;
        const steps = [
            ["netns", "add", ns], ["-n", ns, "link", "set", "lo", "up"],
            ["link", "add", "name", name, "netns", sw, "type", "veth", "peer", "name", "eth0", "netns", ns],
            ["-n", sw, "link", "set", "dev", name, "master", "br0", "up"],
            ["-n", ns, "addr", "add", `${ip}/${subnet.prefix}`, "dev", "eth0"], ["-n", ns, "link", "set", "dev", "eth0", "up"],
        ];
        for (const args of steps) {
            execFileSync("ip", args);
        }
        execFileSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
        const host = make(ns);
        this.hosts.set(name, host);
        return host;
    }

    /**
     * Raises a kernel-wide setting to at least `min` for this run (machines here share one kernel,
     * where each CVM has its own); the run's cleanup puts the old value back when no other run is live.
     */
    raiseSysctl(key: string, min: number): void {
        const file = `/proc/sys/${key.replace(/\./g, "/")}`;
        const before = Number(readFileSync(file, "utf8").trim());
        if (before >= min) {
            return;
        }
        const record = path.join(this.dir, "sysctl.json");
        const raised = existsSync(record) ? JSON.parse(readFileSync(record, "utf8")) as { key: string; before: number; set: number }[] : [];
        writeFileSync(record, JSON.stringify([...raised.filter((r) => r.key !== key), { key, before: raised.find((r) => r.key === key)?.before ?? before, set: min }]));
        writeFileSync(file, String(min));
    }

    /** Stops every process of the run by PID and removes every namespace, veth and file. Idempotent. */
    destroy(): void {
        if (this.destroyed) {
            return;
        }
        this.destroyed = true;
        process.removeListener("exit", this.exitHook);
        live.delete(this);
        for (const d of this.daemons) {
            try {
                process.kill(d.pid, "SIGTERM");
            } catch { /* gone */ }
        }
        cleanupRun(this.prefix, this.dir);
    }

    /** The last lines of every daemon log, for failure reports. */
    logTails(lines = 15, which: (d: Daemon) => boolean = () => true): string {
        return this.daemons.filter(which).map((d) => {
            let text = "";
            try {
                text = readFileSync(d.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
            } catch { /* no log */ }
            return `--- ${d.name} (pid ${d.pid}${d.alive() ? "" : ", exited"})\n${text}`;
        }).join("\n");
    }

    /** The resident memory of every process in the run's namespaces, summed (MiB). */
    rssMb(): number {
        return rssMbOf(this.leftovers().flatMap((ns) => {
            try {
                return execFileSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).split("\n").map(Number).filter((p) => p > 0);
            } catch {
                return []; // gone
            }
        }));
    }

    /** Namespaces of this run that still exist (for tests of the cleanup itself). */
    leftovers(): string[] {
        return execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]).filter((n) => n.startsWith(`${this.prefix}-`));
    }
}
