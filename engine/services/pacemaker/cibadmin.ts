/**
 * `cibadmin -Q [-l]` (`--query [--local]`): the CIB as Pacemaker's XML, the configuration the
 * subset models (properties, nodes, resources, constraints) and a status section with one
 * node_state per node as this node's partition sees it. crm-fence-peer.9.sh reads it.
 */
import type { CommandContext, ExecResult } from "../../world/types";
import type { PacemakerCluster } from "./cluster";
import { type Cib, cloneOf, type Location, scoreText } from "./model";
import { err, ok } from "./pcs";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

function nvpairs(tag: string, id: string, kv: Record<string, string>, pad: string): string[] {
  const e = Object.entries(kv);
  if (e.length === 0) return [];
  return [
    `${pad}<${tag} id="${id}">`,
    ...e.map(([k, v]) => `${pad}  <nvpair id="${id}-${k}" name="${k}" value="${esc(v)}"/>`),
    `${pad}</${tag}>`,
  ];
}

function primitiveXml(cib: Cib, id: string, pad: string): string[] {
  const p = cib.primitives.find((x) => x.id === id);
  if (!p) return [];
  const [cls, provider, type] = p.agent.split(":");
  return [
    `${pad}<primitive class="${cls}" id="${p.id}" provider="${provider}" type="${type}">`,
    ...nvpairs("instance_attributes", `${p.id}-instance_attributes`, p.params, `${pad}  `),
    ...nvpairs("meta_attributes", `${p.id}-meta_attributes`, p.meta, `${pad}  `),
    `${pad}</primitive>`,
  ];
}

function locationXml(l: Location): string[] {
  const role = l.role ? ` role="${l.role}"` : "";
  if (!l.rule)
    return [`      <rsc_location id="${l.id}" rsc="${l.rsc}"${role} node="${l.node}" score="${scoreText(l.score)}"/>`];
  return [
    `      <rsc_location id="${l.id}" rsc="${l.rsc}">`,
    `        <rule${role} score="${scoreText(l.score)}" id="${l.rule.id}">`,
    `          <expression attribute="#uname" operation="${l.rule.operation}" value="${l.rule.value}" id="${l.rule.exprId}"/>`,
    "        </rule>",
    "      </rsc_location>",
  ];
}

export function cibXml(c: PacemakerCluster, self: string): string {
  const cib = c.cib as Cib;
  const v = c.viewFrom(self);
  const nodeId = (n: string) => cib.nodes.indexOf(n) + 1;
  const resources: string[] = [];
  for (const p of cib.primitives) if (!cloneOf(cib, p.id)) resources.push(...primitiveXml(cib, p.id, "      "));
  for (const cl of cib.clones)
    resources.push(
      `      <clone id="${cl.id}">`,
      ...primitiveXml(cib, cl.rsc, "        "),
      ...nvpairs(
        "meta_attributes",
        `${cl.id}-meta_attributes`,
        { ...(cl.promotable ? { promotable: "true" } : {}), ...cl.meta },
        "        ",
      ),
      "      </clone>",
    );
  const constraints = [
    ...cib.locations.flatMap(locationXml),
    ...cib.colocations.map(
      (x) =>
        `      <rsc_colocation id="${x.id}" rsc="${x.rsc}"${x.rscRole ? ` rsc-role="${x.rscRole}"` : ""} with-rsc="${x.withRsc}"${x.withRole ? ` with-rsc-role="${x.withRole}"` : ""} score="${scoreText(x.score)}"/>`,
    ),
    ...cib.orders.map(
      (o) =>
        `      <rsc_order id="${o.id}" first="${o.first}" first-action="${o.firstAction}" then="${o.then}" then-action="${o.thenAction}"/>`,
    ),
  ];
  const states = cib.nodes.map((n) => {
    const member = v.members.includes(n);
    // a node whose stack was stopped (pcs cluster stop) left cleanly: expected="down"
    const expected = member || c.up(n) || c.world.node(n)?.state !== "running" ? "member" : "down";
    return member
      ? `    <node_state id="${nodeId(n)}" uname="${n}" in_ccm="true" crmd="online" crm-debug-origin="do_state_transition" join="member" expected="member"/>`
      : `    <node_state id="${nodeId(n)}" uname="${n}" in_ccm="false" crmd="offline" crm-debug-origin="do_state_transition" join="down" expected="${expected}"/>`;
  });
  const dc = v.dc ? ` dc-uuid="${nodeId(v.dc)}"` : "";
  return [
    `<cib crm_feature_set="3.11.0" validate-with="pacemaker-3.7" epoch="${cib.epoch}" num_updates="0" admin_epoch="0" update-origin="${cib.lastChange.node}" update-client="${cib.lastChange.via}" have-quorum="${v.quorate ? 1 : 0}"${dc}>`,
    "  <configuration>",
    "    <crm_config>",
    ...nvpairs("cluster_property_set", "cib-bootstrap-options", cib.properties, "      "),
    "    </crm_config>",
    "    <nodes>",
    ...cib.nodes.map((n) => `      <node id="${nodeId(n)}" uname="${n}"/>`),
    "    </nodes>",
    "    <resources>",
    ...resources,
    "    </resources>",
    "    <constraints>",
    ...constraints,
    "    </constraints>",
    "  </configuration>",
    "  <status>",
    ...states,
    "  </status>",
    "</cib>",
    "",
  ].join("\n");
}

export function cibadmin(c: PacemakerCluster, ctx: CommandContext): ExecResult {
  const a = ctx.args;
  const query = a.some((x) => x === "--query" || /^-[a-zA-Z]*Q/.test(x));
  if (!query)
    return err(
      "cibadmin: the lab models only the query: cibadmin -Q [-l] (changes go through pcs)\nUsage: cibadmin <command> [options]",
      64,
    );
  const self = ctx.node?.name ?? "";
  if (!c.cib?.nodes.includes(self) || !c.up(self))
    return err(
      "Could not connect to the CIB: Transport endpoint is not connected\nInit failed, could not perform requested operations",
      102,
    );
  return ok(cibXml(c, self));
}
