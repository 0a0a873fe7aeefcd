// Everything the renderers derive from the spec and the plan, computed once: addresses, names,
// image references, file paths and timers. Renderers read this and nothing else.

import { containsAddress, parseCidr } from "../plan/cidr";
import { Issue, ValidationError } from "../plan/errors";
import type { ClusterPlan } from "../plan/plan";
import type { ClusterSpec } from "../plan/spec";
import { kubeadmImages } from "../plan/versions";
import type { PlannedNode } from "../plan/topology";

/** Failure-detection timers. Production values are the defaults; a lab may pass faster ones. */
export interface Timers {
    /** VRRP advertisement interval, seconds (VRRPv3 allows hundredths). */
    readonly vrrpAdvertSec: number;
    /** keepalived track_script: run every `intervalSec`, fail after `fall` misses, recover after `rise`. */
    readonly trackIntervalSec: number;
    readonly trackFall: number;
    readonly trackRise: number;
    /**
     * HAProxy health checks of the apiservers: one every `checkInterMs` (also the connect timeout of
     * a check), every `checkFastInterMs` while a server changes state, every `checkDownInterMs` while
     * it is down; `checkFall` failures mark it down, `checkRise` successes up. A check may wait
     * `checkTimeoutMs` for the answer, so a slow but live apiserver is not marked down.
     */
    readonly checkInterMs: number;
    readonly checkFastInterMs: number;
    readonly checkDownInterMs: number;
    readonly checkFall: number;
    readonly checkRise: number;
    readonly checkTimeoutMs: number;
    /** etcd raft timers (defaults suit in-region RTTs of a few milliseconds). */
    readonly etcdHeartbeatMs: number;
    readonly etcdElectionMs: number;
}

export const PRODUCTION_TIMERS: Timers = {
    vrrpAdvertSec: 1, trackIntervalSec: 1, trackFall: 2, trackRise: 2,
    // A dead apiserver is marked down within inter + (fall - 1) x fastinter = 550 ms (goal 0.6 s);
    // a live one is marked down only after two answers slower than 1 s in a row.
    checkInterMs: 400, checkFastInterMs: 150, checkDownInterMs: 1000, checkFall: 2, checkRise: 2, checkTimeoutMs: 1000,
    etcdHeartbeatMs: 100, etcdElectionMs: 1000,
};

/** Paths on the nodes. One place, so scripts, units and configs agree. */
export const PATHS = {
    libDir: "/usr/local/lib/kubeadm-ha",
    stateDir: "/var/lib/kubeadm-ha",
    sentinel: "/var/lib/kubeadm-ha/bootstrap-done",
    kubeadmDir: "/etc/kubernetes/kubeadm",
    pkiDir: "/etc/kubernetes/pki",
    manifests: "/etc/kubernetes/manifests",
    encryptionConfig: "/etc/kubernetes/encryption/config.yaml",
    etcdPki: "/etc/etcd/pki",
    etcdData: "/var/lib/etcd",
    haproxyConfig: "/etc/haproxy/haproxy.cfg",
    // Not the packaged path: the packaged keepalived.service only starts when that file exists.
    keepalivedConfig: "/etc/kubeadm-ha/keepalived.conf",
    keepalivedRun: "/run/kubeadm-ha",
    nodeProxyDir: "/etc/kubernetes/node-proxy",
    criSocket: "unix:///var/run/containerd/containerd.sock",
} as const;

/** Port of HAProxy's local health/stats frontend, read by keepalived's track_script. */
export const HAPROXY_HEALTH_PORT = 8404;

/** How the endpoint tier checks an apiserver, and how a stopping apiserver leaves it. */
export interface ApiHealth {
    /**
     * Path of HAProxy's HTTPS health check of each apiserver. /readyz fails as soon as a stop
     * begins (and, like /healthz, when etcd is lost); /healthz stays OK until the process stops listening.
     * @default "/readyz"
     */
    readonly checkPath: "/healthz" | "/readyz";
    /**
     * kube-apiserver `--shutdown-delay-duration`, seconds: after SIGTERM it keeps serving this long
     * while its /readyz fails, so a check on /readyz takes it out before it stops listening.
     * 0 is kube-apiserver's own default (it stops listening at once).
     * @default 3 (about 5 x the 0.6 s HAProxy takes to mark it down)
     */
    readonly shutdownDelaySec: number;
}

