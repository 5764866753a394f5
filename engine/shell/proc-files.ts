/**
 * The /proc files every node has, whatever subsystems are loaded. Containers share the
 * host's kernel, so uptime and memory are the Docker host's, as in a real container.
 */
import type { LabNode } from "../world/types";

export interface KernelView {
  kernelUptimeUs(atUs?: number): number;
}

export const KERNEL_RELEASE = "6.8.0-45-generic";
export const KERNEL_VERSION = "#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024";

/** Memory of the Docker host in KiB (16 GiB machine), used by /proc/meminfo and free. */
export const MEMORY_KB = {
  total: 16_318_480,
  free: 11_202_332,
  available: 13_870_216,
  buffers: 212_404,
  cached: 2_618_220,
  shmem: 151_112,
  swapTotal: 2_097_148,
  swapFree: 2_097_148,
};

export function procMounts(node: LabNode): string {
  const lines = [
    "overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/7QJ4Y3MZ:/var/lib/docker/overlay2/l/WQ2C5LZB,upperdir=/var/lib/docker/overlay2/3f1c/diff,workdir=/var/lib/docker/overlay2/3f1c/work 0 0",
    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
    "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755,inode64 0 0",
    "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0",
    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0",
    "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0",
    "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k,inode64 0 0",
    "/dev/sda2 /etc/resolv.conf ext4 rw,relatime 0 0",
    "/dev/sda2 /etc/hostname ext4 rw,relatime 0 0",
    "/dev/sda2 /etc/hosts ext4 rw,relatime 0 0",
  ];
  for (const m of node.mounts) lines.push(`${m.device} ${m.mountpoint} ${m.fstype} ${m.options.join(",")} 0 0`);
  return `${lines.join("\n")}\n`;
}

function kb(n: number): string {
  return `${String(n).padStart(8)} kB`;
}

export function procMeminfo(): string {
  const m = MEMORY_KB;
  const rows: [string, number][] = [
    ["MemTotal", m.total],
    ["MemFree", m.free],
    ["MemAvailable", m.available],
    ["Buffers", m.buffers],
    ["Cached", m.cached],
    ["SwapCached", 0],
    ["Shmem", m.shmem],
    ["SwapTotal", m.swapTotal],
    ["SwapFree", m.swapFree],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(16)}${kb(v)}\n`).join("");
}

/** Files of the kernel itself, the same on the Docker host and in the containers that share it. */
export function procKernelFiles(kernel: KernelView): Record<string, () => string> {
  return {
    "/uptime": () => {
      const up = kernel.kernelUptimeUs() / 1e6;
      // idle time summed over 8 CPUs, mostly idle
      return `${up.toFixed(2)} ${(up * 7.6).toFixed(2)}\n`;
    },
    "/loadavg": () => "0.08 0.05 0.01 1/412 2817\n",
    "/meminfo": () => procMeminfo(),
    "/version": () =>
      `Linux version ${KERNEL_RELEASE} (buildd@lcy02-amd64-040) (x86_64-linux-gnu-gcc-12 (Ubuntu 12.3.0-1ubuntu1~22.04) 12.3.0, GNU ld (GNU Binutils for Ubuntu) 2.38) ${KERNEL_VERSION}\n`,
  };
}

export function procBaseFiles(kernel: KernelView, node: LabNode): Record<string, () => string> {
  return {
    ...procKernelFiles(kernel),
    "/mounts": () => procMounts(node),
    "/sys/kernel/hostname": () => `${node.name}\n`,
  };
}
