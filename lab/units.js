// The service manager of a test machine (no systemd runs as PID 1 here): it reads the machine's
// unit files and drop-ins the way systemd does (the subset our nodes use: ExecStartPre,
// ExecStart, Environment, EnvironmentFile, Restart, RestartSec, Type=oneshot with
// RemainAfterExit, ExecReload) and starts, stops, restarts and reloads the units' commands. `systemctl` in the
// machine is this script in client mode, so kubeadm, the rendered commands and cloud-init's
// runcmd drive it exactly as they would drive systemd. Timers are recorded, never fired.
//
// Server: node units.js serve SOCKET LOGDIR    Client: node units.js SOCKET <systemctl arguments>
// Plain JavaScript: it runs inside the machine without a TypeScript loader.
"use strict";

const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");

const UNIT_DIRS = ["/usr/lib/systemd/system", "/lib/systemd/system", "/usr/local/lib/systemd/system", "/etc/systemd/system"];
const MAX_RESTARTS = 500;

/** Splits a unit-file command line into words (double and single quotes). */
function words(line) {
    const out = [];
    const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
    for (let m; (m = re.exec(line));) {
        out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2] ?? m[3]);
    }
    return out;
}

/** Reads a unit and its drop-ins (lexical order, /etc after /usr/lib): key → values, by section. */
function loadUnit(name) {
    const files = [];
    for (const dir of UNIT_DIRS) {
        if (fs.existsSync(path.join(dir, name))) {
            files.push(path.join(dir, name));
        }
    }
    if (files.length === 0) {
        return undefined;
    }
    const dropIns = new Map();
    for (const dir of UNIT_DIRS) {
        const d = path.join(dir, `${name}.d`);
        for (const f of fs.existsSync(d) ? fs.readdirSync(d).filter((x) => x.endsWith(".conf")) : []) {
            dropIns.set(f, path.join(d, f));
        }
    }
    const unit = {};
    for (const file of [files[files.length - 1], ...[...dropIns.keys()].sort().map((k) => dropIns.get(k))]) {
        let section = "";
        for (const raw of fs.readFileSync(file, "utf8").replace(/\\\n/g, " ").split("\n")) {
            const line = raw.trim();
            if (!line || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            const header = /^\[(.+)\]$/.exec(line);
            if (header) {
                section = header[1];
                continue;
            }
            const eq = line.indexOf("=");
            const key = `${section}.${line.slice(0, eq).trim()}`;
            const value = line.slice(eq + 1).trim();
            // An empty assignment resets a list (ExecStart= in a drop-in).
            unit[key] = value === "" ? [] : [...(unit[key] ?? []), value];
        }
    }
    return unit;
}

/** The environment of a unit: Environment= and EnvironmentFile= (a leading - means optional). */
function environmentOf(unit) {
    const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" };
    for (const e of (unit["Service.Environment"] ?? []).flatMap(words)) {
        const i = e.indexOf("=");
        env[e.slice(0, i)] = e.slice(i + 1);
    }
    for (const spec of unit["Service.EnvironmentFile"] ?? []) {
        const file = spec.replace(/^-/, "");
        if (!fs.existsSync(file)) {
            if (!spec.startsWith("-")) {
                throw new Error(`EnvironmentFile ${file} does not exist`);
            }
            continue;
        }
        for (const line of fs.readFileSync(file, "utf8").split("\n")) {
            const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
            if (m) {
                env[m[1]] = m[2].replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
            }
        }
    }
    return env;
}

/** systemd's expansion: `$VAR` becomes its words, `${VAR}` one word. */
function argv(line, env) {
    const out = [];
    for (const w of words(line.replace(/^[-@+!:]+/, ""))) {
        const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
        if (whole) {
            out.push(...words(env[whole[1]] ?? ""));
        } else {
            out.push(w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, k) => env[k] ?? ""));
        }
    }
    return out;
}

class Manager {
    constructor(logDir) {
        this.logDir = logDir;
        this.units = new Map();
        this.enabled = new Set();
    }

    state(name) {
        if (!this.units.has(name)) {
            this.units.set(name, { name, child: undefined, active: false, wanted: false, restarts: 0, timer: undefined });
        }
        return this.units.get(name);
    }

