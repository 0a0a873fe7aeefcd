// Pinned SSH host keys against a real OpenSSH server. The program runs for a stack with real key
// material (lab/deployment.ts); a master and the bastion each get a test host whose sshd serves
// the host key from that machine's own user-data (`ssh_keys`, what cloud-init installs at first
// boot). A client pinning exactly the keys the program's remote command pins (its `hostKey` and
// `proxy.hostKey`) runs a command on the master through the bastion. Then an impostor with another
// key takes the master's address, and then the bastion's: both times the connection is refused and
// nothing runs. The client is OpenSSH with StrictHostKeyChecking=yes: the same check
// @pulumi/command's Go SSH client makes with a fixed host key (that client cannot be built here).

import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { deployment, Deployment, DeployedInstance } from "../lab/deployment";
import { Host, Lab, labUnavailable, waitFor } from "../lab/lab";
import { labHooks } from "./helpers/lab-hooks";
import { skipUnless } from "./helpers/skip";

const ROOT = path.join(__dirname, "..");
const STACK = "prod-stacked-local";
const PROGRAMS = ["sshd", "ssh", "ssh-keygen", "ss"];

/** The host key pair a machine's user-data installs (cloud-init's `ssh_keys`). */
function userDataHostKey(i: DeployedInstance): { privateKey: string; publicKey: string } {
    const doc = parse(i.userData.replace(/^#cloud-config\n/, ""));
    return { privateKey: doc.ssh_keys.ed25519_private, publicKey: doc.ssh_keys.ed25519_public };
}

describe("SSH host keys: a command pins the keys its machine and the bastion got at first boot (real sshd, real OpenSSH client)", function () {
    this.timeout(180_000);
    let lab: Lab | undefined;
    let deployed: Deployment;
    let dir: string;
    let madeRunSshd = false;
    const hosts: Record<string, Host> = {};

    /** Starts sshd in `host` with the OpenSSH private key `hostKey`, letting the test's client key in as root. */
    async function sshd(host: Host, name: string, hostKey: string, ip: string): Promise<void> {
        const d = path.join(dir, name);
        mkdirSync(d, { recursive: true });
        writeFileSync(path.join(d, "host_key"), hostKey, { mode: 0o600 });
        writeFileSync(path.join(d, "sshd_config"), [
            "Port 22", `ListenAddress ${ip}`, `HostKey ${d}/host_key`, "PidFile none", `AuthorizedKeysFile ${dir}/client.pub`,
            "PermitRootLogin prohibit-password", "StrictModes no", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "",
        ].join("\n"));
        host.spawn(`sshd-${name}`, "/usr/sbin/sshd", ["-D", "-e", "-f", path.join(d, "sshd_config")]);
        await waitFor(`sshd ${name} on ${ip}:22`, async () => (await host.exec("ss", ["-Hltn"])).stdout.includes(`${ip}:22`), 10_000, 100);
    }

    /** Moves `ip` from one host to another (a machine gone, its address taken) and forgets every neighbour. */
    async function move(ip: string, from: Host, to: Host): Promise<void> {
        for (const [h, op] of [[from, "del"], [to, "add"]] as const) {
            const r = await h.exec("ip", ["addr", op, `${ip}/16`, "dev", "eth0"]);
            assert.equal(r.code, 0, r.stderr);
        }
        for (const h of Object.values(hosts)) {
            await h.exec("ip", ["neigh", "flush", "all"]);
        }
    }

    /** From the operator host, `touch <marker>` on `target` through `bastion`, trusting only `known` (`<ip> <key>` lines). */
    function run(known: readonly string[], target: string, bastion: string, marker: string) {
        const knownHosts = path.join(dir, `known_hosts-${marker}`);
        writeFileSync(knownHosts, `${known.join("\n")}\n`);
        const opts = ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHosts}`,
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "-i", path.join(dir, "client")];
        const proxy = ["ssh", ...opts, "-W", "%h:%p", `root@${bastion}`].join(" ");
        return hosts.operator.exec("ssh", [...opts, "-o", `ProxyCommand=${proxy}`, `root@${target}`, "touch", path.join(dir, marker)], 30_000);
    }

    before(async function () {
        skipUnless(this, labUnavailable(PROGRAMS));
        deployed = await deployment(parse(readFileSync(path.join(ROOT, "stacks", `Pulumi.${STACK}.yaml`), "utf8"), { version: "1.1" }), STACK);
        lab = Lab.create("10.20.0.0/16");
        dir = path.join(lab.dir, "ssh");
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        // sshd's privilege separation needs /run/sshd (a machine's ssh.service makes it): made here only if absent, removed after.
        if (!existsSync("/run/sshd")) {
            mkdirSync("/run/sshd", { mode: 0o755 });
            madeRunSshd = true;
        }
    });

    labHooks(() => lab);
    after(() => {
        if (madeRunSshd) {
            rmSync("/run/sshd", { recursive: true, force: true });
        }
    });

    it("reaches a master through the bastion with the pinned keys, and refuses an impostor in the master's place and in the bastion's", async () => {
        const master = deployed.instances.find((i) => i.name.endsWith("-master-1"))!;
        const bastion = deployed.instances.find((i) => i.name.includes("-bastion-"))!;
        const command = deployed.commands.find((c) => c.host === master.privateIp && c.name.endsWith("-secrets"))!;
        assert.ok(command.stdin, "the command that sends the master its secret files");
        const masterKey = userDataHostKey(master);
        const bastionKey = userDataHostKey(bastion);
        assert.match(masterKey.privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
        assert.equal(command.hostKey?.trim(), masterKey.publicKey, "the command pins the key the master's user-data installs");
        assert.equal(command.proxyHostKey?.trim(), bastionKey.publicKey, "and the bastion's");
        assert.notEqual(masterKey.publicKey, bastionKey.publicKey, "each machine has its own key");

        hosts.operator = lab!.addHost("operator", "10.20.255.10");
        hosts.master = lab!.addHost("master", master.privateIp);
        hosts.bastion = lab!.addHost("bastion", bastion.privateIp);
        hosts.impostor = lab!.addHost("impostor", "10.20.255.20");
        for (const key of ["client", "impostor_key"]) {
            const r = await hosts.operator.exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", path.join(dir, key)]);
            assert.equal(r.code, 0, r.stderr);
        }
        const impostorKey = readFileSync(path.join(dir, "impostor_key"), "utf8");
        await sshd(hosts.master, "master", masterKey.privateKey, master.privateIp);
        await sshd(hosts.bastion, "bastion", bastionKey.privateKey, bastion.privateIp);
        const pins = [`${master.privateIp} ${command.hostKey!.trim()}`, `${bastion.privateIp} ${command.proxyHostKey!.trim()}`];

        const genuine = await run(pins, master.privateIp, bastion.privateIp, "genuine");
        assert.equal(genuine.code, 0, `the machines present the pinned keys: ${genuine.stderr}`);
        assert.ok(existsSync(path.join(dir, "genuine")), "the command ran");

        await move(master.privateIp, hosts.master, hosts.impostor);
        await sshd(hosts.impostor, "impostor-master", impostorKey, master.privateIp);
        const fakeMaster = await run(pins, master.privateIp, bastion.privateIp, "fake-master");
        assert.equal(fakeMaster.code, 255, "refused");
        assert.match(fakeMaster.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
        assert.ok(!existsSync(path.join(dir, "fake-master")), "nothing ran on the impostor");

        await move(master.privateIp, hosts.impostor, hosts.master);
        await move(bastion.privateIp, hosts.bastion, hosts.impostor);
        await sshd(hosts.impostor, "impostor-bastion", impostorKey, bastion.privateIp);
        const fakeBastion = await run(pins, master.privateIp, bastion.privateIp, "fake-bastion");
        assert.equal(fakeBastion.code, 255, "refused at the bastion hop");
        assert.match(fakeBastion.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
        assert.ok(!existsSync(path.join(dir, "fake-bastion")), "nothing ran");
    });
});
