import { describe, expect, it } from "vitest";
import { drbdadmStderr, dumpConfig, parseConfig, resolveResource } from "./index";

/**
 * Cases from drbd-utils' own regression tests (LINBIT/drbd-utils tests/v9/*.res and *.test):
 * the configuration files are their inputs, the expectations their recorded drbdadm output.
 */

const conf = (text: string) => parseConfig({ "/etc/drbd.conf": text });

describe("drbd-utils tests/v9", () => {
  it("top-level-meta-disk: drbdadm dump | grep -v '^#'", () => {
    const { config, diagnostics } = conf(`resource drbd_testqm {
    device /dev/drbd1;
    meta-disk /dev/mqmvg/MD-testqm;
    syncer {
        verify-alg sha1;
    }
    disk {
        disk-flushes no;
        md-flushes no;
        disable-write-same yes;
        resync-rate 184320;
        c-fill-target 1048576;
        c-max-rate  4194304;
        c-min-rate   0;
    }
    net {
        max-buffers 131072;
        sndbuf-size 10485760;
        rcvbuf-size 10485760;
    }
    on ADDRLeft {
        disk /dev/mqmvg/QM-testqm;
        address 192.168.45.122:7789;
    }
    on ADDRRight {
        disk /dev/mqmvg/QM-testqm;
        address 192.168.45.121:7789;
    }
# discarded some stuff
}
`);
    expect(diagnostics).toEqual([]);
    const dump = dumpConfig(config, { hostname: "undertest" })
      .split("\n")
      .filter((l) => !l.startsWith("#"))
      .join("\n");
    expect(dump).toBe(`resource drbd_testqm {
    device               /dev/drbd1 minor 1;
    meta-disk        /dev/mqmvg/MD-testqm;
    on ADDRLeft {
        node-id 1;
        disk             /dev/mqmvg/QM-testqm;
        address          ipv4 192.168.45.122:7789;
    }
    on ADDRRight {
        node-id 0;
        disk             /dev/mqmvg/QM-testqm;
        address          ipv4 192.168.45.121:7789;
    }
    net {
        verify-alg       sha1;
        max-buffers      131072;
        sndbuf-size      10485760;
        rcvbuf-size      10485760;
    }
    disk {
        disk-flushes      no;
        md-flushes        no;
        disable-write-same yes;
        resync-rate      184320;
        c-fill-target    1048576;
        c-max-rate       4194304;
        c-min-rate         0;
    }
}

`);
  });

  it("node-id-missing: the first resource's missing node-id stops post-processing", () => {
    const { diagnostics } = conf(`global {
       disable-ip-verification;
}

resource site1 {
	volume 0 {
		device minor 0;
		disk /dev/foo;
		meta-disk /dev/bar;
	}
	on undertest		{            address 192.168.1.17:7000; }
	on bravo	{ node-id 2; address 192.168.2.17:7000; }
	on charlie	{ node-id 3; address 192.168.3.17:7000; }
	connection-mesh { hosts undertest bravo charlie; }
}

resource site2 {
	volume 0 {
		device minor 0;
		disk /dev/foo;
		meta-disk /dev/bar;
	}
	on delta	{ node-id 4; address 192.168.4.17:7000; }
	on echo		{ node-id 5; address 192.168.5.17:7000; }
	on fox		{ node-id 6; address 192.168.6.17:7000; }
	connection-mesh { hosts delta echo fox; }
}
`);
    expect(drbdadmStderr(diagnostics)).toEqual([
      "/etc/drbd.conf:11: in resource site1, on undertest { ... }: 'node-id' keyword missing.",
    ]);
  });

  it("drbd_8.4: option order and raw values that drbdadm -d up passes to drbdsetup", () => {
    const { config, diagnostics } = conf(`global {
  disable-ip-verification;
  usage-count no;
}
common {
  protocol C;
  syncer {
     rate 25M;
     al-extents 379;
     csums-alg md5;
     verify-alg crc32c;
     c-min-rate 20M;
     c-max-rate 500M;
  }
  handlers {
    outdate-peer "/opt/root-scripts/bin/fence-peer";
    local-io-error "/opt/root-scripts/bin/handle-io-error";
    pri-on-incon-degr "/opt/root-scripts/bin/handle-io-error";
  }
  net {
    timeout 50;
    connect-int 10;
    ping-int 5;
    ping-timeout 50;
    cram-hmac-alg md5;
    csums-after-crash-only;
    shared-secret "gaeWoor7dawei3Oo";
    ko-count 0;
  }
}

resource dbdata_resource {
  startup {
   wfc-timeout     1;
     }
  disk {
    no-disk-flushes;
    no-md-flushes;
    fencing resource-and-stonith;
    on-io-error call-local-io-error;
    disk-timeout 0;
  }
  device    /dev/drbd1;
  disk      /dev/dbdata01/lvdbdata01;
  meta-disk internal;

  on undertest {
    address   172.16.6.211:1120;
  }
  on peer-host {
    address   172.16.0.249:1120;
  }
}
`);
    expect(diagnostics).toEqual([]);
    const r = resolveResource(config, "dbdata_resource", "undertest");
    const args = (m: Record<string, string> | undefined) =>
      Object.entries(m ?? {})
        .map(([k, v]) => `--${k}=${v}`)
        .join(" ");
    // drbdsetup new-resource dbdata_resource 1 / new-peer dbdata_resource 0
    expect(r?.me.nodeId).toBe(1);
    expect(r?.peers[0]?.nodeId).toBe(0);
    expect(args(r?.peers[0]?.netRaw)).toBe(
      "--fencing=resource-and-stonith --protocol=C --csums-alg=md5 --verify-alg=crc32c --timeout=50 --connect-int=10 --ping-int=5 --ping-timeout=50 --cram-hmac-alg=md5 --csums-after-crash-only=yes --shared-secret=gaeWoor7dawei3Oo --ko-count=0",
    );
    expect(args(r?.peers[0]?.volumes[0]?.peerDeviceRaw)).toBe("--c-max-rate=500M --c-min-rate=20M --resync-rate=25M");
    expect(args(r?.volumes[0]?.diskOptionsRaw)).toBe(
      "--disk-timeout=0 --on-io-error=call-local-io-error --md-flushes=no --disk-flushes=no --al-extents=379",
    );
    expect(r?.handlers["fence-peer"]).toBe("/opt/root-scripts/bin/fence-peer");
  });

  it("man.res: explicit connection naming only ports", () => {
    const { config, diagnostics } = conf(`global { disable-ip-verification; }
resource r0 {
	  net {
			 cram-hmac-alg sha1;
			 shared-secret "FooFunFactory";
	  }
	  volume 0 {
			 device    /dev/drbd1;
			 disk      /dev/sda7;
			 meta-disk internal;
	  }
	  on undertest {
			 node-id   0;
			 address   10.1.1.31:7000;
	  }
	  on bob {
			 node-id   1;
			 address   10.1.1.32:7000;
	  }
	  connection {
			 host      undertest  port 7000;
			 host      bob    port 7000;
			 net {
				  protocol C;
			 }
	  }
}
`);
    expect(diagnostics).toEqual([]);
    const r = resolveResource(config, "r0", "undertest");
    // drbdsetup new-peer r0 1 --_name=bob --shared-secret=FooFunFactory --cram-hmac-alg=sha1 --protocol=C
    // drbdsetup new-path r0 1 ipv4:10.1.1.31:7000 ipv4:10.1.1.32:7000
    expect(r?.peers[0]).toMatchObject({
      name: "bob",
      nodeId: 1,
      myAddress: { addr: "10.1.1.31", port: "7000" },
      address: { addr: "10.1.1.32", port: "7000" },
    });
    expect(
      Object.entries(r?.peers[0]?.netRaw ?? {})
        .map(([k, v]) => `--${k}=${v}`)
        .join(" "),
    ).toBe("--shared-secret=FooFunFactory --cram-hmac-alg=sha1 --protocol=C");
    expect(r?.volumes[0]).toMatchObject({ minor: 1, disk: "/dev/sda7" });
  });
});
