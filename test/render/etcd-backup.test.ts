// etcd backups: the settings, the files each member gets (and where they travel), the timer's
// schedule as systemd computes it, the rclone configuration against the installed rclone's own
// option list, and etcd-backup.sh / etcd-restore.sh run for real against a real TLS etcd member
// (built by npm run bins) in a test host, through both of the backup's branches (etcdctl on the host, and
// `crictl exec` into the etcd container, with a stand-in crictl that runs the real etcdctl).

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BACKUP_INTERVALS } from "../../components/plan/checks-topology";
import { validateCluster } from "../../components/plan/validate";
import { cloudConfigDocument } from "../../components/render/cloud-init";
import { renderContext } from "../../components/render/context";
import {
    BACKUP_ENV, BACKUP_KEY, BACKUP_RECIPIENT, BACKUP_REMOTE, BACKUP_REPLICA_REMOTE, backupCalendar, BackupSecrets, BackupStorage, etcdBackupArgs, etcdBackupSshFiles, etcdRestoreArgs, RCLONE_CONFIG, rcloneConfig,
} from "../../components/render/etcd-backup";
import type { NodeFile } from "../../components/render/node-file";
import { BACKUP_SCRIPTS, OPEN_CONFIG_ARCHIVE } from "../../components/render/scripts-backup";
import { Host, Lab, labUnavailable, waitFor } from "../../lab/lab";
import { KeyPair, makeCa, makeCert } from "../../lab/pki";
import { prodConfig, TODAY } from "../helpers/fixtures";
import { labHooks } from "../helpers/lab-hooks";
import { renderStack } from "../helpers/rendered";
import { missingPrograms, skipUnless } from "../helpers/skip";
import { program } from "../../lab/bins/locate";

const SERVICE = "/etc/systemd/system/kubeadm-ha-etcd-backup.service";
const TIMER = "/etc/systemd/system/kubeadm-ha-etcd-backup.timer";
const ARCHIVE_SERVICE = "/etc/systemd/system/kubeadm-ha-config-archive.service";
const ARCHIVE_TIMER = "/etc/systemd/system/kubeadm-ha-config-archive.timer";
const SCRIPT_PATHS = ["etcd-backup.sh", "config-archive.sh", "etcd-restore.sh", "with-cvm-role.sh", "enable-etcd-backups.sh"].map((s) => `/usr/local/lib/kubeadm-ha/${s}`);
const KEY = "k".repeat(40);
const file = (files: readonly NodeFile[], p: string) => files.find((f) => f.path === p);

describe("etcd backups: settings", () => {
    const bad = (backup: unknown) => () => validateCluster({ ...prodConfig(), backup }, { today: TODAY });

    it("defaults to a snapshot every 30 minutes, 48 hours of every snapshot, 30 days of dailies, and a bucket kept on destroy", () => {
        assert.deepEqual(validateCluster(prodConfig(), { today: TODAY }).spec.backup, { enabled: true, intervalMinutes: 30, keepAllHours: 48, keepDailyDays: 30, keepBucketOnDestroy: true });
        assert.equal(validateCluster({ ...prodConfig(), backup: { enabled: "false", intervalMinutes: "120" } }, { today: TODAY }).spec.backup.intervalMinutes, 120);
    });

    it("refuses an interval that is no step of the hour or of the day, naming the field, the value and the nearest allowed one", () => {
        assert.throws(bad({ intervalMinutes: 45 }), /backup\.intervalMinutes: got 45; is not a step of the hour or of the day.*allowed: 5, 6, 10, 12, 15, 20, 30, 60, 120.*Fix: use 30, the nearest allowed interval/);
        assert.throws(bad({ intervalMinutes: 100 }), /backup\.intervalMinutes: got 100;.*Fix: use 120/);
        assert.throws(bad({ intervalMinutes: 3 }), /backup\.intervalMinutes: got 3; must be at least 5 \(minutes between etcd snapshots\)/);
        assert.throws(bad({ intervalMinutes: 2880 }), /backup\.intervalMinutes: got 2880; must be at most 1440/);
    });

    it("refuses retention the bucket's lifecycle rules cannot express, and unknown keys", () => {
        assert.throws(bad({ keepAllHours: 36 }), /backup\.keepAllHours: got 36; is not a whole number of days.*Fix: use 48 \(2 days\)/);
        assert.throws(bad({ keepAllHours: 12 }), /backup\.keepAllHours: got 12; must be at least 24/);
        assert.throws(bad({ keepDailyDays: 0 }), /backup\.keepDailyDays: got 0; must be at least 1/);
        assert.throws(bad({ intervalMinute: 30 }), /backup\.intervalMinute: is not a known setting.*did you mean 'intervalMinutes'/);
    });
});

