// etcd members on test machines, run the way ClusterJoin runs them: three members of
// prod-keepalived, each started by the exact etcd-start command (etcd-member-start.sh on stdin);
// their defragmentation timer's service; then one member loses its data, as a replacement
// machine with a new data disk would, and rejoins. Real etcd; the kubelet that runs
// the static pod is stood in for by a unit that executes the installed manifest's command line
// (the bring-up runs the real kubelet; this test is about the member's start).

import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { startEtcdMember } from "../../components/render/commands";
import { renderContext } from "../../components/render/context";
import { ETCD_DATA_DIR, etcdCertificateRequests } from "../../components/render/etcd";
import { DEFRAG_MIN_FREE_BYTES, DEFRAG_SERVICE, etcdDefragFiles } from "../../components/render/etcd-defrag";
import { SCRIPTS } from "../../components/render/scripts";
import { program } from "../../lab/bins/locate";
import { Lab, labUnavailable, waitFor } from "../../lab/lab";
import { addMachine, Machine } from "../../lab/machine";
import { KeyPair, makeCa, makeCert } from "../../lab/pki";
import { renderStack } from "../helpers/rendered";
import { skipUnless } from "../helpers/skip";

/** Runs the static pod's command line from the installed manifest, as the kubelet would. */
const STATIC_ETCD = `[Service]
ExecStart=
ExecStart=/usr/bin/python3 -c 'import os, yaml; c = yaml.safe_load(open("/etc/kubernetes/manifests/etcd.yaml"))["spec"]["containers"][0]["command"]; os.execvp(c[0], c)'
Restart=always
RestartSec=1
`;

/** Every unit log of a machine, for failure messages. */
function unitLogs(m: Machine): string {
    const dir = path.join(m.disk, "logs");
    return readdirSync(dir).map((f) => `--- ${f}\n${readFileSync(path.join(dir, f), "utf8").split("\n").slice(-15).join("\n")}`).join("\n");
}