    log(name) {
        return fs.openSync(path.join(this.logDir, `${name}.log`), "a");
    }

    run(name, line, env) {
        const args = argv(line, env);
        const fd = this.log(name);
        fs.writeSync(fd, `--- ${new Date().toISOString()} ${args.join(" ")}\n`);
        const child = spawn(args[0], args.slice(1), { env, stdio: ["ignore", fd, fd] });
        fs.closeSync(fd);
        return child;
    }

    /** Runs a command line to its end (ExecStartPre, oneshot ExecStart); a leading - ignores failure. */
    runOnce(name, line, env, timeoutMs) {
        const args = argv(line, env);
        const fd = this.log(name);
        const r = spawnSync(args[0], args.slice(1), { env, stdio: ["ignore", fd, fd], timeout: timeoutMs });
        fs.closeSync(fd);
        if (r.status !== 0 && !line.startsWith("-")) {
            throw new Error(`${name}: ${args.join(" ")} exited ${r.status}`);
        }
    }

    start(name) {
        const s = this.state(name);
        if (name.endsWith(".timer")) {
            s.active = true; // recorded: the lab never fires timers
            return;
        }
        if (s.child) {
            return;
        }
        const unit = loadUnit(name);
        if (!unit) {
            throw new Error(`Unit ${name} not found.`);
        }
        const env = environmentOf(unit);
        for (const pre of unit["Service.ExecStartPre"] ?? []) {
            this.runOnce(name, pre, env, 60_000);
        }
        const exec = unit["Service.ExecStart"] ?? [];
        if (exec.length === 0) {
            throw new Error(`${name} has no ExecStart`);
        }
        for (const dir of (unit["Service.RuntimeDirectory"] ?? []).flatMap(words)) {
            fs.mkdirSync(path.join("/run", dir), { recursive: true, mode: 0o755 });
        }
        const type = (unit["Service.Type"] ?? ["simple"]).at(-1);
        s.wanted = true;
        if (type === "oneshot") {
            for (const line of exec) {
                this.runOnce(name, line, env, 120_000);
            }
            s.active = (unit["Service.RemainAfterExit"] ?? ["no"]).at(-1) === "yes";
            return;
        }
        const restart = (unit["Service.Restart"] ?? ["no"]).at(-1);
        const restartMs = Number.parseFloat((unit["Service.RestartSec"] ?? ["0.1"]).at(-1)) * 1000;
        const child = this.run(name, exec.at(-1), env);
        s.child = child;
        s.active = true;
        child.on("exit", (code, signal) => {
            s.child = undefined;
            s.active = false;
            const failed = code !== 0 || signal !== null;
            if (s.wanted && (restart === "always" || (restart === "on-failure" && failed)) && s.restarts < MAX_RESTARTS) {
                s.restarts += 1;
                s.timer = setTimeout(() => {
                    s.timer = undefined;
                    if (s.wanted) {
                        try {
                            this.start(name);
                        } catch (e) {
                            fs.appendFileSync(path.join(this.logDir, `${name}.log`), `--- restart failed: ${e.message}\n`);
                        }
                    }
                }, restartMs);
            }
        });
    }

