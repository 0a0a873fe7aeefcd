// ClusterJoin: the kubeadm wiring over SSH through the bastion (secrets never travel in
// user-data). For every machine: wait for cloud-init's sentinel, then install its secret files
// from stdin. Then: etcd members start; master-0 runs `kubeadm init`; the other masters join
// one at a time (kubeadm's advice for external etcd), each after master-0 re-uploads the shared
// certificates; every worker joins as soon as master-0 is up, never waiting on other workers or
// on later masters (with node-local proxies, each then points the endpoint name at its proxy).
// Once init succeeded, master-0 applies the add-ons (pod network, CoreDNS HA) itself. Every etcd
// member gets its weekly defragmentation timer once it runs. Etcd members with backups then get
// their backup files and start the timer (after their member runs; on a cluster made before
// backups, this step alone runs). Every
// command is idempotent; `triggers` rerun them when the endpoint or the Kubernetes version changes.
// Every connection pins the host key the machine (and the bastion it goes through) got at first
// boot: a machine or a bastion presenting another key is refused before any stdin is sent.

import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { PlannedNode } from "./plan/topology";
import { ENABLE_BACKUPS_COMMAND } from "./render/etcd-backup";
import { ENABLE_DEFRAG_COMMAND } from "./render/etcd-defrag";
import { SCRIPTS } from "./render/scripts";
import { ENCRYPTION_SCRIPTS } from "./render/scripts-encryption";
import { LIFECYCLE_SCRIPTS } from "./render/scripts-lifecycle";
import { UPGRADE_SCRIPTS } from "./render/scripts-upgrade";
import { workerBatch } from "./plan/upgrade";
import {
    APPLY_ADDONS, apiserverEtcdServers, drainNode, leaveControlPlane, leaveEtcd, removeNode, ENSURE_BOOTSTRAP_TOKEN, INSTALL_SECRETS, KUBEADM_INIT, KUBEADM_JOIN, startEtcdMember, upgradeEtcdMember, upgradeNode, UPLOAD_CERTS, uploadCertsStdin,
    useLocalApiserver, WAIT_FOR_BOOTSTRAP,
} from "./render/commands";

/** A command whose stdin carries secrets logs its stderr only. */
const SECRET_STDIN = { logging: "stderr" } as const;

const TYPE = "kubeadm-ha:index:ClusterJoin";

/** Makes the remote command `<node>-<step>` (no `create`: it only runs its `delete`). */
type Run = (n: PlannedNode, step: string, create: pulumi.Input<string> | undefined, dependsOn: pulumi.Resource[], extra?: Partial<command.remote.CommandArgs>) => command.remote.Command;