describe("etcd members as ClusterJoin starts them: defragmentation, a replaced member (real etcd)", function () {
    this.timeout(300_000);
    const rendered = renderStack("prod-keepalived");
    const ctx = renderContext(rendered.spec, rendered.plan);
    const bundles = rendered.bundles.filter((b) => b.node.role === "etcd");
    const members = bundles.map((b) => b.node);
    let lab: Lab | undefined;
    const machines: Machine[] = [];
    let ca: KeyPair;

    const start = (i: number) => machines[i].exec("bash", ["-c", startEtcdMember(members[i], members)], 120_000, SCRIPTS.etcdMemberStart.content);
    const etcdctl = (m: Machine, ...args: string[]) => m.exec(program("etcdctl"), [`--endpoints=${members.map((n) => `https://${n.privateIp}:2379`).join(",")}`,
        "--cacert=/etc/etcd/pki/ca.crt", "--cert=/etc/etcd/pki/server.crt", "--key=/etc/etcd/pki/server.key", "--dial-timeout=2s", "--command-timeout=5s", ...args], 20_000);

    before(async function () {
        skipUnless(this, labUnavailable(["etcd", "etcdctl", "openssl", "sudo", "curl", "python3"]));
        lab = Lab.create(rendered.spec.network.vpcCidr);
        const pki = path.join(lab.dir, "pki");
        ca = makeCa(pki, "etcd-ca");
        for (const [i, b] of bundles.entries()) {
            const m = await addMachine(lab, `etcd${i}`, b.node.privateIp, b.node.hostname);
            m.startServices();
            for (const f of b.files) {
                m.write(f.path, f.content, parseInt(f.permissions, 8));
            }
            m.write("/etc/etcd/pki/ca.crt", readFileSync(ca.cert));
            for (const r of etcdCertificateRequests(ctx).filter((x) => x.member === b.node.name)) {
                const kp = makeCert(path.join(pki, b.node.name), ca, r.kind, { cn: r.commonName, ips: r.ips, dns: r.dns, server: true, client: true });
                m.write(`/etc/etcd/pki/${r.kind}.crt`, readFileSync(kp.cert));
                m.write(`/etc/etcd/pki/${r.kind}.key`, readFileSync(kp.key), 0o600);
            }
            // After the rendered drop-in (20-kubeadm-ha-etcd.conf), whose ExecStart it replaces.
            m.write("/usr/lib/systemd/system/kubelet.service", "[Service]\nExecStart=/bin/false\n");
            m.write("/etc/systemd/system/kubelet.service.d/99-lab-static-etcd.conf", STATIC_ETCD);
            assert.equal((await m.exec("ln", ["-s", program("etcd"), "/usr/local/bin/etcd"])).code, 0);
            assert.equal((await m.exec("ln", ["-s", program("etcdctl"), "/usr/local/bin/etcdctl"])).code, 0, "the defragmentation uses the host's etcdctl when there is one");
            machines.push(m);
        }
    });

    after(() => lab?.destroy());

    it("starts a new cluster: every member's etcd-start step finishes once the quorum forms", async () => {
        const runs = await Promise.all(machines.map((_, i) => start(i)));
        runs.forEach((r, i) => {
            assert.equal(r.code, 0, `${members[i].name}: ${r.stdout}${r.stderr}\n${unitLogs(machines[i])}`);
            assert.match(r.stdout, /initial cluster state new/);
        });
        const health = await etcdctl(machines[0], "endpoint", "health");
        assert.equal(health.code, 0, health.stderr);
    });

    it("defragments a member through the rendered service once a fifth of its file is free, and leaves a tidy one alone", async () => {
        const m = machines[0];
        for (const f of etcdDefragFiles(ctx, members[0])) {
            m.write(f.path, f.content, parseInt(f.permissions, 8));
        }
        const status = async () => JSON.parse((await m.exec(program("etcdctl"), ["--endpoints=https://127.0.0.1:2379", "--cacert=/etc/etcd/pki/ca.crt",
            "--cert=/etc/etcd/pki/server.crt", "--key=/etc/etcd/pki/server.key", "endpoint", "status", "-w", "json"])).stdout)[0].Status;
        const log = () => readFileSync(m.unitLog(DEFRAG_SERVICE), "utf8");
        assert.equal((await m.exec("systemctl", ["start", DEFRAG_SERVICE], 60_000)).code, 0, log());
        assert.match(log(), /nothing to do/, "a new member has nothing to reclaim");
        // 96 MiB of values, then deleted and compacted away: free pages inside the file.
        const fill = await m.sh(`v=$(head -c 1048576 /dev/zero | tr '\\0' x); for i in $(seq 1 96); do echo "$v" | ${program("etcdctl")} --endpoints=https://127.0.0.1:2379 ` +
            "--cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/server.crt --key=/etc/etcd/pki/server.key put big-$i >/dev/null; done", 120_000);
        assert.equal(fill.code, 0, fill.stderr);
        const ctl = (...a: string[]) => etcdctl(m, ...a);
        assert.equal((await ctl("del", "big-", "--prefix")).code, 0);
        const rev = (await status()).header.revision;
        assert.equal((await ctl("compaction", String(rev), "--physical")).code, 0);
        // The freed pages count once the backend commits them (every 100 ms, or at the next write).
        const { value: before } = await waitFor("the compaction's free pages", async () => {
            await ctl("put", "tick", String(Date.now()));
            const st = await status();
            return st.dbSize - st.dbSizeInUse >= DEFRAG_MIN_FREE_BYTES ? st : undefined;
        }, 30_000, 500);
        // This member leads when it defragments: it hands the leadership over first.
        const self = (await m.exec(program("etcdctl"), ["--endpoints=https://127.0.0.1:2379", "--cacert=/etc/etcd/pki/ca.crt",
            "--cert=/etc/etcd/pki/server.crt", "--key=/etc/etcd/pki/server.key", "endpoint", "status", "-w", "simple"])).stdout.split(",")[1].trim();
        const moved = await ctl("move-leader", self);
        assert.ok(moved.code === 0 || /already leader/.test(moved.stderr), moved.stderr);
        assert.equal((await status()).leader, (await status()).header.member_id, "member 0 leads before its defragmentation");
        assert.equal((await m.exec("systemctl", ["start", DEFRAG_SERVICE], 120_000)).code, 0, log());
        assert.match(log(), /defragmenting/);
        assert.match(log(), /this member leads; handing the leadership to [0-9a-f]{16} first/);
        const after = await status();
        assert.notEqual(after.leader, after.header.member_id, "another member leads after it");
        assert.ok(after.dbSize < before.dbSize / 2, `the file shrank from ${before.dbSize} to ${after.dbSize} bytes`);
        const other = JSON.parse((await etcdctl(m, "endpoint", "status", "-w", "json")).stdout) as any[];
        assert.ok(other.filter((x) => x.Status.dbSize > after.dbSize * 2).length >= 1, "the other members were not defragmented by this member's timer");
    });

    it("under a NOSPACE alarm defragments regardless and exits 3; the documented procedure (delete, compact, defragment, disarm) brings writes back", async () => {
        const m = machines[1];
        const script = etcdDefragFiles(ctx, members[1]).find((f) => f.path.endsWith("etcd-defrag.sh"))!;
        m.write(script.path, script.content, 0o755);
        // A member of its own with a 4 MiB quota on loopback, with this member's certificates.
        m.write("/etc/systemd/system/lab-etcd-quota.service", `[Service]\nExecStart=${program("etcd")} --name quota --data-dir /var/lib/etcd-quota ` +
            "--listen-client-urls https://127.0.0.1:32379 --advertise-client-urls https://127.0.0.1:32379 --listen-peer-urls http://127.0.0.1:32380 " +
            "--initial-advertise-peer-urls http://127.0.0.1:32380 --initial-cluster quota=http://127.0.0.1:32380 --quota-backend-bytes=4194304 " +
            "--cert-file /etc/etcd/pki/server.crt --key-file /etc/etcd/pki/server.key --trusted-ca-file /etc/etcd/pki/ca.crt --client-cert-auth\n");
        assert.equal((await m.exec("systemctl", ["start", "lab-etcd-quota.service"])).code, 0);
        const q = (...a: string[]) => m.exec(program("etcdctl"), ["--endpoints=https://127.0.0.1:32379", "--cacert=/etc/etcd/pki/ca.crt",
            "--cert=/etc/etcd/pki/server.crt", "--key=/etc/etcd/pki/server.key", "--dial-timeout=2s", "--command-timeout=5s", ...a], 20_000);
        try {
            await waitFor("the small member", async () => (await q("endpoint", "health")).code === 0, 30_000, 250);
            const fill = await m.sh(`v=$(head -c 500000 /dev/zero | tr '\\0' x); for i in $(seq 1 40); do echo "$v" | ${program("etcdctl")} --endpoints=https://127.0.0.1:32379 ` +
                "--cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/server.crt --key=/etc/etcd/pki/server.key put big-$i >/dev/null 2>&1 || { echo \"full at $i\"; exit 0; }; done; exit 1", 120_000);
            assert.match(fill.stdout, /full at \d+/, "the quota is reached");
            assert.match((await q("alarm", "list")).stdout, /alarm:NOSPACE/);
            assert.equal((await q("del", "big-", "--prefix")).code, 0, "deletes are taken under NOSPACE");
            const rev = JSON.parse((await q("endpoint", "status", "-w", "json")).stdout)[0].Status.header.revision;
            assert.equal((await q("compaction", String(rev), "--physical")).code, 0);
            const run = await m.exec("bash", [script.path, "https://127.0.0.1:32379", "/etc/etcd/pki/ca.crt", "/etc/etcd/pki/server.crt", "/etc/etcd/pki/server.key", String(DEFRAG_MIN_FREE_BYTES)], 120_000);
            assert.equal(run.code, 3, `${run.stdout}${run.stderr}`);
            assert.match(run.stderr, /the cluster has a NOSPACE alarm/);
            assert.match(run.stdout, /defragmenting/, "regardless of the 64 MiB threshold");
            assert.match(run.stderr, /NOSPACE alarm still raised: defragment every member, then disarm it by hand/);
            assert.notEqual((await q("put", "after", "1")).code, 0, "still read-only before the disarm");
            assert.equal((await q("alarm", "disarm")).code, 0);
            assert.equal((await q("put", "after", "1")).code, 0, "writes are back");
        } finally {
            await m.exec("systemctl", ["stop", "lab-etcd-quota.service"]);
        }
    });

    it("rejoins a member whose data is gone as a replacement (etcd alone refuses it: already bootstrapped)", async () => {
        const m = machines[2];
        assert.equal((await m.exec("systemctl", ["stop", "kubelet"])).code, 0);
        assert.equal((await m.sh(`rm -rf ${ETCD_DATA_DIR}/member`)).code, 0);
        const before = (await etcdctl(machines[0], "member", "list", "-w", "json")).stdout;
        // What a fixed --initial-cluster-state=new does with an empty member: etcd refuses to start.
        assert.equal((await m.exec("systemctl", ["start", "kubelet"])).code, 0);
        await waitFor("etcd to refuse the bootstrapped member", async () => /has already been bootstrapped/.test(readFileSync(m.unitLog("kubelet"), "utf8")), 30_000, 250)
            .catch((e) => assert.fail(`${(e as Error).message}\n${unitLogs(m)}`));
        assert.equal((await m.exec("systemctl", ["stop", "kubelet"])).code, 0);

        const r = await start(2);
        assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
        assert.match(r.stdout, /replacing member [0-9a-f]+ at https:\/\/172\.16\.10\.23:2380/);
        assert.match(r.stdout, /initial cluster state existing/);
        const health = await waitFor("every member healthy", async () => (await etcdctl(machines[0], "endpoint", "health")).code === 0, 30_000, 500);
        assert.ok(health.ms >= 0);
        const after = JSON.parse((await etcdctl(machines[0], "member", "list", "-w", "json")).stdout).members as any[];
        assert.equal(after.length, 3, "still three members");
        assert.ok(after.every((x) => x.name && x.clientURLs?.length), "all started");
        const ids = (json: string) => (JSON.parse(json).members as any[]).map((x) => x.ID);
        assert.notDeepEqual(ids(before).sort(), after.map((x) => x.ID).sort(), "the replacement is a new member");
        const put = await etcdctl(machines[2], "put", "replaced", "yes");
        assert.equal(put.code, 0, put.stderr);
    });
});
