// A test machine: a lab host (network namespace on the lab's bridge) that also has its own mount
// and UTS namespaces (machine-root.sh): its own /etc, /usr, /opt, /var/lib, /run, cgroup
// hierarchies and hostname, so the node's rendered files and scripts run unmodified at the paths
// a node has. The namespaces are held by one process the lab tracks by PID; every command and
// daemon of the machine enters them (nsenter), and the lab reads and writes the machine's files
// through that process's root (/proc/<pid>/root), never through this machine's own /etc.

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { addressAt, parseCidr } from "../components/plan/cidr";
import type { Daemon, ExecResult, Lab } from "./lab";
import { BIN_CACHE } from "./bins/products";
import { freezeThenKill, Host, waitFor } from "./lab";

/** Where the machines' disks live (ext4: overlayfs and containerd's snapshots need a real filesystem). */
export const DISK_ROOT = "/var/tmp/kubeadm-ha-lab";

const ROOT_SCRIPT = path.join(__dirname, "machine-root.sh");

/** The PATH of a machine's processes: a node's, nothing of this machine's tool caches. */
export const MACHINE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const UNITS = path.join(__dirname, "units.js");
/** Where the lab's own programs live inside a machine. */
export const LAB_LIB = "/usr/local/lib/kubeadm-ha-lab";
const LAB_LIB_UNITS = `${LAB_LIB}/units.js`;
const UNITS_SOCKET = "/run/kubeadm-ha-lab-units.sock";
const MODPROBE = `#!/bin/sh
# The lab's modprobe: this kernel loads no modules; what it has built in is reported loaded.
for m in "$@"; do
    case "$m" in -*) continue ;; esac
    if [ -d "/sys/module/$m" ] || { [ "$m" = br_netfilter ] && [ -d /proc/sys/net/bridge ]; }; then
        continue
    fi
    echo "modprobe: $m is not built into this kernel and modules cannot be loaded in the lab" >&2
    exit 1
done
`;

export class Machine extends Host {
    private holder?: Daemon;
    services?: Daemon;

    /** The machine's disk on this machine (its overlays' upper layers and data directories). */
    get disk(): string {
        return path.join(DISK_ROOT, this.lab.prefix, this.name);
    }

    /** The cgroup the machine's kubelet and containers live under (its `--cgroup-root`). */
    get cgroupRoot(): string {
        return `/${this.lab.prefix}-${this.name}`;
    }

    protected argv(cmd: string, args: readonly string[]): string[] {
        if (!this.holder) {
            return super.argv(cmd, args);
        }
        return ["nsenter", "-t", String(this.holder.pid), "-m", "-u", "-n", "--wd=/", "--", cmd, ...args];
    }

    protected env(): NodeJS.ProcessEnv {
        return { PATH: MACHINE_PATH, HOME: "/root", LANG: "C.UTF-8", USER: "root", LOGNAME: "root" };
    }

    /** Makes the machine's namespaces (bounded: 15 s). */
    async boot(): Promise<void> {
        for (const [what, dir] of [["node", process.execPath], ["the build cache (KUBEADM_HA_BIN_CACHE)", BIN_CACHE], ["the disks", DISK_ROOT]] as const) {
            if (/^\/(tmp|run)(\/|$)/.test(dir)) {
                throw new Error(`${what} is under ${dir.split("/")[1] === "tmp" ? "/tmp" : "/run"} (${dir}), which every test machine has its own of: put it elsewhere`);
            }
        }
        mkdirSync(this.disk, { recursive: true, mode: 0o700 });
        this.holder = this.spawn("root", "unshare", ["--mount", "--uts", "--propagation", "private", "bash", ROOT_SCRIPT, this.disk, this.hostname, this.cgroupRoot]);
        const holder = this.holder;
        await waitFor(`the namespaces of machine ${this.name}`, async () => {
            if (!holder.alive()) {
                throw new Error(`machine ${this.name}: machine-root.sh failed:\n${this.lab.logTails(20, (d) => d === holder)}`);
            }
            return existsSync(path.join(this.disk, "ready"));
        }, 15_000, 50);
        // A default route, as a CVM has (the VPC's router): Service addresses are translated only
        // after a route is found. Its gateway is an address no test host has, so nothing leaves.
        const subnet = parseCidr(this.lab.subnet);
        const route = await this.exec("ip", ["route", "add", "default", "via", addressAt(subnet, subnet.size - 2), "dev", "eth0", "onlink"]);
        if (route.code !== 0) {
            throw new Error(`machine ${this.name}: default route: ${route.stderr}`);
        }
    }

