import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { renewalDay } from "../../components/render/cert-renewal";
import { SCRIPTS } from "../../components/render/scripts";
import { validateCluster } from "../../components/plan/validate";
import { prodConfig, TODAY } from "../helpers/fixtures";
import { renderStack } from "../helpers/rendered";
import { missingPrograms, skipUnless } from "../helpers/skip";

const file = (files: readonly { path: string; content: string }[], p: string) => files.find((f) => f.path === p)?.content;

describe("certificates: validity settings and the masters' monthly renewal timer", () => {
    it("gives each master its own day of the month (up to 9 masters), every day present in every month", () => {
        const days = Array.from({ length: 9 }, (_, i) => renewalDay(i));
        assert.deepEqual(days, [1, 7, 13, 19, 25, 3, 9, 15, 21]);
        assert.equal(new Set(days).size, 9);
    });

    it("renders the timer, the service and the script on masters only; the service names the other masters", () => {
        const prod = renderStack("prod");
        const masters = prod.bundles.filter((b) => b.node.role === "master");
        for (const b of prod.bundles) {
            const timer = file(b.files, "/etc/systemd/system/kubeadm-ha-renew-certs.timer");
            assert.equal(timer !== undefined, b.node.role === "master", b.node.name);
        }
        for (const m of masters) {
            const timer = file(m.files, "/etc/systemd/system/kubeadm-ha-renew-certs.timer")!;
            assert.match(timer, new RegExp(`^OnCalendar=\\*-\\*-${String(renewalDay(m.node.ordinal)).padStart(2, "0")} 03:00:00$`, "m"));
            assert.match(timer, /^Persistent=true$/m);
            const service = file(m.files, "/etc/systemd/system/kubeadm-ha-renew-certs.service")!;
            const others = masters.filter((o) => o !== m).map((o) => o.node.privateIp);
            assert.match(service, new RegExp(`^ExecStart=/bin/bash /usr/local/lib/kubeadm-ha/renew-certs.sh 6443 ${others.join(" ").replace(/\./g, "\\.")}$`, "m"));
            assert.match(m.userData, /- --now\n\s+- kubeadm-ha-renew-certs\.timer\n/);
        }
        const off = renderStack("prod", (c) => { c.certificates = { renewalTimer: false }; });
        assert.ok(off.bundles.every((b) => !b.files.some((f) => f.path.includes("renew-certs"))), "renewalTimer: false renders none");
    });

    it("puts the configured validity into kubeadm's ClusterConfiguration", () => {
        const r = renderStack("prod", (c) => { c.certificates = { leafValidityHours: 4380, caValidityHours: 43800 }; });
        const init = r.bundles.find((b) => b.node.name === "prod-master-0")!.files.find((f) => f.path.endsWith("init.yaml"))!;
        const cluster = parseAllDocuments(init.content).map((d) => d.toJS()).find((d) => d.kind === "ClusterConfiguration");
        assert.deepEqual([cluster.certificateValidityPeriod, cluster.caCertificateValidityPeriod], ["4380h0m0s", "43800h0m0s"]);
    });

    it("refuses a leaf that outlives its CA, an early renewal over half the validity, and out-of-range hours, naming the field", () => {
        const bad = (certificates: unknown) => () => validateCluster({ ...prodConfig(), certificates }, { today: TODAY });
        assert.throws(bad({ leafValidityHours: 20000, caValidityHours: 10000 }), /certificates\.leafValidityHours: got 20000; is not shorter than certificates\.caValidityHours/);
        assert.throws(bad({ leafValidityHours: 2000, earlyRenewalHours: 1500 }), /certificates\.earlyRenewalHours: got 1500; is more than half of certificates\.leafValidityHours \(2000\)/);
        assert.throws(bad({ leafValidityHours: 240 }), /certificates\.leafValidityHours: got 240; must be at least 1080/);
        assert.deepEqual(validateCluster(prodConfig(), { today: TODAY }).spec.certificates,
            { caValidityHours: 87600, leafValidityHours: 8760, earlyRenewalHours: 720, renewalTimer: true });
    });
});

