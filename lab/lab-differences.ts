// Every way a test host of the rehearsal differs from a real CVM, in one place: the report
// prints this list, so no difference goes unsaid.

import { PROXY_IMAGES } from "../components/plan/images";

export const LAB_DIFFERENCES: readonly string[] = [
    "no kubelet or containerd runs yet: the lab starts the static pods' commands (kube-apiserver, kube-controller-manager, kube-scheduler, stacked etcd) itself, from the manifests kubeadm wrote",
    "a node agent registers the planned masters and workers as Node objects and keeps them Ready (lease renewals); pods are scheduled to them but never run (check 15 reports CoreDNS pods Ready and confirms their deletion, as their kubelet would)",
    "the lab registers the mirror pods of stacked etcd members (kubeadm finds members through them)",
    "kubeadm runs its init file phases, its uploads (config, certificates, token, control-plane mark, addons) and `join phase control-plane-prepare` (and `etcd-join` for stacked etcd), chrooted (--rootfs) into the host's directory; the kubelet phases do not run",
    "paths under /etc/kubernetes, /etc/etcd, /var/lib/etcd, /etc/haproxy, /etc/kubeadm-ha and /var/log/kubernetes are relocated under the host's directory",
    "binaries come from `npm run bins` (built from the Go modules), not from the Kubernetes apt repository",
    "a managed CLB is simulated by one HAProxy host; LVS directors do not run (no IPVS in this kernel)",
];

/** How the machines of a bring-up (`--bring-up`, bring-up.ts) differ from CVMs. */
export const BRING_UP_DIFFERENCES: readonly string[] = [
    "a machine is a network, mount and UTS namespace of this one machine (own /etc, /usr, /opt, /var/lib, /run, cgroup and hostname; the kernel, PIDs and CPUs are shared); the Tencent resources are not created (the program runs under mocks; its certificates, tokens and keys are real); the bastion is not created",
    "the machines share one kernel, so its per-user limit on inotify instances (fs.inotify.max_user_instances, 128 on a CVM) is raised to 128 per machine for the run and put back after it",
    "the program's remote commands run in the machine as root with bash, not over SSH through the bastion as the image's user with sudo",
    "no systemd: the lab's service manager (units.js) starts the units' commands from the machine's unit files and drop-ins; timers (certificate renewal, etcd backups) are recorded, never fired",
    "install-kubernetes.sh does not run (no package archive is reachable): node-install.sh writes its repository line and installs kubeadm, kubelet and kubectl of the requested release through the lab's apt-get and apt-mark (apt-shim.sh: the built programs of that release, refused outside the repository's minor or, when held, without --allow-change-held-packages), and puts the built crictl, containerd 2.4, runc and CNI plugins in place with the Kubernetes packages' kubelet unit and kubeadm drop-in and containerd's own unit; Debian's haproxy, keepalived, iptables, conntrack, socat and curl of this machine stand for the image's packages",
    "this machine has cgroup v1 (a supported CVM image has v2): the kubelet runs with --cgroup-driver=cgroupfs, its own --cgroup-root and --fail-cgroupv1=false, containerd's runc with SystemdCgroup=false, and kubeadm init, join and upgrade (apply, node) skip the SystemVerification preflight check",
    "containerd keeps containers' oom_score_adj at or above its own (restrict_oom_score_adj): this machine denies lowering it",
    "no module can be loaded: modprobe succeeds for what the kernel has built in (overlay, br_netfilter, vxlan) and fails otherwise",
    "no data disk: mount-data-disk.sh does not run, etcd's data directory is on the lab's disk",
    "images are built here from the built programs (no registry is reachable) and imported into each containerd at install; kube-proxy's and flannel's carry Debian's iptables, flannel's busybox for cp; the flannel-cni-plugin image holds the flannel CNI plugin of containernetworking/plugins v0.9.1 (github.com/flannel-io/cni-plugin is not served by the Go module proxy here)",
    "the kernel-wide keys the kubelet sets (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops) are files of the machine, the rest of /proc/sys is read-only except the network's, and this machine's own sysctl.d files are removed, so sysctl --system applies only the rendered ones",
    "a network namespace cannot set the kernel's nf_conntrack_max (only the initial one can): kube-proxy 1.37 writes it only when it is below what it wants, and 1.36 always does and stops, so a cluster brought up at 1.36 for the upgrade run gets conntrack.maxPerCore 0 (the kernel's value kept) in kube-proxy's ConfigMap, and its kube-proxy, flannel and CoreDNS pods restarted, before the workload starts",
    "each machine's default route points at an address no machine has (a CVM's points at the VPC's router): nothing leaves the lab",
    "a managed CLB (`apiEndpoint.kind: clb`) is simulated by one lab host at its VIP running HAProxy in TCP mode with the rendered health check",
    `the node-local proxy's image (\`apiEndpoint.kind: node-local-proxy\`) holds Debian's HAProxy 2.6 under the rendered name (${PROXY_IMAGES.haproxy}); a stack that pins its own image by digest cannot be brought up here (the lab cannot make an image with that digest)`,
];