    /** A path of the machine's filesystem, as this machine reaches it. */
    file(p: string): string {
        if (!this.holder) {
            throw new Error(`machine ${this.name} is not booted`);
        }
        return path.join(`/proc/${this.holder.pid}/root`, p);
    }

    read(p: string): string {
        return readFileSync(this.file(p), "utf8");
    }

    write(p: string, content: string | Buffer, mode = 0o644): void {
        mkdirSync(path.dirname(this.file(p)), { recursive: true, mode: 0o755 });
        writeFileSync(this.file(p), content, { mode });
        chmodSync(this.file(p), mode);
    }

    /**
     * Starts the machine's service manager (units.js; no systemd runs here) and puts the lab's
     * `systemctl` and `modprobe` in place: systemctl talks to that manager; modprobe loads nothing
     * (this kernel cannot load modules) and succeeds only for what the kernel has built in.
     */
    startServices(): Daemon {
        this.write("/etc/hosts", "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n");
        // The lab's own files are copied in: the repository may sit where the machine has its own /tmp.
        this.write(LAB_LIB_UNITS, readFileSync(UNITS));
        this.write("/usr/bin/systemctl", `#!/bin/sh\nexec ${process.execPath} ${LAB_LIB_UNITS} ${UNITS_SOCKET} "$@"\n`, 0o755);
        this.write("/usr/sbin/modprobe", MODPROBE, 0o755);
        mkdirSync(path.join(this.disk, "logs"), { recursive: true });
        this.services = this.spawn("units", process.execPath, [LAB_LIB_UNITS, "serve", UNITS_SOCKET, path.join(this.disk, "logs")]);
        return this.services;
    }

    /** The log of a unit the service manager runs. */
    unitLog(unit: string): string {
        return path.join(this.disk, "logs", `${unit.includes(".") ? unit : `${unit}.service`}.log`);
    }

    exists(p: string): boolean {
        return existsSync(this.file(p));
    }

    /** Every process of the machine: in its network namespace, and in its cgroup (pods in their own network namespaces). */
    pids(): number[] {
        let inNs: number[] = [];
        try {
            inNs = execFileSync("ip", ["netns", "pids", this.ns], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n").map(Number).filter((p) => p > 0);
        } catch { /* the namespace is gone */ }
        const inCgroup: number[] = [];
        const walk = (dir: string) => {
            try {
                inCgroup.push(...readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").map(Number).filter((p) => p > 0));
                readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).forEach((e) => walk(path.join(dir, e.name)));
            } catch { /* gone */ }
        };
        walk(`/sys/fs/cgroup/pids${this.cgroupRoot}`);
        return [...new Set([...inNs, ...inCgroup])];
    }

    /** The machine dies at once: every process stopped then killed by PID (none says goodbye), its link down. */
    crash(): void {
        freezeThenKill(this.pids());
        execFileSync("ip", ["-n", this.ns, "link", "set", "dev", "eth0", "down"]);
    }

    /** Runs a shell script in the machine with bash, `set -euo pipefail` (bounded). */
    sh(script: string, timeoutMs = 60_000, input?: string): Promise<ExecResult> {
        return this.exec("bash", ["-c", `set -euo pipefail\n${script}`], timeoutMs, input);
    }
}

/** Adds a booted machine `name` (hostname `hostname`) at `ip` to the lab. */
export async function addMachine(lab: Lab, name: string, ip: string, hostname: string = name): Promise<Machine> {
    const m = lab.addHost(name, ip, hostname, (ns) => new Machine(lab, name, ns, ip, hostname));
    await m.boot();
    return m;
}
