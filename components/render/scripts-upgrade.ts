// The steps of a rolling Kubernetes upgrade, each one remote command of ClusterJoin and each safe
// to run again (test/upgrade.test.ts upgrades a cluster from 1.36 to 1.37 through them on test
// machines, interrupted halfway and run again): a step first looks at the machine (the kubeadm and
// kubelet it has, the images its static pods run) and does only what is left, so a rerun after a
// failure continues where the last one stopped. Same form as scripts.ts: constant text, every
// parameter an argument, `set -euo pipefail`, checked by shellcheck.
//
// Every step ends with its gates, read from the live cluster: the node Ready at the new kubelet
// version, its static pods running the new images and Ready, every etcd member healthy, the API
// answering through the endpoint. A gate that does not pass within its time stops the step with
// the node and the reason, and so the rollout (the next step waits for this one).

import { PATHS } from "./context";
import { IN_ETCD, script } from "./scripts";

/** How long a drain may take before the step fails (seconds): evictions wait for PodDisruptionBudgets. */
export const DRAIN_TIMEOUT_SECONDS = 600;
/** How long each gate waits (seconds). */
export const GATE_SECONDS = 300;

/** The admin kubeconfig kubeadm writes on every master. */
export const ADMIN = "/etc/kubernetes/admin.conf";

/**
 * `move_packages <version> <package...>`: the Kubernetes apt repository of the version's minor,
 * the packages installed at exactly that version (held ones included), and held again.
 */
const MOVE_PACKAGES = `move_packages() {
    local version="$1" list=/etc/apt/sources.list.d/kubernetes.list pkgs=() p
    shift
    if [ ! -f "$list" ]; then
        echo "$me: $list is missing (install-kubernetes.sh writes it at first boot)" >&2
        exit 1
    fi
    # The repository is per minor (…/v1.37/deb/): it moves with the version.
    sed -i -E "s@/v1\\.[0-9]+/deb/@/v\${version%.*}/deb/@" "$list"
    for p in "$@"; do pkgs+=("$p=$version-*"); done
    timeout 600 apt-get update -q
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --allow-change-held-packages "\${pkgs[@]}"
    apt-mark hold "$@"
}`;

/** `gate <what> <command...>`: runs the command every 2 s until it succeeds, or stops the step naming \`$node\` and what failed. */
const GATE = `gate() {
    local what="$1" start=$SECONDS
    shift
    until "$@"; do
        if [ $((SECONDS - start)) -ge ${GATE_SECONDS} ]; then
            echo "$me: upgrade stopped at $node: $what not true after ${GATE_SECONDS} s; fix it and run the update again (it continues from $node)" >&2
            exit 1
        fi
        sleep 2
    done
}`;

/** Cluster-side gates, with \`$node\`, \`$version\` and \`k=(kubectl …)\` set. */
const CLUSTER_GATES = `node_at_version() {
    [ "$("\${k[@]}" get node "$node" -o jsonpath='{.status.nodeInfo.kubeletVersion}{" "}{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = "v$version True" ]
}`;

/**
 * etcdctl on this member with \`$pki\`'s server certificate (\`find_etcd\` first: the etcd container
 * changes when the member restarts), and \`handoff [member]\`: a leading member hands its leadership
 * to another started voting member, the one named when it can (a restarting leader stalls every
 * write until an election).
 */
export const ETCDCTL = `find_etcd() {
    ${IN_ETCD.replace(/exit 1/g, "return 1").replace(/\n/g, "\n    ")}
}
ctl() { "\${in_etcd[@]}" etcdctl --endpoints=https://127.0.0.1:2379 --cacert="$pki/ca.crt" --cert="$pki/server.crt" --key="$pki/server.key" --dial-timeout=5s --command-timeout=15s "$@"; }
handoff() {
    local prefer="\${1:-}" status member leader target
    find_etcd
    status="$(ctl endpoint status -w json)"
    member="$(grep -o '"member_id":[0-9]*' <<<"$status" | head -n 1 | cut -d: -f2)"
    leader="$(grep -o '"leader":[0-9]*' <<<"$status" | head -n 1 | cut -d: -f2)"
    if [ -n "$member" ] && [ "$member" = "$leader" ]; then
        # The member named \$prefer when it is another started voter, else the first such member.
        target="$(ctl member list -w simple | awk -F', ' -v self="$(printf '%x' "$member")" -v prefer="$prefer" '
            $1 != self && $2 == "started" && $NF == "false" { if ($3 == prefer) { print $1; found = 1; exit } if (any == "") any = $1 }
            END { if (!found && any != "") print any }')"
        if [ -n "$target" ]; then
            echo "$me: $node leads etcd; handing the leadership to $target before it restarts"
            ctl move-leader "$target"
        fi
    fi
}`;