/**
 * renew-certs.sh for real, in a private mount namespace whose /etc is a scratch tmpfs (the host's
 * /etc/kubernetes is never touched), with kubeadm, crictl and curl replaced by recording stubs.
 */
describe("renew-certs.sh, run with stub kubeadm/crictl/curl", function () {
    let dir: string;
    before(function () {
        skipUnless(this, process.getuid?.() !== 0 ? "needs root (a private mount namespace)" : missingPrograms("unshare", "bash"));
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-renew-"));
        writeFileSync(path.join(dir, "renew-certs.sh"), SCRIPTS.renewCerts.content);
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    /** Runs the script; `peerReady` / `crictlFails` drive the stubs. Returns exit code, calls and the manifests left. */
    function runScript(o: { peerReady: boolean; killedWhileParked?: boolean; stacked?: boolean }) {
        const run = mkdtempSync(path.join(dir, "run-"));
        const bin = path.join(run, "bin");
        mkdirSync(bin);
        const stub = (name: string, body: string) => { writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${run}/calls\n${body}\n`); chmodSync(path.join(bin, name), 0o755); };
        stub("kubeadm", "exit 0");
        // A stop (systemd's timeout sends SIGTERM) while the pods are parked.
        stub("crictl", o.killedWhileParked ? `pkill -TERM -f "^bash ${dir}/renew-certs.sh"; sleep 1` : "exit 0");
        stub("curl", `case "$*" in *127.0.0.1*) exit 0;; *) exit ${o.peerReady ? 0 : 7};; esac`);
        const pods = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", ...(o.stacked ? ["etcd"] : [])];
        const setup = pods.map((p) => `echo ${p} > /etc/kubernetes/manifests/${p}.yaml`).join("; ");
        const r = spawnSync("unshare", ["--mount", "--propagation", "private", "bash", "-c",
            `set -e; mount -t tmpfs none /etc; mkdir -p /etc/kubernetes/manifests; ${setup}; ` +
            `PATH=${bin}:$PATH bash ${dir}/renew-certs.sh 6443 10.0.0.2 10.0.0.3 && rc=0 || rc=$?; ls /etc/kubernetes/manifests > ${run}/left; exit $rc`],
        { encoding: "utf8", timeout: 30_000 });
        const calls = existsSync(path.join(run, "calls")) ? readFileSync(path.join(run, "calls"), "utf8").trim().split("\n") : [];
        return { code: r.status, err: r.stderr, calls, left: readFileSync(path.join(run, "left"), "utf8").trim().split("\n"), pods };
    }

    it("renews and restarts every static pod (etcd too when stacked) when every other master is ready", () => {
        const r = runScript({ peerReady: true, stacked: true });
        assert.equal(r.code, 0, r.err);
        assert.ok(r.calls.includes("kubeadm certs renew all"), r.calls.join("\n"));
        assert.ok(r.calls.some((c) => c.startsWith("crictl --runtime-endpoint unix:///var/run/containerd/containerd.sock ps -q --name kube-apiserver")));
        assert.deepEqual(r.left, r.pods.map((p) => `${p}.yaml`).sort(), "every manifest is back");
    });

    it("does nothing while another master is not ready (exit 75, so only one master restarts at a time)", () => {
        const r = runScript({ peerReady: false });
        assert.equal(r.code, 75);
        assert.match(r.err, /the apiserver on 10\.0\.0\.2 is not ready/);
        assert.ok(!r.calls.some((c) => c.startsWith("kubeadm")), "kubeadm not called");
        assert.deepEqual(r.left, r.pods.map((p) => `${p}.yaml`).sort());
    });

    it("puts every manifest back when it is stopped (SIGTERM) while the pods are parked", () => {
        const r = runScript({ peerReady: true, killedWhileParked: true });
        assert.equal(r.code, 143, r.err);
        assert.ok(r.calls.includes("kubeadm certs renew all"));
        assert.deepEqual(r.left, r.pods.map((p) => `${p}.yaml`).sort(), "the control plane is not left stopped");
        assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith("tmp")), []);
    });
});
