// The steps that take a machine out of the cluster, each the `delete` of a remote command of
// ClusterJoin: Pulumi deletes a command before the machine it depends on, so a worker is drained
// and its Node deleted, a master leaves (its stacked etcd member removed, kubeadm's state reset),
// and an external etcd member leaves the membership, all before the machine is deleted. Same form
// as scripts.ts: constant text, every parameter an argument, `set -euo pipefail`, checked by
// shellcheck. A step that cannot finish fails, so the machine is kept, and names the fix.

import { PATHS } from "./context";
import { UNTIL_ACCEPTED } from "./scripts";
import { PROXY_BACKENDS } from "./scripts-proxy";
import { ADMIN, DRAIN_TIMEOUT_SECONDS, ETCDCTL, upgradeScript } from "./scripts-upgrade";

/** How long a leaving node's Node object may take to go (seconds). */
const DELETE_TIMEOUT_SECONDS = 120;
/** Pods on an unreachable node never confirm their deletion: a drain stops waiting for them after this (seconds). */
const SKIP_WAIT_SECONDS = 60;

/** `drain_or_fail`: evicts $node's pods within DRAIN_TIMEOUT_SECONDS (PDBs respected), or stops naming the fix. */
const DRAIN = `drain_or_fail() {
    if ! "\${k[@]}" drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=${DRAIN_TIMEOUT_SECONDS}s --skip-wait-for-delete-timeout=${SKIP_WAIT_SECONDS}; then
        echo "$me: $node could not be drained within ${DRAIN_TIMEOUT_SECONDS} s (a PodDisruptionBudget that allows no eviction, a pod no controller manages, or pods with nowhere to go: see the lines above and kubectl get pdb -A); the machine is kept, cordoned: make room and run the update again" >&2
        exit 1
    fi
}`;

/** `node_exists`: true when $node has a Node object; stops when the API does not answer. */
const NODE_EXISTS = `node_exists() {
    local err
    if err="$("\${k[@]}" get node "$node" -o name 2>&1)"; then
        return 0
    fi
    if grep -q NotFound <<<"$err"; then
        return 1
    fi
    echo "$me: the API does not answer ($err): $node is kept; run the update again once it answers" >&2
    exit 1
}`;

/** POSTs to etcd's cluster API (its JSON gateway) with this member's certificate; prints the answer, fails with it. */
const ETCD_API = `etcd_api() {
    local out
    out="$(curl -sS --max-time 10 --cacert "$pki/ca.crt" --cert "$pki/server.crt" --key "$pki/server.key" -X POST -d "$3" -w ' HTTP %{http_code}' "$1/v3/$2")" || return 1
    if [ "\${out##* HTTP }" != 200 ]; then
        echo "$me: $2 at $1 answered: $out" >&2
        return 1
    fi
    printf '%s\\n' "\${out% HTTP *}"
}`;

