import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createLab, type Lab, parseLabScript, runLabScriptSteps } from "@/engine/index";
import { clusterView } from "@/lib/labs/cluster-view";
import { ClusterDiagram, describeCluster } from "./cluster-diagram";

async function run(lab: Lab, script: string): Promise<void> {
  const parsed = parseLabScript(script);
  expect(parsed.errors).toEqual([]);
  await runLabScriptSteps(lab, parsed.steps);
}

const count = (html: string, what: string) => html.split(what).length - 1;

const UP_ALL = (nodes: number[]) => nodes.map((n) => `node${n}$ drbdadm create-md r0 && drbdadm up r0\n`).join("");

describe("cluster diagram and its text twin", () => {
  it("TP1: the twin keeps the sentence the end-to-end test reads, plus the protocol", async () => {
    const lab = await createLab({ scenario: "running" });
    await run(lab, `${UP_ALL([1, 2])}node1$ drbdadm primary --force r0\nwait 60s\n`);
    const text = describeCluster(clusterView(lab)).join("\n");
    expect(text).toMatch(
      /node1 : en marche, r0 Primaire, disque UpToDate ; vers node2 : Connected, Established, disque du pair UpToDate, protocole C/,
    );
    expect(text).toContain("node2 : en marche, r0 Secondaire, disque UpToDate");
    expect(text).toContain("Lien node1–node2 : lien actif, latence 0,05 ms.");
    expect(text).not.toContain("Site ");
  });

  it("ex9.4: four nodes, two sites, six links drawn; the twin names the sites, the WAN and the crashed nodes", async () => {
    const lab = await createLab({ scenario: "ex9.4" });
    await run(lab, `${UP_ALL([1, 2, 3, 4])}node1$ drbdadm primary --force r0\nwait 5s\n`);
    let view = clusterView(lab);
    let html = renderToStaticMarkup(createElement(ClusterDiagram, { view }));
    expect(count(html, 'data-node="')).toBe(4);
    expect(count(html, 'data-link="')).toBe(6);
    expect(count(html, 'data-site="')).toBe(2);
    // the initial sync towards the three peers: one progress bar per connection from node1
    expect(html.match(/node1 → node\d [\d,]+ %/g)).toHaveLength(3);

    await run(lab, "host$ docker stop drbd-node1 drbd-node2 --time=0\nwait 12s\n");
    view = clusterView(lab);
    const text = describeCluster(view);
    expect(text).toContain("Site paris : node1, node2.");
    expect(text).toContain("Site lyon : node3, node4.");
    expect(text).toContain("node1 : arrêté (crash).");
    expect(text).toContain("Lien node1–node3 (WAN entre sites) : un nœud est arrêté.");
    expect(text).toContain("Lien node3–node4 : lien actif, latence 0,05 ms.");
    expect(text.find((l) => l.startsWith("node3 :"))).toMatch(/vers node4 : Connected, .*protocole C/);
    html = renderToStaticMarkup(createElement(ClusterDiagram, { view }));
    expect(html).toContain("arrêté / Connecting");
    expect(html).not.toContain("— / Connecting");
  });

  it("ex9.1: both resources in the boxes, the table and the twin", async () => {
    const lab = await createLab({ scenario: "ex9.1" });
    await run(
      lab,
      `host$ docker exec drbd-node1 sh -c "sed 's/r0/r1/; s/drbd0/drbd1/; s/sda1/sdb1/; s/7788/7789/' /etc/drbd.d/r0.res > /etc/drbd.d/r1.res"
host$ docker exec drbd-node2 sh -c "sed 's/r0/r1/; s/drbd0/drbd1/; s/sda1/sdb1/; s/7788/7789/' /etc/drbd.d/r0.res > /etc/drbd.d/r1.res"
node1$ drbdadm create-md all && drbdadm up all
node2$ drbdadm create-md all && drbdadm up all
node1$ drbdadm primary --force r1
`,
    );
    const view = clusterView(lab);
    const html = renderToStaticMarkup(createElement(ClusterDiagram, { view }));
    expect(html).toContain("r0 : Secondaire");
    expect(html).toContain("r1 : Primaire");
    expect(count(html, "<tr")).toBe(3); // header + r0 + r1
    const node1 = describeCluster(view).find((l) => l.startsWith("node1 :"));
    expect(node1).toMatch(/r0 Secondaire, disque Inconsistent ; vers node2 : Connected/);
    expect(node1).toMatch(/r1 Primaire, disque UpToDate ; vers node2 : Connected, SyncSource/);
  });

  it("ex9.3: Pacemaker's view in the figure and the twin", async () => {
    const lab = await createLab({ scenario: "ex9.3" });
    await run(
      lab,
      `node1$ pcs host auth node1 node2 -u hacluster -p hacluster
node1$ pcs cluster setup drbd_cluster node1 node2
node1$ pcs cluster start --all
`,
    );
    const text = describeCluster(clusterView(lab));
    expect(text.at(-1)).toBe("Pacemaker (cluster drbd_cluster) : node1 en ligne, node2 en ligne.");
    const html = renderToStaticMarkup(createElement(ClusterDiagram, { view: clusterView(lab) }));
    expect(count(html, "Pacemaker : en ligne")).toBe(2);
  });
});
