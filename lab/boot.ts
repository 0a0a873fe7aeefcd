// A test machine's first boot: what cloud-init does with the user-data the program gave the
// instance. write_files are written with their permissions (appended where the document says
// so), and runcmd becomes one /bin/sh script by cloud-init's own shellify (Debian's cloud-init,
// /usr/bin/python3), run as cloud-init runs it. Packages are not installed (no archive is
// reachable): the machine already has Debian's programs, and the two runcmd steps that need what
// cannot exist here are replaced, each named in lab-differences.ts: the Kubernetes packages'
// install (node-install.sh puts the built programs in place) and the data disk's mount.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { program } from "./bins/locate";
import { binSetDir, kubernetesReleases } from "./bins/locate";
import { LAB_LIB, Machine } from "./machine";

const INSTALL = "install-kubernetes.sh";
const MOUNT_DISK = "mount-data-disk.sh";
const NODE_INSTALL = path.join(__dirname, "node-install.sh");
const APT_SHIM = path.join(__dirname, "apt-shim.sh");
const RUNCMD = "/var/lib/cloud/instance/scripts/runcmd";

interface WriteFile { path: string; content: string; permissions?: string; append?: boolean }
interface CloudConfig { write_files?: WriteFile[]; runcmd?: (string | string[])[]; hostname?: string }

/** containerd's own unit, from its module (what its release installs); read once. */
function containerdUnit(): string {
    unit ??= readContainerdUnit();
    return unit;
}
let unit: string | undefined;

function readContainerdUnit(): string {
    const gomodcache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
    const version = execFileSync(program("containerd"), ["--version"], { encoding: "utf8" }).split(/\s+/)[2];
    return readFileSync(path.join(gomodcache, `github.com/containerd/containerd/v2@${version}`, "containerd.service"), "utf8");
}

/** The runcmd entries the lab runs, with its two replacements (node-install.sh and containerd's unit are copied into the machine). */
export function labRuncmd(runcmd: readonly (string | string[])[], m: Machine, images: string): (string | string[])[] {
    return runcmd.map((entry) => {
        if (Array.isArray(entry) && entry[0] === "bash" && entry[1]?.endsWith(`/${INSTALL}`)) {
            m.write(`${LAB_LIB}/node-install.sh`, readFileSync(NODE_INSTALL), 0o755);
            m.write(`${LAB_LIB}/apt-shim.sh`, readFileSync(APT_SHIM), 0o755);
            m.write(`${LAB_LIB}/containerd.service`, containerdUnit());
            // install-kubernetes.sh's <apt-base> <minor> <version>: the same release, from the lab's archive.
            const [base, minor, version] = entry.slice(2, 5);
            return ["bash", `${LAB_LIB}/node-install.sh`, binSetDir(), `${LAB_LIB}/containerd.service`, images, m.cgroupRoot, kubernetesReleases(), base, minor, version];
        }
        if (Array.isArray(entry) && entry[0] === "bash" && entry[1]?.endsWith(`/${MOUNT_DISK}`)) {
            return ["echo", `lab: no data disk (${entry[2]}); ${entry[3]} is a directory on the lab's disk`];
        }
        return entry;
    });
}

/** cloud-init's shellify of runcmd (its own code, so quoting and order are exactly cloud-init's). */
function shellify(runcmd: readonly (string | string[])[]): string {
    return execFileSync("/usr/bin/python3", ["-c", "import json,sys; from cloudinit import util; sys.stdout.write(util.shellify(json.load(sys.stdin)))"],
        { input: JSON.stringify(runcmd), encoding: "utf8" });
}

export interface BootResult { readonly code: number; readonly ms: number; readonly output: string }

/** Runs a machine's user-data as cloud-init would (bounded: 10 minutes). */
export async function bootFromUserData(m: Machine, userData: string, images: string): Promise<BootResult> {
    const t0 = Date.now();
    if (!userData.startsWith("#cloud-config\n")) {
        throw new Error(`${m.name}: user-data is not a #cloud-config document`);
    }
    const doc = parse(userData) as CloudConfig;
    for (const f of doc.write_files ?? []) {
        const mode = parseInt(f.permissions ?? "0644", 8);
        const content = f.append && m.exists(f.path) ? `${m.read(f.path)}${f.content}` : f.content;
        m.write(f.path, content, mode);
    }
    m.write(RUNCMD, shellify(labRuncmd(doc.runcmd ?? [], m, images)), 0o700);
    const r = await m.exec(RUNCMD, [], 600_000);
    return { code: r.code, ms: Date.now() - t0, output: `${r.stdout}${r.stderr}` };
}
