/**
 * /dev/drbdN as a BlockDevice (K9 drbd_main.c drbd_open/drbd_release, drbd_req.c): open()
 * auto-promotes a Secondary for write (auto-promote yes), refuses with EROFS/EMEDIUMTYPE/ENODATA
 * like the kernel, and the last close demotes again; writes go through replication.ts.
 */
import type { BlockDevice, IoResult, IoSubmit, OpenMode, OpenResult, Payload } from "../block/types";
import type { DrbdKernel } from "./kernel";
import type { Device, Resource } from "./objects";
import { flushData, readData, writeData } from "./replication";
import { hasUpToDateAccess } from "./state-engine";
import { stateErrorText } from "./strings";
import { changeRole } from "./twopc";

export class DrbdDevice implements BlockDevice {
  constructor(
    private readonly k: DrbdKernel,
    private readonly res: Resource,
    private readonly dev: Device,
  ) {}

  get path(): string {
    return this.dev.path;
  }

  size(): number {
    if (this.dev.md) return this.dev.md.dataSize;
    // diskless: the size of a connected peer's device
    for (const c of this.res.connections.values()) {
      const p = this.k.peerSide(this.res, c);
      const pd = p?.res.devices.get(this.dev.vnr);
      if (c.cstate === "Connected" && pd?.md) return pd.md.dataSize;
    }
    return 0;
  }

  read(offset: number, length: number): IoResult<Payload> {
    return readData(this.k, this.res, this.dev, offset, length);
  }

  write(offset: number, data: Payload, submit?: IoSubmit): IoResult {
    return writeData(this.k, this.res, this.dev, offset, data, submit?.atUs);
  }

  flush(submit?: IoSubmit): IoResult {
    return flushData(this.k, this.res, this.dev, submit?.atUs);
  }

  open(mode: OpenMode, opener: string): OpenResult {
    const res = this.res;
    if (mode === "rw") {
      if (res.role === "Secondary" && res.conf.options.autoPromote) {
        const r = changeRole(this.k, res, "Primary", { soft: true, tag: "auto-promote" });
        if (!r.ok) {
          const reason = `Auto-promote failed: ${stateErrorText(r.code)} (${r.code})`;
          this.k.log(res, `drbd ${res.name}: ${reason}`);
          return { ok: false, errno: "EROFS", reason };
        }
        res.autoPromoted = true;
      }
      if (res.role !== "Primary") return { ok: false, errno: "EROFS" };
    } else {
      // K9 drbd_open: without auto-promote a Secondary is not opened at all
      if (!res.conf.options.autoPromote && res.role !== "Primary") return { ok: false, errno: "EMEDIUMTYPE" };
      // K9 ro_open_cond(): -ENODATA without quorum or without reachable UpToDate data
      if (!this.dev.quorum) return { ok: false, errno: "ENODATA", reason: "no quorum" };
      const primaryPeer = [...res.connections.values()].some(
        (c) => c.cstate === "Connected" && c.peerRole === "Primary",
      );
      if (res.role !== "Primary" && primaryPeer) return { ok: false, errno: "EMEDIUMTYPE" };
      if (!hasUpToDateAccess(res, this.dev)) return { ok: false, errno: "ENODATA", reason: "no UpToDate data" };
    }
    this.dev.openers.push({ opener, mode, pid: this.k.nextPid(), sinceUs: this.k.world.clock.now });
    return { ok: true };
  }

  close(opener: string): void {
    const i = this.dev.openers.findIndex((o) => o.opener === opener);
    if (i >= 0) this.dev.openers.splice(i, 1);
    const res = this.res;
    const stillOpen = [...res.devices.values()].some((d) => d.openers.length > 0);
    if (!stillOpen && res.autoPromoted && res.role === "Primary" && this.k.alive(res)) {
      const r = changeRole(this.k, res, "Secondary", { soft: true, tag: "release" });
      if (!r.ok) this.k.log(res, `drbd ${res.name}: Auto-demote failed: ${stateErrorText(r.code)} (${r.code})`);
      res.autoPromoted = false;
    }
  }

  /** K9 drbd_req.c: while the resource's I/O is suspended (quorum, no-disk, user) requests queue. */
  ioFrozen(): boolean {
    const res = this.res;
    return this.k.alive(res) && (res.suspQuorum || res.suspNoData || res.suspUser);
  }

  openers(): { opener: string; mode: OpenMode }[] {
    return this.dev.openers.map((o) => ({ opener: o.opener, mode: o.mode }));
  }
}