describe("etcd backups: rendered files per role and topology", () => {
    const COS: BackupStorage = { kind: "cos", region: "ap-guangzhou", role: "prod-etcd-backup-ap-guangzhou" };
    const secrets = (storage: BackupStorage = COS): BackupSecrets => ({ storage, bucket: "prod-etcd-backup-1250000000", archiveKey: KEY });
    const sshFiles = (r: ReturnType<typeof renderStack>, node: string, s = secrets()) => {
        const ctx = renderContext(r.spec, r.plan);
        return etcdBackupSshFiles(ctx, r.plan.nodes.find((n) => n.name === node)!, s);
    };

    it("external etcd: every etcd machine gets rclone in user-data and its backup over SSH; every master its key archive over SSH; nobody else anything", () => {
        const r = renderStack("prod");
        for (const b of r.bundles) {
            const member = b.node.role === "etcd";
            assert.equal(/^ {2}- rclone$/m.test(b.userData), member, `${b.node.name}: the rclone package (masters install it when the archive is enabled)`);
            assert.ok(!/etcd-backup|etcd-restore|config-archive/.test(b.userData), `${b.node.name}: no backup unit or script in user-data (it has no room, and members ignore user-data changes)`);
            assert.equal(file(sshFiles(r, b.node.name), TIMER) !== undefined, member, b.node.name);
            assert.equal(file(sshFiles(r, b.node.name), ARCHIVE_TIMER) !== undefined, b.node.role === "master", b.node.name);
            assert.equal(sshFiles(r, b.node.name).length > 0, member || b.node.role === "master", b.node.name);
            assert.ok(b.userDataBase64Bytes <= 16384);
        }
        const archive = sshFiles(r, "prod-master-1");
        assert.deepEqual(archive.map((f) => [f.path, f.permissions]), [[ARCHIVE_SERVICE, "0644"], [ARCHIVE_TIMER, "0644"],
            ...["config-archive.sh", "with-cvm-role.sh", "enable-etcd-backups.sh"].map((s) => [`/usr/local/lib/kubeadm-ha/${s}`, "0755"]), [RCLONE_CONFIG, "0600"], [BACKUP_KEY, "0600"], [BACKUP_ENV, "0600"]]);
        assert.match(file(archive, ARCHIVE_SERVICE)!.content, new RegExp("^ExecStart=/bin/bash /usr/local/lib/kubeadm-ha/with-cvm-role\\.sh http://metadata\\.tencentyun\\.com/latest/meta-data prod-etcd-backup-ap-guangzhou " +
            "/bin/bash /usr/local/lib/kubeadm-ha/config-archive\\.sh /etc/kubeadm-ha/rclone\\.conf kubeadm-ha-backup \\$\\{BACKUP_BUCKET\\} prod prod-master-1 /var/lib/kubeadm-ha/archive-tmp /etc/kubeadm-ha/etcd-backup\\.key " +
            "/etc/kubernetes/pki /etc/kubernetes/kubeadm /etc/kubernetes/encryption$", "m"), "the CA keys, the service-account key and the encryption key: what a restore without the Pulumi state needs");
        assert.match(file(archive, ARCHIVE_TIMER)!.content, /^OnCalendar=\*-\*-\* 03:00:00$/m);
        assert.match(file(archive, ARCHIVE_TIMER)!.content, /^OnActiveSec=2min$/m, "a first archive right after the timer starts");
        const service = file(sshFiles(r, "prod-etcd-2"), SERVICE)!.content;
        assert.match(service, /^EnvironmentFile=-\/etc\/kubeadm-ha\/etcd-backup\.env$/m);
        assert.match(service, new RegExp("^ExecStart=/bin/bash /usr/local/lib/kubeadm-ha/with-cvm-role\\.sh http://metadata\\.tencentyun\\.com/latest/meta-data prod-etcd-backup-ap-guangzhou " +
            "/bin/bash /usr/local/lib/kubeadm-ha/etcd-backup\\.sh /etc/kubeadm-ha/rclone\\.conf kubeadm-ha-backup \\$\\{BACKUP_BUCKET\\} prod prod-etcd-2 https://127\\.0\\.0\\.1:2379 " +
            "/etc/etcd/pki/ca\\.crt /etc/etcd/pki/server\\.crt /etc/etcd/pki/server\\.key /var/lib/etcd/backup-tmp /etc/kubeadm-ha/etcd-backup\\.key - /etc/etcd/pki /etc/kubeadm-ha/etcd\\.yaml$", "m"));
        const local = file(sshFiles(r, "prod-etcd-2", secrets({ kind: "local" })), SERVICE)!.content;
        assert.match(local, /^ExecStart=\/bin\/bash \/usr\/local\/lib\/kubeadm-ha\/etcd-backup\.sh /m, "local storage needs no role");
    });

    it("stacked etcd: every master gets them, with kubeadm's etcd certificates, data directory and the control-plane config to archive", () => {
        const r = renderStack("prod-stacked-local");
        const ctx = renderContext(r.spec, r.plan);
        for (const b of r.bundles) {
            assert.equal(file(sshFiles(r, b.node.name), TIMER) !== undefined, b.node.role === "master", b.node.name);
        }
        const master = ctx.masters[1];
        assert.deepEqual(etcdBackupArgs(ctx, master).slice(6), ["/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/server.key",
            "/var/lib/etcd/kubeadm-ha-backup", BACKUP_KEY, "-", "/etc/kubernetes/pki", "/etc/kubernetes/kubeadm", "/etc/kubernetes/encryption"]);
        const restore = etcdRestoreArgs(ctx, master, "snap.db", "t1");
        assert.equal(restore[3], ctx.masters.map((m) => `${m.hostname}=https://${m.privateIp}:2380`).join(","), "every member in the initial cluster");
        assert.deepEqual([restore[2], restore[4], restore[5]], [master.hostname, `https://${master.privateIp}:2380`, "/var/lib/etcd"]);
    });

    it("backup.encryptToKey: every member gets the public key (not secret) and encrypts its snapshots to it; a value that is no armored key is refused", () => {
        const key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ0example\n-----END PGP PUBLIC KEY BLOCK-----\n";
        const r = renderStack("prod", (c) => { c.backup = { encryptToKey: key }; });
        const files = sshFiles(r, "prod-etcd-1");
        assert.deepEqual(file(files, BACKUP_RECIPIENT), { path: BACKUP_RECIPIENT, content: key, permissions: "0644", secret: false });
        assert.match(file(files, SERVICE)!.content, / \/etc\/kubeadm-ha\/etcd-backup\.key \/etc\/kubeadm-ha\/backup-recipient\.asc \/etc\/etcd\/pki /);
        assert.equal(file(sshFiles(r, "prod-master-1"), BACKUP_RECIPIENT), undefined, "the masters' key archive is not a snapshot");
        assert.equal(file(sshFiles(renderStack("prod"), "prod-etcd-1"), BACKUP_RECIPIENT), undefined, "none without the setting");
        assert.throws(() => validateCluster({ ...prodConfig(), backup: { encryptToKey: "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgp" } }, { today: TODAY }),
            /backup\.encryptToKey: .*must be an ASCII-armored OpenPGP public key.*Fix: paste the output of gpg --armor --export/s);
    });

    it("backup.enabled: false renders none of it", () => {
        const r = renderStack("prod-keepalived", (c) => { c.backup = { enabled: false }; });
        assert.ok(r.bundles.every((b) => sshFiles(r, b.node.name).length === 0 && !/^ {2}- rclone$/m.test(b.userData)));
    });

    it("fires the timer every intervalMinutes over a whole day, as systemd-analyze computes it, with Persistent and a delay of at most 60 s", function () {
        const r = renderStack("prod", (c) => { c.backup = { intervalMinutes: 15 }; });
        const timer = file(sshFiles(r, "prod-etcd-0"), TIMER)!.content;
        assert.match(timer, /^OnCalendar=\*-\*-\* \*:00\/15:00$/m);
        assert.match(timer, /^Persistent=true$/m);
        assert.match(timer, /^RandomizedDelaySec=60$/m);
        assert.throws(() => backupCalendar(45), /not a step/);
        skipUnless(this, missingPrograms("systemd-analyze"));
        for (const minutes of BACKUP_INTERVALS) {
            const run = spawnSync("systemd-analyze", ["calendar", `--iterations=${1440 / minutes + 1}`, backupCalendar(minutes)], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
            assert.equal(run.status, 0, run.stderr);
            const times = [...run.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+) UTC/g)].map((m) => Date.parse(`${m[1]}Z`));
            assert.equal(times.length, 1440 / minutes + 1, run.stdout);
            const gaps = new Set(times.slice(1).map((t, i) => (t - times[i]) / 60_000));
            assert.deepEqual([...gaps], [minutes], `${minutes}: ${backupCalendar(minutes)} fires with gaps ${[...gaps].join(", ")}`);
        }
    });

    it("marks every file that travels over SSH as secret, the configuration and the key mode 0600, and keeps them out of user-data", () => {
        const r = renderStack("prod");
        const ctx = renderContext(r.spec, r.plan);
        const member = ctx.etcdMembers[0];
        const files = etcdBackupSshFiles(ctx, member, secrets());
        assert.deepEqual(files.map((f) => [f.path, f.permissions]), [
            [SERVICE, "0644"], [TIMER, "0644"], ...SCRIPT_PATHS.map((p) => [p, "0755"]), [RCLONE_CONFIG, "0600"], [BACKUP_KEY, "0600"], [BACKUP_ENV, "0600"],
        ]);
        assert.deepEqual(files.filter((f) => !f.secret).map((f) => f.path), [SERVICE, TIMER], "only the units are public; they travel in the same bundle");
        assert.equal(file(files, BACKUP_ENV)!.content, "BACKUP_BUCKET=prod-etcd-backup-1250000000\n");
        assert.throws(() => cloudConfigDocument({ hostname: "x", sshAuthorizedKeys: [], packages: [], files, hosts: [], runcmd: [] }), /is secret and must not be put in user-data/);
        assert.ok(r.bundles.every((b) => !b.userData.includes(KEY)));
        assert.ok(!etcdBackupSshFiles(ctx, ctx.masters[0], secrets()).some((f) => f.path === SERVICE), "masters of an external-etcd cluster take no snapshots");
        assert.deepEqual(etcdBackupSshFiles(ctx, ctx.plan.nodes.find((n) => n.role === "worker")!, secrets()), [], "workers take part in no backup");
        assert.throws(() => etcdBackupSshFiles(ctx, member, { ...secrets(), archiveKey: "short" }), /at least 32 characters/);
        assert.throws(() => etcdBackupSshFiles(ctx, member, { ...secrets(), bucket: "a b" }), /bucket "a b"/);
        assert.throws(() => etcdBackupSshFiles(ctx, member, secrets({ ...COS, role: "no spaces" })), /CVM role "no spaces" is not a CAM role name/);
    });

    it("writes an rclone COS configuration without keys (env_auth) whose every option the installed rclone's S3 backend documents", function () {
        const text = rcloneConfig(COS);
        assert.equal(text, `[${BACKUP_REMOTE}]\ntype = s3\nprovider = TencentCOS\nenv_auth = true\nendpoint = cos.ap-guangzhou.myqcloud.com\nacl = private\nno_check_bucket = true\n`);
        assert.equal(rcloneConfig({ kind: "local" }), `[${BACKUP_REMOTE}]\ntype = local\n`);
        assert.throws(() => rcloneConfig({ ...COS, region: "ap-shanghai\nx" }), /endpoint must be one non-empty line/);
        skipUnless(this, missingPrograms("rclone"));
        const help = spawnSync("rclone", ["help", "backend", "s3"], { encoding: "utf8" }).stdout;
        for (const key of text.split("\n").slice(2).filter(Boolean).map((l) => l.split(" = ")[0])) {
            assert.match(help, new RegExp(`- Config: +${key}\\n`), `rclone's s3 backend has no option ${key}`);
        }
        assert.match(help, /- "TencentCOS"/);
        assert.match(help, /Endpoint for Tencent COS API[\s\S]*?"cos\.ap-guangzhou\.myqcloud\.com"/);
        // backup.replicaRegion: a second remote at the replica's regional endpoint, which rclone reads as one.
        const both = rcloneConfig({ ...COS, replicaRegion: "ap-shanghai" });
        assert.equal(both, `${text}\n[${BACKUP_REPLICA_REMOTE}]\ntype = s3\nprovider = TencentCOS\nenv_auth = true\nendpoint = cos.ap-shanghai.myqcloud.com\nacl = private\nno_check_bucket = true\n`);
        const confDir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-rclone-"));
        writeFileSync(path.join(confDir, "rclone.conf"), both);
        const listed = spawnSync("rclone", ["--config", path.join(confDir, "rclone.conf"), "listremotes"], { encoding: "utf8" });
        rmSync(confDir, { recursive: true, force: true });
        assert.deepEqual(listed.stdout.trim().split("\n"), [`${BACKUP_REMOTE}:`, `${BACKUP_REPLICA_REMOTE}:`]);
        assert.throws(() => validateCluster({ ...prodConfig(), backup: { replicaRegion: prodConfig().region } }, { today: TODAY }),
            /backup\.replicaRegion: got "ap-guangzhou"; is the cluster's own region.*Fix: name another region/s);
    });
});

