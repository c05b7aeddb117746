#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine for the sweep tests:
# munge for authentication, slurmctld and slurmd listening on loopback,
# one node with this machine's cores, one partition, no accounting. Safe
# to run again: daemons already running are left alone. Needs root and
# the Debian packages slurm-wlm and munge.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge
fi

node=$(hostname -s)
cpus=$(nproc)
mem=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))

# munge: a key readable only by the munge user, its socket and log dirs.
if [ ! -s /etc/munge/munge.key ]; then
	dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key && chmod 0755 /run/munge
if ! pgrep -x munged >/dev/null; then
	runuser -u munge -- /usr/sbin/munged
fi
munge -n | unmunge >/dev/null

mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat >/etc/slurm/slurm.conf <<CONF
# Single-node test cluster written by .ci/slurm.sh.
ClusterName=neusim-ci
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=6817
SlurmdPort=6818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
CONF
# No cgroup.conf: with proctrack/linuxproc and task/none, slurmd 22.05
# needs no cgroup plugin, and containers often lack writable cgroups.

if ! pgrep -x slurmctld >/dev/null; then
	/usr/sbin/slurmctld
fi
if ! pgrep -x slurmd >/dev/null; then
	/usr/sbin/slurmd
fi

# Wait until the node accepts jobs.
for _ in $(seq 1 60); do
	state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
	case "$state" in
	idle*|mixed*|allocated*) echo "slurm: node $node is $state"; exit 0 ;;
	down*|drain*) scontrol update NodeName="$node" State=RESUME 2>/dev/null || true ;;
	esac
	sleep 1
done
echo "slurm: node $node did not become idle within 60 s; state: ${state:-unknown}" >&2
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