export interface ClusterJoinArgs {
    /** Machines to wire, in plan order: etcd members, masters (the first runs init), workers. */
    readonly nodes: readonly PlannedNode[];
    /** The instance of each machine by node name (SSH waits for it). */
    readonly instances: Readonly<Record<string, pulumi.Resource>>;
    /** Secret-file installer script of each machine by node name (`secretInstallScript`); must be secret. */
    readonly secretScripts: Readonly<Record<string, pulumi.Input<string>>>;
    /** The endpoint's DNS name (masters point it at themselves after joining). */
    readonly dnsName: string;
    /** Login user of the image. */
    readonly user: string;
    /** Deploy private key (OpenSSH PEM): secret. */
    readonly privateKey: pulumi.Input<string>;
    /** Public address of the bastion. */
    readonly bastionHost: pulumi.Input<string>;
    /**
     * The SSH host key (`ssh-ed25519 …`) each machine presents, by node name, the bastion's too: a
     * command refuses a machine (or a bastion hop) that presents another. A machine without one is
     * not verified (deployed before host keys were pinned). @default none pinned
     */
    readonly hostKeys?: Readonly<Record<string, pulumi.Input<string>>>;
    /** The bastion's node name (its entry in `hostKeys`). */
    readonly bastionName?: string;
    /** Resources that must exist before the first kubeadm command (the endpoint tier). */
    readonly endpointReady?: readonly pulumi.Resource[];
    /** Values whose change reruns init and joins (e.g. endpoint address, Kubernetes version). */
    readonly triggers: readonly pulumi.Input<unknown>[];
    /**
     * Workers reach the API through a node-local proxy on 127.0.0.1: each points the endpoint name
     * at it once it has joined (it joins through master-0: the proxy runs only with its kubelet).
     * @default false
     */
    readonly workersUseLocalProxy?: boolean;
    /**
     * With node-local proxies: the command (`followMasters`) that rewrites a worker's proxy
     * configuration and reloads it. Each worker runs it once every master has its steps, and again
     * whenever the masters change (the command carries the configuration), so the proxies follow a
     * control plane that grows or shrinks. @default no such step
     */
    readonly localProxyFollow?: string;
    /**
     * The machines of the endpoint tier whose HAProxy balances over the masters (keepalived-haproxy's
     * pair, lvs-haproxy's real servers) and the command (`followMasters`) that rewrites and reloads it:
     * run on one machine after the other once every master has its steps, again whenever the masters
     * change. @default no such step (a CLB follows the masters' attachments)
     */
    readonly lbFollow?: { readonly nodes: readonly PlannedNode[]; readonly command: string };
    /**
     * What master-0 applies after init, as an installer script of the manifest and apply-addons.sh
     * (`addonsInstallScript`): the pod network and CoreDNS HA. @default nothing applied
     */
    readonly addonsScript?: string;
    /** Each joining master's own certificate key (`ClusterPki.certificateKeys`), by node name: secret. */
    readonly certificateKeys: Readonly<Record<string, pulumi.Input<string>>>;
    /** Installer script of each etcd member's defragmentation timer (`etcdDefragFiles`), by node name. @default none */
    readonly defragScripts?: Readonly<Record<string, string>>;
    /** Installer script of each etcd member's and, with external etcd, each master's backup files (`etcdBackupSshFiles`), by node name; must be secret. @default no backups */
    readonly backupScripts?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * After the masters' secret files, each master's apiserver is made to use the installed
     * encryption configuration (`reloadEncryption`, one master after the other) whenever
     * `trigger` (a digest of that configuration) changes. @default no such step
     */
    readonly encryptionReload?: { readonly command: string; readonly trigger: pulumi.Input<string> };
    /**
     * The rolling upgrade's steps (docs/upgrades.md), each rerun when the version (an etcd member's:
     * the image) changes and a no-op on a machine already there: the external etcd members one by one,
     * master-0 (`kubeadm upgrade apply`), the other masters one by one, then the workers a quarter at a
     * time (drained from master-0, upgraded, uncordoned). The add-ons are applied again after master-0's step.
     */
    readonly upgrade: {
        /** Kubernetes release, `1.37.2`. */
        readonly version: string;
        /** The etcd image of external members (kubeadm's for the minor). */
        readonly etcdImage: string;
        /** The endpoint the gates read the API through, `https://<address>:<port>`. */
        readonly endpointUrl: pulumi.Input<string>;
        /** The endpoint's name in the apiserver certificate. */
        readonly endpointName: string;
    };
    /**
     * External etcd members that join a running cluster (the membership grows; not in the deployed
     * snapshot): each waits for the cluster and joins as a learner, never bootstrapping one. @default none
     */
    readonly joiningEtcdMembers?: readonly string[];
    /** The port every kube-apiserver listens on (the endpoint's). @default 6443 */
    readonly apiserverPort?: number;
}

export class ClusterJoin extends pulumi.ComponentResource {
    /** The last command of every machine, by node name. */
    public readonly done: Record<string, command.remote.Command>;
    /** master-0's apply of the add-ons (pod network, CoreDNS HA), when there are any. */
    public readonly addons?: command.remote.Command;