/**
 * The scripts for real: one TLS etcd member (the leader of its one-member cluster) in a test
 * host, with `local` rclone storage in the run's directory.
 */
describe("etcd-backup.sh and etcd-restore.sh against a real etcd member", function () {
    this.timeout(120_000);
    let lab: Lab | undefined;
    let host: Host;
    let dir: string;
    let ca: KeyPair;
    let server: KeyPair;
    let conf: string;
    let keyFile: string;
    const bucket = () => path.join(dir, "bucket");
    const IP = "10.251.0.10";
    const etcdFlags = (data: string) => ["--name=m0", `--data-dir=${data}`, `--listen-client-urls=https://${IP}:2379,https://127.0.0.1:2379`, `--advertise-client-urls=https://${IP}:2379`,
        `--listen-peer-urls=https://${IP}:2380`, `--initial-advertise-peer-urls=https://${IP}:2380`, `--initial-cluster=m0=https://${IP}:2380`, "--listen-metrics-urls=http://127.0.0.1:2381",
        `--cert-file=${server.cert}`, `--key-file=${server.key}`, `--trusted-ca-file=${ca.cert}`, "--client-cert-auth=true",
        `--peer-cert-file=${server.cert}`, `--peer-key-file=${server.key}`, `--peer-trusted-ca-file=${ca.cert}`, "--peer-client-cert-auth=true", "--logger=zap", "--log-outputs=stderr"];
    const ctl = (...args: string[]) => host.exec("etcdctl", ["--endpoints=https://127.0.0.1:2379", `--cacert=${ca.cert}`, `--cert=${server.cert}`, `--key=${server.key}`, "--dial-timeout=2s", ...args], 20_000);
    let etcd: ReturnType<Host["spawn"]>;
    const startEtcd = async (data: string) => {
        etcd = host.spawn("etcd", "etcd", etcdFlags(data));
        await waitFor("etcd healthy", async () => (await ctl("endpoint", "health")).code === 0, 20_000, 100);
    };
    const backup = (env: Record<string, string> = {}, bin?: string, recipient = "-") => {
        const args = [path.join(dir, "etcd-backup.sh"), conf, BACKUP_REMOTE, bucket(), "lab", "m0", "https://127.0.0.1:2379", ca.cert, server.cert, server.key,
            path.join(dir, "data/backup-tmp"), keyFile, recipient, path.join(dir, "pki"), path.join(dir, "missing.yaml")];
        return host.exec("env", [...(bin ? [`PATH=${bin}`] : []), ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "bash", ...args], 60_000);
    };
    const listing = (sub: string) => (existsSync(path.join(bucket(), sub, "lab")) ? readdirSync(path.join(bucket(), sub, "lab")).sort() : []);

    before(async function () {
        skipUnless(this, labUnavailable(["etcd", "etcdctl", "openssl", "rclone", "tar"]));
        lab = Lab.create("10.251.0.0/24");
        dir = lab.dir;
        host = lab.addHost("m0", IP);
        ca = makeCa(path.join(dir, "pki"), "ca");
        server = makeCert(path.join(dir, "pki"), ca, "server", { cn: "m0", ips: [IP, "127.0.0.1"], dns: ["localhost"], server: true, client: true });
        writeFileSync(path.join(dir, "etcd-backup.sh"), BACKUP_SCRIPTS.etcdBackup.content);
        writeFileSync(path.join(dir, "etcd-restore.sh"), BACKUP_SCRIPTS.etcdRestore.content);
        writeFileSync(path.join(dir, "config-archive.sh"), BACKUP_SCRIPTS.configArchive.content);
        conf = path.join(dir, "rclone.conf");
        writeFileSync(conf, rcloneConfig({ kind: "local" }), { mode: 0o600 });
        keyFile = path.join(dir, "archive.key");
        writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
        mkdirSync(path.join(dir, "data"), { mode: 0o700 });
        await startEtcd(path.join(dir, "data/member-data"));
        for (let i = 0; i < 20; i++) {
            assert.equal((await ctl("put", `k${i}`, `v${i}`)).code, 0);
        }
    });
    labHooks(() => lab);

    it("the leader uploads a verified snapshot, the day's first one as the daily, and an encrypted config archive; scratch files are removed", async () => {
        const r = await backup();
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /uploaded snapshots\/lab\/\d{8}T\d{6}Z-m0\.db \(revision \d+, \d+ keys\)/);
        assert.match(r.stdout, /uploaded daily\/lab\/\d{4}-\d{2}-\d{2}\.db/);
        assert.match(r.stderr, /missing\.yaml does not exist; not archived/);
        assert.equal(listing("snapshots").length, 1);
        assert.equal(listing("daily").length, 1);
        assert.equal(listing("config").length, 1);
        assert.ok(!existsSync(path.join(dir, "data/backup-tmp")), "the scratch directory is removed");
        const snap = path.join(bucket(), "snapshots/lab", listing("snapshots")[0]);
        const status = JSON.parse((await host.exec("etcdutl", ["snapshot", "status", snap, "-w", "json"])).stdout);
        assert.ok(status.totalKey >= 20, `the uploaded snapshot holds ${status.totalKey} keys`);
        const archive = path.join(bucket(), "config/lab", listing("config")[0]);
        assert.match(archive, /\.tar\.gpg$/);
        const open = (key: string, file = archive) => spawnSync("bash", ["-c", `set -o pipefail; ${OPEN_CONFIG_ARCHIVE} | tar -tzf -`, "-", key, file], { encoding: "utf8" });
        assert.match(open(keyFile).stdout, /pki\/server\.key/);
        const wrong = path.join(dir, "wrong.key");
        writeFileSync(wrong, "w".repeat(40));
        assert.notEqual(open(wrong).status, 0, "another key does not open the archive");
        assert.ok(!readFileSync(archive).includes("PRIVATE KEY"), "the archive is not plain text");
        // Authenticated: one changed byte in the ciphertext and the archive no longer opens (aes-256-cbc without a MAC would decrypt it).
        const bytes = readFileSync(archive);
        bytes[bytes.length - 40] ^= 0x01;
        const tampered = path.join(dir, "tampered.tar.gpg");
        writeFileSync(tampered, bytes);
        const t = open(keyFile, tampered);
        assert.notEqual(t.status, 0, "a tampered archive is refused");
        assert.match(t.stderr, /manipulated|integrity|MDC|decryption failed|invalid packet|bad/i);
    });

    it("a second run the same day uploads another snapshot but leaves the daily alone", async () => {
        await new Promise((r) => setTimeout(r, 1100));
        const r = await backup();
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stdout, /uploaded daily/);
        assert.equal(listing("snapshots").length, 2);
        assert.equal(listing("daily").length, 1);
    });

    it("without etcdctl on the host, runs etcdctl inside the etcd container through crictl (a stand-in crictl running the real etcdctl)", async () => {
        // A PATH with every program of this machine but etcdctl/etcdutl, plus a crictl that
        // answers `ps` with one container id and runs `exec <id> <command...>` here.
        const bin = path.join(dir, "bin");
        mkdirSync(bin);
        for (const d of ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
            for (const name of readdirSync(d)) {
                if (!["etcdctl", "etcdutl", "crictl"].includes(name) && !existsSync(path.join(bin, name))) {
                    symlinkSync(path.join(d, name), path.join(bin, name));
                }
            }
        }
        await new Promise((r) => setTimeout(r, 1100)); // a new second, so a new snapshot name
        const calls = path.join(dir, "crictl.calls");
        writeFileSync(path.join(bin, "crictl"), `#!/bin/bash\necho "$*" >> ${calls}\nshift 2\ncase "$1" in\n  ps) echo c0ffee ;;\n` +
            `  exec) shift 2; case "$1" in etcdctl) shift; exec ${program("etcdctl")} "$@" ;; etcdutl) shift; exec ${program("etcdutl")} "$@" ;; esac; exit 127 ;;\nesac\n`);
        chmodSync(path.join(bin, "crictl"), 0o755);
        const r = await backup({}, bin);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /uploaded snapshots\//);
        const log = readFileSync(calls, "utf8");
        assert.match(log, /^--runtime-endpoint unix:\/\/\/var\/run\/containerd\/containerd\.sock ps -q --name \^etcd\$$/m);
        assert.match(log, /exec c0ffee etcdctl --endpoints=https:\/\/127\.0\.0\.1:2379 .* snapshot save .*\/data\/backup-tmp\/run\.\w+\/snapshot\.db$/m);
        assert.match(log, /exec c0ffee etcdutl snapshot status .*snapshot\.db -w json$/m, "it verifies the snapshot with the container's etcdutl");
        assert.equal(listing("snapshots").length, 3);
    });

    it("encrypts the snapshot to the offline public key (backup.encryptToKey): the node cannot read it back, the private key can", async () => {
        // An offline key pair, as an operator makes it on a machine the cluster never sees.
        const offline = path.join(dir, "offline-gnupg");
        mkdirSync(offline, { mode: 0o700 });
        const gpg = (...args: string[]) => spawnSync("gpg", ["--homedir", offline, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", ...args], { encoding: "utf8" });
        assert.equal(gpg("--quick-gen-key", "etcd backups <backups@example.com>", "ed25519", "cert,sign", "never").status, 0);
        const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(gpg("--with-colons", "--list-keys").stdout)![1];
        assert.equal(gpg("--quick-add-key", fpr, "cv25519", "encr", "never").status, 0);
        const recipient = path.join(dir, "backup-recipient.asc");
        writeFileSync(recipient, gpg("--armor", "--export", fpr).stdout);
        await new Promise((r) => setTimeout(r, 1100)); // a new second, so a new snapshot name
        const before = new Set(listing("snapshots"));
        const r = await backup({}, undefined, recipient);
        assert.equal(r.code, 0, r.stderr);
        const added = listing("snapshots").filter((f) => !before.has(f));
        assert.equal(added.length, 1);
        assert.match(added[0], /^\d{8}T\d{6}Z-m0\.db\.gpg$/);
        const file = path.join(bucket(), "snapshots/lab", added[0]);
        assert.notEqual((await host.exec("etcdutl", ["snapshot", "status", file, "-w", "json"])).code, 0, "not a snapshot etcd can read as it is");
        // The node's side holds no secret key: decrypting without the offline keyring fails.
        const elsewhere = path.join(dir, "node-gnupg");
        mkdirSync(elsewhere, { mode: 0o700 });
        assert.notEqual(spawnSync("gpg", ["--homedir", elsewhere, "--batch", "--decrypt", file], { encoding: "utf8" }).status, 0);
        const plain = path.join(dir, "decrypted.db");
        assert.equal(gpg("--output", plain, "--decrypt", file).status, 0);
        const status = JSON.parse((await host.exec("etcdutl", ["snapshot", "status", plain, "-w", "json"])).stdout);
        assert.ok(status.totalKey >= 20, `the decrypted snapshot holds ${status.totalKey} keys`);
        // The restore refuses the encrypted file and says how to decrypt it.
        writeFileSync(path.join(dir, "etcd-restore.sh"), BACKUP_SCRIPTS.etcdRestore.content);
        const refused = await host.exec("bash", [path.join(dir, "etcd-restore.sh"), file, "t", "m0", `m0=https://${IP}:2380`, `https://${IP}:2380`, path.join(dir, "never")]);
        assert.equal(refused.code, 65);
        assert.match(refused.stderr, /encrypted to the backups' offline key: decrypt it where that key is/);
        const missing = await backup({}, undefined, path.join(dir, "no-such.asc"));
        assert.equal(missing.code, 78);
        assert.match(missing.stderr, /the recipient key .*no-such\.asc is missing/);
    });

    it("says what is missing (exit 78) when the credentials or the bucket were not installed", async () => {
        const saved = readFileSync(conf);
        writeFileSync(conf, "");
        const r = await backup();
        writeFileSync(conf, saved);
        assert.equal(r.code, 78);
        assert.match(r.stderr, /rclone\.conf is missing: the backup files were not installed on this node/);
        const noBucket = await host.exec("bash", [path.join(dir, "etcd-backup.sh"), conf, BACKUP_REMOTE, "", "lab", "m0", "https://127.0.0.1:2379", ca.cert, server.cert, server.key, path.join(dir, "s"), keyFile, "-", dir]);
        assert.equal(noBucket.code, 78);
        assert.match(noBucket.stderr, /no bucket given/);
    });

    it("restore: refuses while etcd runs, refuses a damaged snapshot, then restores from the remote snapshot and keeps the old data", async () => {
        const snapshot = `${BACKUP_REMOTE}:${bucket()}/snapshots/lab/${listing("snapshots")[0]}`;
        const data = path.join(dir, "data/member-data");
        const restore = (snap: string) => host.exec("bash", [path.join(dir, "etcd-restore.sh"), snap, "lab-restored-1", "m0", `m0=https://${IP}:2380`, `https://${IP}:2380`, data, conf], 60_000);
        const running = await restore(snapshot);
        assert.equal(running.code, 1);
        assert.match(running.stderr, /etcd still answers on this host/);
        assert.equal((await ctl("put", "after-backup", "x")).code, 0);
        await etcd.stop("SIGTERM");
        const damaged = path.join(dir, "damaged.db");
        copyFileSync(path.join(bucket(), "snapshots/lab", listing("snapshots")[0]), damaged);
        writeFileSync(damaged, Buffer.alloc(4096), { flag: "r+" });
        const bad = await restore(damaged);
        assert.notEqual(bad.code, 0, "a damaged snapshot is refused");
        assert.ok(existsSync(path.join(data, "member")), "and the data directory is left in place");
        const r = await restore(snapshot);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /moved the old data dir to .*member-data\.before-restore\.\d{8}T\d{6}Z \(not deleted\)/);
        assert.match(r.stdout, /m0 restored from .* with token lab-restored-1; start the member now/);
        await startEtcd(data);
        assert.equal((await ctl("get", "k19", "--print-value-only")).stdout.trim(), "v19");
        assert.equal((await ctl("get", "after-backup", "--print-value-only")).stdout.trim(), "", "a write after the snapshot is not in it");
        assert.ok(readdirSync(path.join(dir, "data")).some((n) => n.startsWith("member-data.before-restore.")));
        const help = await host.exec("bash", [path.join(dir, "etcd-restore.sh"), "-h"]);
        assert.equal(help.code, 64);
        assert.match(help.stderr, /SAME snapshot with the SAME new token/);
    });

    it("restore from the replica (backup.replicaRegion) through the rendered config's replica remote, the bucket itself gone", async () => {
        // Stand-in for COS's cross-region replication: a copy of the bucket's objects at the replica's place.
        const replica = path.join(dir, "replica-bucket");
        cpSync(bucket(), replica, { recursive: true });
        rmSync(bucket(), { recursive: true, force: true });
        const conf2 = path.join(dir, "rclone-replica.conf");
        writeFileSync(conf2, rcloneConfig({ kind: "local", replica: true }), { mode: 0o600 });
        const data = path.join(dir, "data/member-data");
        assert.equal((await ctl("put", "after-restore-1", "y")).code, 0);
        await etcd.stop("SIGTERM");
        const name = readdirSync(path.join(replica, "snapshots/lab")).filter((f) => f.endsWith(".db")).sort()[0];
        const r = await host.exec("bash", [path.join(dir, "etcd-restore.sh"), `${BACKUP_REPLICA_REMOTE}:${replica}/snapshots/lab/${name}`, "lab-restored-2", "m0",
            `m0=https://${IP}:2380`, `https://${IP}:2380`, data, conf2], 60_000);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /m0 restored from kubeadm-ha-backup-replica:.* with token lab-restored-2/);
        await startEtcd(data);
        assert.equal((await ctl("get", "k19", "--print-value-only")).stdout.trim(), "v19");
        assert.equal((await ctl("get", "after-restore-1", "--print-value-only")).stdout.trim(), "", "the replica's snapshot, not the data before it");
    });
});