/** A script that arrives on stdin (it cannot read itself): \`me\` names it, \`usage\` prints its purpose. */
export function upgradeScript(name: string, purpose: string, body: string) {
    return script(name, purpose, `me="${name}"\nusage() {\n    cat >&2 <<'USAGE'\n${purpose}\nUSAGE\n}\n${body.trim()}`);
}

export const UPGRADE_SCRIPTS = {
    kubeadmUpgrade: upgradeScript("kubeadm-upgrade.sh",
        `Usage: kubeadm-upgrade.sh <apply|node|worker> <version> <node name> <endpoint URL> <endpoint name>. One machine's step of a rolling upgrade to <version>: kubeadm at <version>, then kubeadm upgrade apply (the first master) or upgrade node, then (masters: drained first) kubelet and kubectl at <version>, the kubelet restarted, the master uncordoned; gated on the live cluster. A worker is drained and uncordoned by node-drain.sh on the first master.`, `
if [ "$#" -ne 5 ]; then
    usage
    exit 64
fi
mode="$1" version="$2" node="$3" endpoint="$4" endpoint_name="$5"
case "$mode" in apply|node|worker) ;; *) usage; exit 64 ;; esac
pki=${PATHS.pkiDir}/etcd
${MOVE_PACKAGES}
${GATE}
${ETCDCTL}
have() { [ "$("$1" "\${@:2}" 2>/dev/null | grep -o 'v1\\.[0-9]*\\.[0-9]*' | head -n 1)" = "v$version" ]; }
manifest_at() { grep -q "image: .*/$1:v$version\\$" "${PATHS.manifests}/$1.yaml"; }
if [ "$mode" != worker ]; then
    k=(kubectl --kubeconfig=${ADMIN} --request-timeout=10s)
    ${CLUSTER_GATES.replace(/\n/g, "\n    ")}
    api_through_endpoint() { "\${k[@]}" --server="$endpoint" --tls-server-name="$endpoint_name" get --raw /readyz >/dev/null 2>&1; }
    # Every member: stacked, as the local member sees the cluster; external, each one the apiserver
    # uses, by the apiserver's own client certificate.
    etcd_healthy() {
        local url
        if [ -f ${PATHS.manifests}/etcd.yaml ]; then
            find_etcd 2>/dev/null && ctl endpoint health --cluster >/dev/null 2>&1
            return
        fi
        for url in $(sed -n -E 's/^ *- --etcd-servers=//p' ${PATHS.manifests}/kube-apiserver.yaml | tr ',' ' '); do
            curl -sf --max-time 5 --cacert ${PATHS.pkiDir}/etcd/ca.crt --cert ${PATHS.pkiDir}/apiserver-etcd-client.crt \\
                --key ${PATHS.pkiDir}/apiserver-etcd-client.key "$url/health" | grep -q '"health":"true"' || return 1
        done
    }
    static_pods_at() {
        local c
        for c in kube-apiserver kube-controller-manager kube-scheduler; do
            manifest_at "$c" || return 1
            [ "$("\${k[@]}" -n kube-system get pod "$c-$node" -o jsonpath='{.spec.containers[0].image}{" "}{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = "$(sed -n -E 's/^ *image: (.*)$/\\1/p' "${PATHS.manifests}/$c.yaml" | head -n 1) True" ] || return 1
        done
    }
    gate "every etcd member healthy before the upgrade" etcd_healthy
    gate "the API answering through the endpoint ($endpoint) before the upgrade" api_through_endpoint
fi
# Done before: the manifests and the kubelet at the version, the node schedulable (workers: both programs).
if have kubelet --version && have kubeadm version -o short && { [ "$mode" = worker ] || {
    manifest_at kube-apiserver && manifest_at kube-controller-manager && manifest_at kube-scheduler &&
        [ "$("\${k[@]}" get node "$node" -o jsonpath='{.status.nodeInfo.kubeletVersion}{" "}{.spec.unschedulable}')" = "v$version " ]; }; }; then
    echo "kubeadm-upgrade: $node already runs v$version"
    exit 0
fi
have kubeadm version -o short || move_packages "$version" kubeadm
if [ "$mode" != worker ] && [ -f ${PATHS.manifests}/etcd.yaml ]; then
    # Stacked etcd: kubeadm restarts this member with the new release (its leadership goes to any other voter).
    handoff ""
fi
if [ "$mode" = apply ]; then
    if ! manifest_at kube-apiserver; then
        # Our certificate renewal (renew-certs.sh) stays the one that renews certificates.
        kubeadm upgrade apply "v$version" --yes --certificate-renewal=false
    fi
else
    kubeadm upgrade node --certificate-renewal=false
fi
if [ "$mode" != worker ]; then
    gate "the static pods running v$version and Ready" static_pods_at
    "\${k[@]}" drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=${DRAIN_TIMEOUT_SECONDS}s
fi
if ! have kubelet --version; then
    move_packages "$version" kubelet kubectl
    systemctl daemon-reload
    systemctl restart kubelet
fi
if [ "$mode" != worker ]; then
    gate "the node Ready at kubelet v$version" node_at_version
    # The new kubelet may start the static pods again (this apiserver among them): wait for them, and
    # retry the uncordon through a restart.
    gate "the static pods running v$version and Ready after the kubelet restart" static_pods_at
    gate "the node uncordoned" "\${k[@]}" uncordon "$node"
    gate "every etcd member healthy after the upgrade" etcd_healthy
    gate "the API answering through the endpoint ($endpoint) after the upgrade" api_through_endpoint
fi
echo "kubeadm-upgrade: $node upgraded to v$version"
`),

    nodeDrain: upgradeScript("node-drain.sh",
        `Usage: node-drain.sh <drain|uncordon> <node name> <version>. On the first master, around a worker's kubeadm-upgrade.sh: drain evicts its pods (PodDisruptionBudgets respected, at most ${DRAIN_TIMEOUT_SECONDS} s) unless the node already runs <version>; uncordon waits for the node Ready at <version> and lets pods back.`, `
if [ "$#" -ne 3 ]; then
    usage
    exit 64
fi
step="$1" node="$2" version="$3"
k=(kubectl --kubeconfig=${ADMIN} --request-timeout=10s)
${GATE}
${CLUSTER_GATES}
case "$step" in
    drain)
        if [ "$("\${k[@]}" get node "$node" -o jsonpath='{.status.nodeInfo.kubeletVersion}')" = "v$version" ]; then
            echo "node-drain: $node already runs v$version"
            exit 0
        fi
        "\${k[@]}" drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=${DRAIN_TIMEOUT_SECONDS}s ;;
    uncordon)
        gate "the node Ready at kubelet v$version" node_at_version
        "\${k[@]}" uncordon "$node" ;;
    *) usage; exit 64 ;;
esac
`),

    etcdUpgrade: upgradeScript("etcd-upgrade.sh",
        "Usage: etcd-upgrade.sh <image> <staged manifest> <last member>. On an external etcd member: runs it from <image> (the static pod's manifest and the staged copy rewritten), after handing its leadership on if it leads, to <last member> (the one upgraded last) unless it is that member; only while every member is healthy, and done once this member serves the new release, healthy and caught up with the leader.", `
if [ "$#" -ne 3 ]; then
    usage
    exit 64
fi
image="$1" staged="$2" last="$3" node="$(hostname)"
manifest=${PATHS.manifests}/etcd.yaml
pki=${PATHS.etcdPki}
# 3.7.0-0 -> 3.7.0: what the member reports as its server version.
want="\${image##*:}"
want="\${want%-*}"
${GATE}
${ETCDCTL}
cluster_healthy() { find_etcd 2>/dev/null && ctl endpoint health --cluster >/dev/null 2>&1; }
serves_new_release() { find_etcd 2>/dev/null && ctl endpoint status -w json 2>/dev/null | grep -q "\\"version\\":\\"$want\\""; }
# This member's raft index is within 100 entries of the leader's.
caught_up() {
    local status
    find_etcd 2>/dev/null && status="$(ctl endpoint status --cluster -w json 2>/dev/null)" || return 1
    python3 -c 'import json, sys
s = json.loads(sys.argv[1])
by = {x["Status"]["header"]["member_id"]: x["Status"] for x in s}
mine = [x["Status"] for x in s if x["Endpoint"] == sys.argv[2]]
leader = by.get(mine[0]["leader"]) if mine else None
sys.exit(0 if leader and leader["raftIndex"] - mine[0]["raftIndex"] <= 100 else 1)' "$status" "$(sed -n -E 's/^ *- --advertise-client-urls=//p' "$manifest" | head -n 1)"
}
if grep -q "image: $image\$" "$manifest" && serves_new_release && cluster_healthy && caught_up; then
    echo "etcd-upgrade: $node already runs $image"
    exit 0
fi
gate "every etcd member healthy before this member restarts" cluster_healthy
# Followers first, the leader last: a leader that is not the last member hands its leadership to the
# last one, which hands it to an upgraded member in turn.
if [ "$node" = "$last" ]; then handoff ""; else handoff "$last"; fi
for f in "$manifest" "$staged"; do
    sed -i -E "s@^( *image: ).*/etcd:[^/]*\\$@\\1\${image}@" "$f"
done
# The kubelet restarts the static pod within its file check period (20 s).
gate "this member serving etcd $want" serves_new_release
gate "every etcd member healthy after this member restarted" cluster_healthy
gate "this member caught up with the leader" caught_up
echo "etcd-upgrade: $node runs $image"
`),
} as const;