export const LIFECYCLE_SCRIPTS = {
    nodeRemove: upgradeScript("node-remove.sh",
        `Usage: node-remove.sh <node name>. On the first master, before a worker's machine is deleted: cordons the node, evicts its pods (PodDisruptionBudgets respected, at most ${DRAIN_TIMEOUT_SECONDS} s), then deletes its Node object. When no other worker takes pods (the whole cluster is being destroyed) its pods are not evicted. A drain that does not finish keeps the machine.`, `
if [ "$#" -ne 1 ]; then
    usage
    exit 64
fi
node="$1"
k=(kubectl --kubeconfig=${ADMIN} --request-timeout=10s)
${NODE_EXISTS}
${DRAIN}
if ! node_exists; then
    echo "$me: $node has no Node object: nothing to drain"
    exit 0
fi
"\${k[@]}" cordon "$node"
# The other removals of the same update cordon their nodes meanwhile.
sleep 5
others="$("\${k[@]}" get nodes -l '!node-role.kubernetes.io/control-plane' -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.unschedulable}{"\\n"}{end}' |
    awk -v node="$node" '$1 != node && $2 != "true"' | wc -l)"
if [ "$others" -eq 0 ]; then
    echo "$me: no other worker takes pods (the cluster is being destroyed): $node's pods are not evicted"
else
    drain_or_fail
fi
"\${k[@]}" delete node "$node" --wait=true --timeout=${DELETE_TIMEOUT_SECONDS}s
echo "$me: $node drained and its Node deleted; its machine can go"
`),

    masterLeave: upgradeScript("master-leave.sh",
        `Usage: master-leave.sh <node name> <stacked|external>. On a master other than the first, before its machine is deleted: drains it, hands on the etcd leadership it holds and removes its stacked etcd member (the other members keep quorum), deletes its Node object, and resets kubeadm's state (kubeadm reset, its own etcd step skipped). A master that never joined is left alone.`, `
if [ "$#" -ne 2 ]; then
    usage
    exit 64
fi
node="$1" etcd="$2"
case "$etcd" in stacked|external) ;; *) usage; exit 64 ;; esac
if [ ! -f ${ADMIN} ]; then
    echo "$me: $node never joined (no ${ADMIN}): nothing to do"
    exit 0
fi
pki=${PATHS.pkiDir}/etcd
k=(kubectl --kubeconfig=${ADMIN} --request-timeout=10s)
${NODE_EXISTS}
${DRAIN}
${ETCDCTL}
${ETCD_API}
${UNTIL_ACCEPTED}
member=""
if [ "$etcd" = stacked ] && find_etcd 2>/dev/null; then
    member="$(ctl endpoint status -w json | grep -o '"member_id":[0-9]*' | head -n 1 | cut -d: -f2)"
fi
if node_exists; then
    drain_or_fail
    # Before its etcd member goes: this master's apiserver stops answering then.
    "\${k[@]}" delete node "$node" --wait=true --timeout=${DELETE_TIMEOUT_SECONDS}s
fi
if [ -n "$member" ]; then
    handoff ""
    id="$(printf '%x' "$member")"
    # Through another started voter: a member that removes itself stops before it answers. Each in
    # turn (another master may be leaving at the same time, its etcd gone by now).
    vias="$(ctl member list -w simple | awk -F', ' -v self="$id" '$1 != self && $2 == "started" && $NF == "false" { split($5, urls, ","); print urls[1] }')"
    removed="" out="no other started etcd member"
    for via in $vias; do
        # From the host (curl to etcd's JSON gateway), not inside this member's container: the container
        # stops as soon as the removal is applied, and would take the answer with it. Retried while etcd
        # refuses for the quorum; done once it is gone.
        if out="$(until_accepted 12 "unhealthy cluster|timed out" etcd_api "$via" cluster/member/remove "{\\"ID\\":\\"$member\\"}" 2>&1)" || grep -q "member not found" <<<"$out"; then
            removed="$via"
            break
        fi
    done
    if [ -z "$removed" ]; then
        echo "$me: $node's etcd member $id could not be removed ($out); $node is kept" >&2
        exit 1
    fi
    echo "$me: etcd member $id of $node removed (through $removed)"
fi
kubeadm reset -f --skip-phases=remove-etcd-member
echo "$me: $node left the control plane; its machine can go"
`),

    proxyBackends: PROXY_BACKENDS,

    etcdLeave: upgradeScript("etcd-leave.sh",
        "Usage: etcd-leave.sh <this member's peer URL> <the other members' client URLs, comma-separated>. On an external etcd member, before its machine is deleted: hands on the leadership it holds, removes the member from the membership (through another member, so a member whose etcd no longer runs is removed too), then stops its static pod. Done when the membership no longer lists it.", `
if [ "$#" -ne 2 ]; then
    usage
    exit 64
fi
peer="$1" others="$2"
pki=${PATHS.etcdPki}
${ETCD_API}
${UNTIL_ACCEPTED}
list="" url=""
for url in \${others//,/ }; do
    if list="$(etcd_api "$url" cluster/member/list '{}' 2>/dev/null)"; then
        break
    fi
    list=""
done
if [ -z "$list" ]; then
    echo "$me: no other member answers at $others: the membership cannot change; the machine is kept" >&2
    exit 1
fi
id="$(python3 -c 'import json, sys
for m in json.loads(sys.argv[2]).get("members", []):
    if sys.argv[1] in m.get("peerURLs", []):
        print(m["ID"])' "$peer" "$list")"
if [ -n "$id" ]; then
    # A leader that leaves stalls every write until an election: it hands on first.
    if status="$(etcd_api https://127.0.0.1:2379 maintenance/status '{}' 2>/dev/null)"; then
        target="$(python3 -c 'import json, sys
s, l = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if s.get("leader") == s.get("header", {}).get("member_id"):
    print(next((m["ID"] for m in l.get("members", []) if m["ID"] != s["leader"] and not m.get("isLearner") and m.get("clientURLs")), ""))' "$status" "$list")"
        if [ -n "$target" ]; then
            etcd_api https://127.0.0.1:2379 maintenance/transfer-leadership "{\\"targetID\\":\\"$target\\"}" >/dev/null
            echo "$me: this member led etcd; the leadership went to $target"
        fi
    fi
    # etcd refuses a membership change while a voting member is not connected (strict reconfiguration
    # check), and an election after the leader handed on delays the answer: both pass (at most 5 minutes).
    # A remove whose answer timed out may have been applied: then the member is gone ("member not found").
    if ! out="$(until_accepted 60 "unhealthy cluster|timed out" etcd_api "$url" cluster/member/remove "{\\"ID\\":\\"$id\\"}" 2>&1)" && ! grep -q "member not found" <<<"$out"; then
        echo "$out" >&2
        exit 1
    fi
    echo "$me: member $id at $peer removed (through $url)"
else
    echo "$me: no member at $peer: already removed"
fi
if [ -f ${PATHS.manifests}/etcd.yaml ]; then
    install -d -m 0700 ${PATHS.stateDir}
    mv -f ${PATHS.manifests}/etcd.yaml ${PATHS.stateDir}/etcd.yaml.removed
fi
echo "$me: etcd stopped here; its machine can go"
`),

    apiserverEtcdServers: upgradeScript("apiserver-etcd-servers.sh",
        "Usage: apiserver-etcd-servers.sh <etcd client URLs, comma-separated> <apiserver port> <first|other>. On a master with external etcd whose membership changed: points its kube-apiserver at exactly those members (--etcd-servers of its static pod), which the kubelet restarts; done once it answers again. The first master also stores the new list in kubeadm's ClusterConfiguration (the kubeadm-config ConfigMap, from its init.yaml) so that an upgrade keeps it. Nothing changes where the apiserver has the list already.", `
if [ "$#" -ne 3 ]; then
    usage
    exit 64
fi
servers="$1" port="$2" role="$3" node="$(hostname)"
case "$role" in first|other) ;; *) usage; exit 64 ;; esac
manifest=${PATHS.manifests}/kube-apiserver.yaml
if [ ! -f "$manifest" ]; then
    echo "$me: no kube-apiserver on $node yet (kubeadm writes it with the list)"
    exit 0
fi
cri=(crictl --runtime-endpoint ${PATHS.criSocket})
k=(kubectl --kubeconfig=${ADMIN} --server="https://127.0.0.1:$port" --request-timeout=5s)
current="$(grep -o -- '--etcd-servers=[^ "]*' "$manifest" | head -n 1 | cut -d= -f2)"
if [ "$current" != "$servers" ]; then
    before="$(timeout 30 "\${cri[@]}" ps -q --name kube-apiserver | head -n 1)"
    # Written beside the manifests directory: the kubelet runs every file inside it.
    sed "s|--etcd-servers=[^ \\"]*|--etcd-servers=$servers|" "$manifest" > /etc/kubernetes/kube-apiserver.yaml.next
    chmod 0600 /etc/kubernetes/kube-apiserver.yaml.next
    mv -f /etc/kubernetes/kube-apiserver.yaml.next "$manifest"
    echo "$me: $node's kube-apiserver: --etcd-servers $current -> $servers"
    for attempt in $(seq 1 150); do
        now="$(timeout 30 "\${cri[@]}" ps -q --name kube-apiserver | head -n 1 || true)"
        if [ -n "$now" ] && [ "$now" != "$before" ] && [ "$("\${k[@]}" get --raw /readyz 2>/dev/null)" = ok ]; then
            break
        fi
        if [ "$attempt" -eq 150 ]; then
            echo "$me: $node's kube-apiserver did not answer within 300 s of the new etcd list; fix it and run the update again" >&2
            exit 1
        fi
        sleep 2
    done
fi
if [ "$role" = first ]; then
    kubeadm init phase upload-config kubeadm --config ${PATHS.kubeadmDir}/init.yaml --kubeconfig ${ADMIN}
fi
`),
};