    async stop(name) {
        const s = this.state(name);
        s.wanted = false;
        s.active = false;
        clearTimeout(s.timer);
        const child = s.child;
        if (!child) {
            return;
        }
        // KillMode=process (containerd's): only the main process; its shims stay.
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), 10_000));
        if ((await Promise.race([exited, timeout])) === "timeout") {
            child.kill("SIGKILL");
            await exited;
        }
    }

    /** One systemctl invocation: the output and exit code systemctl would give. */
    async handle(args) {
        const opts = args.filter((a) => a.startsWith("-"));
        const [verb, ...rest] = args.filter((a) => !a.startsWith("-"));
        const names = rest.map((n) => (n.includes(".") ? n : `${n}.service`));
        switch (verb) {
            case "daemon-reload": case "reset-failed": case "mask": case "unmask":
                return { code: 0, out: "" };
            case "enable": case "disable":
                for (const n of names) {
                    if (verb === "enable") {
                        this.enabled.add(n);
                    } else {
                        this.enabled.delete(n);
                    }
                    if (opts.includes("--now")) {
                        await (verb === "enable" ? this.start(n) : this.stop(n));
                    }
                }
                return { code: 0, out: "" };
            case "start":
                names.forEach((n) => this.start(n));
                return { code: 0, out: "" };
            case "restart": case "try-restart": case "reload-or-restart":
                for (const n of names) {
                    await this.stop(n);
                    this.state(n).restarts = 0;
                    this.start(n);
                }
                return { code: 0, out: "" };
            case "stop":
                for (const n of names) {
                    await this.stop(n);
                }
                return { code: 0, out: "" };
            case "reload":
                // As systemd: each ExecReload in turn, $MAINPID the running main process; a unit that does not run, or has none, fails.
                for (const n of names) {
                    const s = this.state(n);
                    const unit = loadUnit(n);
                    const reload = unit?.["Service.ExecReload"] ?? [];
                    if (!s.child || reload.length === 0) {
                        return { code: 1, out: `Failed to reload ${n}: ${s.child ? "Job type reload is not applicable for unit" : "Unit is not active"} ${n}.\n` };
                    }
                    const env = { ...environmentOf(unit), MAINPID: String(s.child.pid) };
                    for (const line of reload) {
                        this.runOnce(n, line, env, 60_000);
                    }
                }
                return { code: 0, out: "" };
            case "is-active": {
                const active = names.every((n) => this.state(n).active);
                return { code: active ? 0 : 3, out: opts.includes("--quiet") || opts.includes("-q") ? "" : `${active ? "active" : "inactive"}\n` };
            }
            case "is-enabled": {
                const enabled = names.every((n) => this.enabled.has(n));
                return { code: enabled ? 0 : 1, out: `${enabled ? "enabled" : "disabled"}\n` };
            }
            case "cat": {
                // As systemctl: each unit's file and its drop-ins, each after a "# <path>" line; exit 1 when one has none.
                const parts = [];
                for (const n of names) {
                    const file = [...UNIT_DIRS].reverse().map((d) => path.join(d, n)).find((f) => fs.existsSync(f));
                    if (!file) {
                        return { code: 1, out: `No files found for ${n}.\n` };
                    }
                    const dropIns = UNIT_DIRS.map((d) => path.join(d, `${n}.d`)).filter((d) => fs.existsSync(d))
                        .flatMap((d) => fs.readdirSync(d).filter((x) => x.endsWith(".conf")).sort().map((x) => path.join(d, x)));
                    parts.push(...[file, ...dropIns].map((f) => `# ${f}\n${fs.readFileSync(f, "utf8")}`));
                }
                return { code: 0, out: parts.join("\n") };
            }
            case "status":
                return { code: names.every((n) => this.state(n).active) ? 0 : 3, out: names.map((n) => `${n}: ${this.state(n).active ? "active (running)" : "inactive"}`).join("\n") + "\n" };
            default:
                return { code: 1, out: `systemctl ${verb}: not supported in the lab's service manager\n` };
        }
    }
}

function serve(socket, logDir) {
    const manager = new Manager(logDir);
    fs.rmSync(socket, { force: true });
    net.createServer((conn) => {
        let data = "";
        conn.on("data", (d) => {
            data += d;
            if (!data.endsWith("\n")) {
                return;
            }
            manager.handle(JSON.parse(data)).catch((e) => ({ code: 1, out: `${e.message}\n` }))
                .then((r) => conn.end(JSON.stringify(r)));
        });
    }).listen(socket);
}

function client(socket, args) {
    const conn = net.createConnection(socket, () => conn.write(`${JSON.stringify(args)}\n`));
    let data = "";
    conn.on("data", (d) => (data += d));
    conn.on("end", () => {
        const r = JSON.parse(data);
        process.stdout.write(r.out);
        process.exitCode = r.code;
    });
    conn.on("error", (e) => {
        process.stderr.write(`System has not been booted with the lab's service manager: ${e.message}\n`);
        process.exitCode = 1;
    });
}

if (process.argv[2] === "serve") {
    serve(process.argv[3], process.argv[4]);
} else {
    client(process.argv[2], process.argv.slice(3));
}