/**
 * Measured with rehearsal check 16 (a graceful restart under load): /healthz with no delay, /readyz
 * with no delay and /healthz with 3 s each failed a request in their runs (the listener closed
 * while HAProxy still sent to it); /readyz with 3 s failed none in 3 runs.
 */
export const DEFAULT_API_HEALTH: ApiHealth = { checkPath: "/readyz", shutdownDelaySec: 3 };

/** Leader-election timers of kube-controller-manager and kube-scheduler, seconds (their flags `--leader-elect-*`). */
export interface LeaderElection {
    /** How long a Lease holds without renewal before another master may take it. kubeadm's default 15. */
    readonly leaseSec: number;
    /** How long the leader keeps trying to renew before it gives up leading. kubeadm's default 10. */
    readonly renewSec: number;
    /** How often candidates try to take the Lease and the leader renews it. kubeadm's default 2. */
    readonly retrySec: number;
}

export interface RenderOptions {
    readonly timers?: Partial<Timers>;
    /** The health check path and shutdown delay. @default DEFAULT_API_HEALTH */
    readonly apiHealth?: Partial<ApiHealth>;
    /** Leader-election timers; absent: the components' defaults (15 s, 10 s, 2 s), no flags rendered. */
    readonly leaderElection?: LeaderElection;
    /** etcd image tag under the stack's imageRepository. @default the one kubeadm of the stack's minor deploys (kubeadmImages) */
    readonly etcdImageTag?: string;
}

export interface RenderContext {
    readonly spec: ClusterSpec;
    readonly plan: ClusterPlan;
    readonly timers: Timers;
    readonly apiHealth: ApiHealth;
    readonly leaderElection?: LeaderElection;
    readonly masters: readonly PlannedNode[];
    readonly etcdMembers: readonly PlannedNode[];
    /** The node that runs `kubeadm init`. */
    readonly initMaster: PlannedNode;
    /** `host:port` of the API endpoint, a DNS name every node resolves through /etc/hosts. */
    readonly controlPlaneEndpoint: string;
    /** Address the endpoint name resolves to before a node's own apiserver runs (VIP, or master-0). */
    readonly endpointAddress: string;
    readonly etcdImage: string;
    readonly pauseImage: string;
}