    constructor(name: string, args: ClusterJoinArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const masters = args.nodes.filter((n) => n.role === "master");
        if (masters.length === 0) {
            throw new pulumi.ResourceError("nodes: there is no master to run kubeadm init on", this);
        }
        const unencrypted = args.nodes.filter((n) => !args.secretScripts[n.name] || !args.instances[n.name]).map((n) => n.name);
        if (unencrypted.length > 0) {
            throw new pulumi.ResourceError(`nodes: ${unencrypted.join(", ")} lack an instance or a secret-file script`, this);
        }
        const pin = (node: string | undefined) => {
            const key = node === undefined ? undefined : args.hostKeys?.[node];
            return key === undefined ? {} : { hostKey: key };
        };
        const connection = (n: PlannedNode): command.types.input.remote.ConnectionArgs => ({
            host: n.privateIp, user: args.user, privateKey: args.privateKey, dialErrorLimit: 60, perDialTimeout: 15, ...pin(n.name),
            proxy: { host: args.bastionHost, user: args.user, privateKey: args.privateKey, dialErrorLimit: 60, perDialTimeout: 15, ...pin(args.bastionName) },
        });
        // Output is kept out of the state in clear (stdout and stderr are secret outputs); a command whose
        // stdin is secret logs only its stderr (SECRET_STDIN), so nothing it echoes reaches the deployment log.
        const run: Run = (n, step, create, dependsOn, extra = {}) =>
            new command.remote.Command(`${n.name}-${step}`, { connection: connection(n), ...(create === undefined ? {} : { create }), ...extra },
                { parent: this, dependsOn, additionalSecretOutputs: ["stdout", "stderr"] });

        const prepared: Record<string, command.remote.Command> = {};
        for (const n of args.nodes) {
            const ready = run(n, "ready", WAIT_FOR_BOOTSTRAP, [args.instances[n.name]]);
            prepared[n.name] = run(n, "secrets", INSTALL_SECRETS, [ready], { ...SECRET_STDIN, stdin: pulumi.secret(args.secretScripts[n.name]), triggers: [args.secretScripts[n.name]] });
        }
        this.done = {};
        // Reruns when the member's certificates change (renewal: etcd reads its certificate files at every TLS handshake, so a running member
        // takes the new ones without a restart) and when the membership changes (a new member joins as a learner, etcd-member-start.sh).
        const members = args.nodes.filter((n) => n.role === "etcd");
        const etcdStarted = members.map((n) => (this.done[n.name] = run(n, "etcd-start", startEtcdMember(n, members, args.joiningEtcdMembers?.includes(n.name)), [prepared[n.name]],
            { stdin: SCRIPTS.etcdMemberStart.content, triggers: [args.secretScripts[n.name]] })));
        const [first, ...others] = masters;
        const triggers = [...args.triggers];
        const init = run(first, "kubeadm-init", KUBEADM_INIT, [prepared[first.name], ...etcdStarted, ...(args.endpointReady ?? [])], { triggers });
        const up = args.upgrade;
        // One member at a time, each after the one before it is back (etcd-upgrade.sh gates on that); a
        // leader hands on to the last member, so followers go first and the leader last.
        let etcdUpgraded: pulumi.Resource[] = [];
        for (const [i, n] of members.entries()) {
            etcdUpgraded = [this.done[n.name] = run(n, "etcd-upgrade", upgradeEtcdMember(up.etcdImage, members[members.length - 1].hostname), [etcdStarted[i], init, ...etcdUpgraded],
                { stdin: UPGRADE_SCRIPTS.etcdUpgrade.content, triggers: [up.etcdImage] })];
        }
        this.done[first.name] = init;
        let previous: pulumi.Resource = init;
        // A node added a day after init still finds the bootstrap token (kubeadm init makes it for 24 h).
        const token = (n: PlannedNode, after: pulumi.Resource) =>
            run(first, `bootstrap-token-for-${n.name}`, ENSURE_BOOTSTRAP_TOKEN, [after], { triggers, stdin: SCRIPTS.ensureBootstrapToken.content });
        for (const m of others) {
            const key = args.certificateKeys[m.name];
            if (key === undefined) {
                throw new pulumi.ResourceError(`certificateKeys: no certificate key for the joining master ${m.name}`, this);
            }
            const upload = run(first, `upload-certs-for-${m.name}`, UPLOAD_CERTS, [previous], { ...SECRET_STDIN, triggers, stdin: pulumi.secret(pulumi.output(key).apply(uploadCertsStdin)) });
            const join = run(m, "kubeadm-join", KUBEADM_JOIN, [upload, token(m, previous), prepared[m.name]], { triggers });
            previous = this.done[m.name] = run(m, "use-local-apiserver", useLocalApiserver(args.dnsName), [join]);
        }
        for (const w of args.nodes.filter((n) => n.role === "worker")) {
            const join = run(w, "kubeadm-join", KUBEADM_JOIN, [init, token(w, init), prepared[w.name]], { triggers });
            this.done[w.name] = args.workersUseLocalProxy ? run(w, "use-local-apiserver", useLocalApiserver(args.dnsName), [join]) : join;
        }
        if (args.encryptionReload) {
            // A rotation step (docs/security.md) is done only once every apiserver reads the new key list.
            let before: pulumi.Resource[] = [];
            for (const m of masters) {
                before = [run(m, "encryption-reload", args.encryptionReload.command, [prepared[m.name], this.done[m.name], ...before],
                    { stdin: ENCRYPTION_SCRIPTS.reloadEncryption.content, triggers: [args.encryptionReload.trigger] })];
            }
        }
        // The rolling upgrade: master-0, the other masters one by one, the workers a quarter at a time.
        const upgradeStep = (n: PlannedNode, mode: "apply" | "node" | "worker", after: pulumi.Resource[]) =>
            run(n, "upgrade", pulumi.output(up.endpointUrl).apply((url) => upgradeNode(mode, up.version, n.hostname, url, up.endpointName)), after,
                { stdin: UPGRADE_SCRIPTS.kubeadmUpgrade.content, triggers: [up.version] });
        // After every master's join steps, which rerun (as no-ops) when the version changes.
        let upgraded: pulumi.Resource = this.done[first.name] = upgradeStep(first, "apply", [init, previous, ...etcdUpgraded]);
        if (args.addonsScript) {
            // Reruns when the manifest changes (a new flannel release, a CoreDNS replica count) and after
            // master-0's upgrade (kubeadm upgrade apply puts its own CoreDNS Deployment back).
            this.addons = run(first, "addons", APPLY_ADDONS, [init, upgraded], { stdin: args.addonsScript, triggers: [args.addonsScript, up.version] });
        }
        for (const m of others) {
            upgraded = this.done[m.name] = upgradeStep(m, "node", [upgraded, this.done[m.name]]);
        }
        const workers = args.nodes.filter((n) => n.role === "worker");
        const size = workerBatch(workers.length);
        let batchDone: pulumi.Resource[] = [upgraded];
        for (let i = 0; i < workers.length; i += size) {
            batchDone = workers.slice(i, i + size).map((w) => {
                const drain = run(first, `drain-${w.name}`, drainNode("drain", w.hostname, up.version), [...batchDone, this.done[w.name]],
                    { stdin: UPGRADE_SCRIPTS.nodeDrain.content, triggers: [up.version] });
                const step = upgradeStep(w, "worker", [drain]);
                return (this.done[w.name] = run(first, `uncordon-${w.name}`, drainNode("uncordon", w.hostname, up.version), [step],
                    { stdin: UPGRADE_SCRIPTS.nodeDrain.content, triggers: [up.version] }));
            });
        }
        this.lifecycle(run, args.apiserverPort ?? 6443, first, others, members, workers, args);
        for (const [node, script] of Object.entries(args.defragScripts ?? {})) {
            const n = args.nodes.find((x) => x.name === node && x.etcdMember);
            if (!n) {
                throw new pulumi.ResourceError(`defragScripts: ${node} is not an etcd member among the nodes`, this);
            }
            run(n, "etcd-defrag", `${INSTALL_SECRETS} && ${ENABLE_DEFRAG_COMMAND}`, [this.done[n.name]], { stdin: script, triggers: [script] });
        }
        for (const [node, script] of Object.entries(args.backupScripts ?? {})) {
            const n = args.nodes.find((x) => x.name === node && (x.etcdMember || x.role === "master"));
            if (!n) {
                throw new pulumi.ResourceError(`backupScripts: ${node} is neither an etcd member nor a master among the nodes`, this);
            }
            // A master that is no etcd member archives its keys only (external etcd).
            run(n, n.etcdMember ? "etcd-backup" : "config-archive", `${INSTALL_SECRETS} && ${ENABLE_BACKUPS_COMMAND}`, [this.done[n.name]], { ...SECRET_STDIN, stdin: pulumi.secret(script), triggers: [script] });
        }
        this.registerOutputs({});
    }

