// Every way a test host of the rehearsal differs from a real CVM, in one place: the report
// prints this list, so no difference goes unsaid.

export const LAB_DIFFERENCES: readonly string[] = [
    "no kubelet or containerd runs yet: the lab starts the static pods' commands (kube-apiserver, kube-controller-manager, kube-scheduler, stacked etcd) itself, from the manifests kubeadm wrote",
    "a node agent registers the planned masters and workers as Node objects and keeps them Ready (lease renewals); pods are scheduled to them but never run",
    "the lab registers the mirror pods of stacked etcd members (kubeadm finds members through them)",
    "kubeadm runs its init file phases, its uploads (config, certificates, token, control-plane mark, addons) and `join phase control-plane-prepare` (and `etcd-join` for stacked etcd), chrooted (--rootfs) into the host's directory; the kubelet phases do not run",
    "paths under /etc/kubernetes, /etc/etcd, /var/lib/etcd, /etc/haproxy and /etc/kubeadm-ha are relocated under the host's directory",
    "binaries come from `npm run bins` (built from the Go modules), not from the Kubernetes apt repository",
    "a managed CLB is simulated by one HAProxy host; LVS directors do not run (no IPVS in this kernel)",
];