/** Problems that would make a rendered file broken or unsafe, listed all at once. */
function renderInputIssues(spec: ClusterSpec, plan: ClusterPlan, timers: Timers, health: ApiHealth, leader?: LeaderElection): Issue[] {
    const issues: Issue[] = [];
    const subnets = new Map(spec.zones.map((z) => [z.zone, parseCidr(z.subnetCidr)]));
    if (!plan.nodes.some((n) => n.role === "master")) {
        issues.push({ path: "controlPlane.count", got: 0, problem: "leaves the cluster without masters, so there is nothing to render for", fix: "plan at least one master" });
    }
    if (!plan.nodes.some((n) => n.etcdMember)) {
        issues.push({ path: "etcd.members", got: 0, problem: "leaves the cluster without etcd members", fix: "plan at least one etcd member" });
    }
    const seen = new Set<string>();
    for (const n of plan.nodes) {
        const subnet = subnets.get(n.zone);
        if (!subnet || !containsAddress(subnet, n.privateIp)) {
            issues.push({ path: `nodes.${n.name}.privateIp`, got: n.privateIp, problem: `is not inside the subnet of ${n.zone} (${subnet?.text ?? "no subnet"})`, fix: "plan addresses with planTopology" });
        }
        if (seen.has(n.privateIp)) {
            issues.push({ path: `nodes.${n.name}.privateIp`, got: n.privateIp, problem: "is used by another node", fix: "plan addresses with planTopology" });
        }
        seen.add(n.privateIp);
    }
    const e = plan.endpoint;
    const vipSubnet = e.zone ? subnets.get(e.zone) : undefined;
    if (e.vip && (!vipSubnet || !containsAddress(vipSubnet, e.vip))) {
        issues.push({ path: "endpoint.vip", got: e.vip, problem: `is not inside the subnet of the endpoint's zone ${e.zone} (${vipSubnet?.text ?? "no subnet"}); a HAVIP or internal CLB VIP lives in its own subnet`, fix: "use an address of that subnet" });
    }
    if (e.kind !== "node-local-proxy" && !e.vip) {
        issues.push({ path: "endpoint.vip", problem: `is missing for a ${e.kind} endpoint`, fix: "plan the endpoint with planTopology" });
    }
    for (const [key, value] of Object.entries(timers)) {
        if (!(typeof value === "number" && value > 0 && Number.isFinite(value))) {
            issues.push({ path: `timers.${key}`, got: value, problem: "must be a positive number", fix: "use the production default or a positive value" });
        }
    }
    if (timers.etcdElectionMs < 5 * timers.etcdHeartbeatMs) {
        issues.push({ path: "timers.etcdElectionMs", got: timers.etcdElectionMs, problem: `is below 5 x the heartbeat (${timers.etcdHeartbeatMs} ms), which etcd refuses`, fix: `use at least ${5 * timers.etcdHeartbeatMs}` });
    }
    if (timers.checkFastInterMs > timers.checkInterMs) {
        issues.push({ path: "timers.checkFastInterMs", got: timers.checkFastInterMs, problem: `is longer than checkInterMs (${timers.checkInterMs})`, fix: "make fastinter at most inter" });
    }
    if (health.checkPath !== "/healthz" && health.checkPath !== "/readyz") {
        issues.push({ path: "apiHealth.checkPath", got: health.checkPath, problem: "is not an apiserver health endpoint the check can expect 200 from", fix: 'use "/healthz" or "/readyz"' });
    }
    if (!(Number.isInteger(health.shutdownDelaySec) && health.shutdownDelaySec >= 0 && health.shutdownDelaySec <= 600)) {
        issues.push({ path: "apiHealth.shutdownDelaySec", got: health.shutdownDelaySec, problem: "must be a whole number of seconds from 0 to 600", fix: "use 0 (stop at once) or a few seconds more than the check takes to mark a master down" });
    }
    if (leader) {
        for (const [key, value] of Object.entries(leader)) {
            if (!(Number.isInteger(value) && value > 0)) {
                issues.push({ path: `leaderElection.${key}`, got: value, problem: "must be a positive whole number of seconds", fix: "use kubeadm's defaults (15, 10, 2) or positive whole seconds" });
            }
        }
        // The components refuse these (leaderelection.NewLeaderElector).
        if (leader.renewSec >= leader.leaseSec) {
            issues.push({ path: "leaderElection.renewSec", got: leader.renewSec, problem: `is not shorter than leaseSec (${leader.leaseSec}), which the components refuse`, fix: "make renewSec shorter than leaseSec" });
        }
        if (leader.retrySec * 1.2 >= leader.renewSec) {
            issues.push({ path: "leaderElection.retrySec", got: leader.retrySec, problem: `x 1.2 (its jitter) is not shorter than renewSec (${leader.renewSec}), which the components refuse`, fix: "make retrySec x 1.2 shorter than renewSec" });
        }
    }
    return issues;
}

/** Builds the render context; throws one ValidationError if the inputs would render a broken file. */
export function renderContext(spec: ClusterSpec, plan: ClusterPlan, options: RenderOptions = {}): RenderContext {
    const timers = { ...PRODUCTION_TIMERS, ...options.timers };
    const apiHealth = { ...DEFAULT_API_HEALTH, ...options.apiHealth };
    const issues = renderInputIssues(spec, plan, timers, apiHealth, options.leaderElection);
    if (issues.length > 0) {
        throw new ValidationError(issues, "render input");
    }
    const masters = plan.nodes.filter((n) => n.role === "master");
    const etcdMembers = plan.nodes.filter((n) => n.etcdMember);
    const repo = spec.mirrors.imageRepository;
    const images = kubeadmImages(spec.kubernetes.minor);
    return {
        spec, plan, masters, etcdMembers, initMaster: masters[0], timers, apiHealth,
        ...(options.leaderElection ? { leaderElection: options.leaderElection } : {}),
        controlPlaneEndpoint: `${plan.endpoint.dnsName}:${plan.endpoint.port}`,
        endpointAddress: plan.endpoint.vip ?? masters[0].privateIp,
        etcdImage: `${repo}/etcd:${options.etcdImageTag ?? images.etcd}`,
        pauseImage: `${repo}/pause:${images.pause}`,
    };
}