    /**
     * The steps that change the membership (docs/node-lifecycle.md). With external etcd, every
     * apiserver follows the members (one master after the other, once every member runs). And each
     * machine gets a step whose `delete` runs before the machine is deleted, since it depends on the
     * machine's steps: a worker is drained and its Node deleted (from master-0), a master leaves the
     * control plane, an external etcd member leaves the membership. Every proxy over the masters
     * (workers' node-local ones, the LB machines' HAProxy: `follow`) follows them.
     */
    private lifecycle(run: Run, port: number, first: PlannedNode, others: readonly PlannedNode[], members: readonly PlannedNode[], workers: readonly PlannedNode[],
        follow: Pick<ClusterJoinArgs, "localProxyFollow" | "lbFollow">): void {
        if (members.length > 0) {
            let after: pulumi.Resource[] = members.map((n) => this.done[n.name]);
            for (const m of [first, ...others]) {
                after = [run(m, "etcd-servers", apiserverEtcdServers(members, port, m === first ? "first" : "other"), [this.done[m.name], ...after],
                    { stdin: LIFECYCLE_SCRIPTS.apiserverEtcdServers.content, triggers: [members.map((x) => x.privateIp).join(",")] })];
            }
        }
        for (const w of workers) {
            run(first, `remove-${w.name}`, undefined, [this.done[w.name]], { delete: removeNode(w.hostname), stdin: LIFECYCLE_SCRIPTS.nodeRemove.content });
        }
        // The proxies follow the masters after new masters joined and before leaving ones go (creates run before deletes).
        const masters = [first, ...others].map((m) => this.done[m.name]);
        if (follow.localProxyFollow) {
            for (const w of workers) {
                run(w, "proxy-backends", follow.localProxyFollow, [this.done[w.name], ...masters], { stdin: LIFECYCLE_SCRIPTS.proxyBackends.content });
            }
        }
        let lbBefore: pulumi.Resource[] = masters;
        for (const lb of follow.lbFollow?.nodes ?? []) {
            lbBefore = [run(lb, "proxy-backends", follow.lbFollow!.command, lbBefore, { stdin: LIFECYCLE_SCRIPTS.proxyBackends.content })];
        }
        for (const m of others) {
            run(m, "leave", undefined, [this.done[m.name]], { delete: leaveControlPlane(m.hostname, m.etcdMember ? "stacked" : "external"), stdin: LIFECYCLE_SCRIPTS.masterLeave.content });
        }
        for (const n of members) {
            run(n, "etcd-leave", undefined, [this.done[n.name]], { delete: leaveEtcd(n, members), stdin: LIFECYCLE_SCRIPTS.etcdLeave.content });
        }
    }
}
