import { strict as assert } from "node:assert";
import type { ClusterPlan } from "../../components/plan/plan";
import { ValidationError } from "../../components/plan/errors";
import { renderContext } from "../../components/render/context";
import { haproxyConfig } from "../../components/render/haproxy";
import { clusterConfiguration } from "../../components/render/kubeadm";
import { braces } from "../../components/render/text";
import { renderStack } from "../helpers/rendered";

function renderError(fn: () => unknown): ValidationError {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof ValidationError, String(err));
        return err;
    }
    assert.fail("rendered without complaint");
}

describe("bad rendering input is a clear error, not a broken file", () => {
    const ka = renderStack("prod-keepalived");
    const withPlan = (edit: (p: any) => void): ClusterPlan => {
        const p = structuredClone(ka.plan) as any;
        edit(p);
        return p;
    };

    it("refuses a VIP outside the endpoint zone's subnet", () => {
        const err = renderError(() => renderContext(ka.spec, withPlan((p) => { p.endpoint.vip = "10.99.0.10"; })));
        assert.match(err.message, /endpoint\.vip: got "10\.99\.0\.10"; is not inside the subnet of the endpoint's zone ap-shanghai-4 \(172\.16\.10\.0\/24\)/);
    });

    it("refuses a plan without masters", () => {
        const err = renderError(() => renderContext(ka.spec, withPlan((p) => { p.nodes = p.nodes.filter((n: any) => n.role !== "master"); })));
        assert.ok(err.issues.some((i) => i.path === "controlPlane.count"));
    });

    it("refuses a node address outside its subnet, and duplicate addresses", () => {
        const err = renderError(() => renderContext(ka.spec, withPlan((p) => {
            p.nodes[0].privateIp = "192.168.1.1";
            p.nodes[2].privateIp = p.nodes[1].privateIp;
        })));
        assert.match(err.message, /privateIp: got "192\.168\.1\.1"; is not inside the subnet/);
        assert.match(err.message, /is used by another node/);
    });

    it("refuses timers etcd or HAProxy would reject, all at once", () => {
        const err = renderError(() => renderContext(ka.spec, ka.plan, { timers: { etcdElectionMs: 300, checkFastInterMs: 900, vrrpAdvertSec: 0 } }));
        assert.deepEqual(err.issues.map((i) => i.path).sort(), ["timers.checkFastInterMs", "timers.etcdElectionMs", "timers.vrrpAdvertSec"]);
    });

    it("refuses a health check path, shutdown delay or leader-election timers the components would refuse, all at once", () => {
        const err = renderError(() => renderContext(ka.spec, ka.plan, {
            apiHealth: { checkPath: "/livez" as "/readyz", shutdownDelaySec: 2.5 },
            leaderElection: { leaseSec: 10, renewSec: 10, retrySec: 9 },
        }));
        assert.deepEqual(err.issues.map((i) => i.path).sort(), ["apiHealth.checkPath", "apiHealth.shutdownDelaySec", "leaderElection.renewSec", "leaderElection.retrySec"]);
        assert.match(err.message, /leaderElection\.retrySec: got 9; x 1\.2 \(its jitter\) is not shorter than renewSec \(10\)/);
    });

    it("renders the check path, the shutdown delay and the timers it is given; by default /readyz, 3 s and no timer flags", () => {
        const ctx = renderContext(ka.spec, ka.plan, { apiHealth: { checkPath: "/healthz", shutdownDelaySec: 0 }, leaderElection: { leaseSec: 8, renewSec: 6, retrySec: 1 } });
        assert.match(haproxyConfig(ctx, { bind: ":6443" }), /option httpchk GET \/healthz\n/);
        const cc = clusterConfiguration(ctx);
        assert.equal(cc.apiServer.extraArgs?.some((a) => a.name === "shutdown-delay-duration"), false, "0 s is kube-apiserver's default: no flag");
        assert.deepEqual(cc.scheduler.extraArgs?.map((a) => a.name), ["leader-elect", "leader-elect-lease-duration", "leader-elect-renew-deadline", "leader-elect-retry-period", "profiling"]);
        const plainCtx = renderContext(ka.spec, ka.plan);
        const haproxy = haproxyConfig(plainCtx, { bind: ":6443" });
        assert.match(haproxy, /option httpchk GET \/readyz\n/);
        assert.doesNotMatch(haproxy, /shutdown-sessions/, "a draining apiserver's sessions are left to finish");
        assert.match(haproxy, /option srvtcpka\n\s+srvtcpka-idle 5s/, "a dead master's sessions are closed by TCP keepalive");
        const plain = clusterConfiguration(plainCtx);
        assert.deepEqual(plain.apiServer.extraArgs?.find((a) => a.name === "shutdown-delay-duration"), { name: "shutdown-delay-duration", value: "3s" });
        assert.deepEqual(plain.controllerManager.extraArgs?.map((a) => a.name), ["leader-elect", "profiling"]);
    });

    it("refuses a configuration statement with a line break (it would inject configuration)", () => {
        assert.throws(() => braces(["server a\nserver evil"]), /may not contain a line break/);
    });

    it("refuses an HAProxy backend that is not an IPv4 address", () => {
        const ctx = renderContext(ka.spec, ka.plan);
        const broken = { ...ctx, masters: [{ ...ctx.masters[0], privateIp: "10.0.0.1 backup" }] };
        assert.throws(() => haproxyConfig(broken, { bind: ":6443" }), /is not an IPv4 address and port/);
    });
});
