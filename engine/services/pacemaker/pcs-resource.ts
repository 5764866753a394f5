/** `pcs resource …` and `pcs constraint …`: CIB edits with pcs 0.10's checks and messages. */
import type { CommandContext, ExecResult } from "../../world/types";
import { AGENTS, actionCommand, probe, resolveAgent } from "./agents";
import type { PacemakerCluster } from "./cluster";
import {
  type Cib,
  cloneOf,
  INFINITY,
  type Order,
  type Primitive,
  parseRole,
  parseScore,
  type Role,
  resourceIds,
  scoreText,
} from "./model";
import { err, localCib, ok, touched, usage } from "./pcs";
import { resourceLines } from "./status";

const kv = (a: string): [string, string] | undefined => {
  const i = a.indexOf("=");
  return i > 0 ? [a.slice(0, i), a.slice(i + 1)] : undefined;
};

function parseCreate(rest: string[]): {
  params: string[];
  ops: Primitive["ops"];
  meta: string[];
  clone?: { promotable: boolean; opts: string[] };
} {
  const params: string[] = [];
  const ops: Primitive["ops"] = [];
  const meta: string[] = [];
  let clone: { promotable: boolean; opts: string[] } | undefined;
  let mode: "params" | "op" | "meta" | "clone" = "params";
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === "op") {
      mode = "op";
      const name = rest[++i];
      if (name) ops.push({ name, options: {} });
      continue;
    }
    if (a === "meta") {
      mode = "meta";
      continue;
    }
    if (a === "clone" || a === "promotable") {
      mode = "clone";
      clone = { promotable: a === "promotable", opts: [] };
      continue;
    }
    if (a.startsWith("--")) continue;
    if (mode === "params") params.push(a);
    else if (mode === "meta") meta.push(a);
    else if (mode === "clone") clone?.opts.push(a);
    else {
      const p = kv(a);
      const last = ops.at(-1);
      if (p && last) last.options[p[0]] = p[1];
      else if (!p) {
        ops.push({ name: a, options: {} });
      }
    }
  }
  return { params, ops, meta, ...(clone ? { clone } : {}) };
}

function toRecord(items: string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const it of items) {
    const p = kv(it);
    if (!p) return it;
    out[p[0]] = p[1];
  }
  return out;
}

function create(c: PacemakerCluster, ctx: CommandContext, cib: Cib, rest: string[]): ExecResult {
  const [id, agentName, ...more] = rest;
  if (!id || !agentName) return usage("resource");
  if (!/^[A-Za-z_][\w.-]*$/.test(id))
    return err(`Error: invalid resource name '${id}', '${id[0]}' is not a valid first character for a resource name`);
  if (resourceIds(cib).includes(id)) return err(`Error: '${id}' already exists`);
  const agent = resolveAgent(agentName);
  if (!agent)
    return err(
      `Error: Agent '${agentName}' is not installed or does not provide valid metadata: Metadata query for ${agentName} failed: Input/output error, use --force to override`,
    );
  const parsed = parseCreate(more);
  const params = toRecord(parsed.params);
  if (typeof params === "string") return err(`Error: missing value of '${params}' option`);
  const meta = AGENTS[agent];
  if (!meta) return usage("resource");
  const bad = Object.keys(params).filter((k) => !meta.required.includes(k) && !meta.optional.includes(k));
  if (bad.length && !rest.includes("--force"))
    return err(
      `Error: invalid resource option${bad.length > 1 ? "s" : ""}: ${bad.map((b) => `'${b}'`).join(", ")}, allowed options are: ${[
        ...meta.required,
        ...meta.optional,
      ]
        .sort()
        .map((o) => `'${o}'`)
        .join(", ")}, use --force to override`,
    );
  const missing = meta.required.filter((k) => params[k] === undefined);
  if (missing.length && !rest.includes("--force"))
    return err(
      `Error: required resource option${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")} ${missing.length > 1 ? "are" : "is"} missing, use --force to override`,
    );
  for (const op of parsed.ops) {
    const role = op.options.role;
    if (role !== undefined && !parseRole(role))
      return err(`Error: '${role}' is not a valid role value, use 'Promoted', 'Started', 'Stopped', 'Unpromoted'`);
  }
  const metaRec = toRecord(parsed.meta);
  if (typeof metaRec === "string") return err(`Error: missing value of '${metaRec}' option`);
  cib.primitives.push({ id, agent, params, ops: parsed.ops, meta: metaRec });
  if (parsed.clone) {
    const opts = toRecord(parsed.clone.opts);
    if (typeof opts === "string") return err(`Error: missing value of '${opts}' option`);
    cib.clones.push({ id: `${id}-clone`, rsc: id, promotable: parsed.clone.promotable, meta: opts });
  }
  touched(c, ctx);
  return ok();
}

function promotable(
  c: PacemakerCluster,
  ctx: CommandContext,
  cib: Cib,
  rest: string[],
  isPromotable: boolean,
): ExecResult {
  const [id, ...opts] = rest;
  if (!id) return usage("resource");
  if (!cib.primitives.some((p) => p.id === id)) return err(`Error: unable to find resource or group with id ${id}`);
  if (cloneOf(cib, id)) return err(`Error: ${id} is already a clone resource`);
  let cloneId = `${id}-clone`;
  const items = [...opts];
  if (items[0] && !items[0].includes("=")) cloneId = items.shift() as string;
  const meta = toRecord(items);
  if (typeof meta === "string") return err(`Error: missing value of '${meta}' option`);
  if (resourceIds(cib).includes(cloneId)) return err(`Error: '${cloneId}' already exists`);
  cib.clones.push({ id: cloneId, rsc: id, promotable: isPromotable, meta });
  touched(c, ctx);
  return ok();
}

/** Constraint targets must be the clone, not the primitive inside it (pcs's own check). */
function checkTarget(cib: Cib, id: string, force: boolean): ExecResult | undefined {
  if (!resourceIds(cib).includes(id)) return err(`Error: Resource '${id}' does not exist`);
  const clone = cloneOf(cib, id);
  if (clone && !force)
    return err(
      `Error: ${id} is a clone resource, you should use the clone id: ${clone.id} when adding constraints, use --force to override`,
    );
  return undefined;
}

function move(c: PacemakerCluster, ctx: CommandContext, cib: Cib, rest: string[]): ExecResult {
  const promoted = rest.includes("--promoted") || rest.includes("--master");
  const [id, node] = rest.filter((a) => !a.startsWith("--") && !a.includes("="));
  if (!id) return usage("resource");
  const bad = checkTarget(cib, id, false);
  if (bad) return bad;
  const clone = cib.clones.find((x) => x.id === id);
  if (clone && !promoted) return err(`Error: cannot move cloned resources`);
  if (promoted && !clone?.promotable)
    return err(`Error: when specifying --promoted you must use the promotable clone id`);
  const view = c.viewFrom(ctx.node?.name ?? "");
  if (node !== undefined) {
    if (!cib.nodes.includes(node)) return err(`Error: Node '${node}' does not appear to exist in configuration`);
    cib.locations = cib.locations.filter((l) => l.id !== `cli-prefer-${id}`);
    cib.locations.push({
      id: `cli-prefer-${id}`,
      rsc: id,
      node,
      score: INFINITY,
      ...(promoted ? { role: "Promoted" as Role } : {}),
    });
    const current = clone ? view.actual.clones[clone.rsc]?.promoted[0] : view.actual.primitives[id];
    touched(c, ctx, "crm_resource");
    const other = current && current !== node ? current : "other nodes";
    return {
      stdout: "",
      stderr: `Warning: Creating location constraint 'cli-prefer-${id}' with a score of INFINITY for resource ${id} on ${node}.\n\tThis will prevent ${id} from running on ${other} until the constraint is removed\n\tThis will be the case even if ${other} is the last node in the cluster\n`,
      exitCode: 0,
    };
  }
  const current = clone ? view.actual.clones[clone.rsc]?.promoted[0] : view.actual.primitives[id];
  if (!current) return err(`Error: Resource '${id}' is not running on any node`);
  cib.locations.push({
    id: `cli-ban-${id}-on-${current}`,
    rsc: id,
    node: current,
    score: -INFINITY,
    ...(promoted ? { role: "Promoted" as Role } : {}),
  });
  touched(c, ctx, "crm_resource");
  return {
    stdout: "",
    stderr: `Warning: Creating location constraint 'cli-ban-${id}-on-${current}' with a score of -INFINITY for resource ${id} on ${current}.\n\tThis will prevent ${id} from ${promoted ? "being promoted" : "running"} on ${current} until the constraint is removed\n\tThis will be the case even if ${current} is the last node in the cluster\n`,
    exitCode: 0,
  };
}

async function remove(c: PacemakerCluster, ctx: CommandContext, cib: Cib, id: string | undefined): Promise<ExecResult> {
  if (!id) return usage("resource");
  const clone = cib.clones.find((x) => x.id === id);
  const primId = clone ? clone.rsc : id;
  const prim = cib.primitives.find((p) => p.id === primId);
  if (!prim) return err(`Error: Resource '${id}' does not exist.`);
  // pacemaker stops a deleted resource before it leaves the CIB
  for (const n of cib.nodes) {
    const node = c.world.node(n);
    if (!node || !c.up(n)) continue;
    const pr = probe(c.world, node, prim);
    if (pr.promoted) await c.world.exec(node, actionCommand(prim, "demote"));
    if (pr.running) await c.world.exec(node, actionCommand(prim, "stop"));
  }
  const gone = [primId, ...(clone ? [clone.id] : cib.clones.filter((x) => x.rsc === primId).map((x) => x.id))];
  cib.primitives = cib.primitives.filter((p) => p.id !== primId);
  cib.clones = cib.clones.filter((x) => x.rsc !== primId);
  cib.colocations = cib.colocations.filter((x) => !gone.includes(x.rsc) && !gone.includes(x.withRsc));
  cib.orders = cib.orders.filter((x) => !gone.includes(x.first) && !gone.includes(x.then));
  cib.locations = cib.locations.filter((x) => !gone.includes(x.rsc));
  touched(c, ctx);
  return ok(`Deleting Resource - ${primId}\n`);
}

const RESOURCE_VERBS = [
  "status",
  "show",
  "create",
  "promotable",
  "clone",
  "delete",
  "remove",
  "move",
  "clear",
  "cleanup",
];

export async function resourceCmd(c: PacemakerCluster, ctx: CommandContext, args: string[]): Promise<ExecResult> {
  const [verb = "status", ...rest] = args;
  if (!RESOURCE_VERBS.includes(verb)) return usage("resource");
  const cib = localCib(c, ctx);
  if ("exitCode" in cib) return cib;
  switch (verb) {
    case "status":
    case "show": {
      const lines = resourceLines(cib, c.viewFrom(ctx.node?.name ?? ""), true);
      return ok(lines.length ? `${lines.join("\n")}\n` : "NO resources configured\n");
    }
    case "create":
      return create(c, ctx, cib, rest);
    case "promotable":
    case "clone":
      return promotable(c, ctx, cib, rest, verb === "promotable");
    case "delete":
    case "remove":
      return remove(c, ctx, cib, rest[0]);
    case "move":
      return move(c, ctx, cib, rest);
    case "clear": {
      const [id] = rest.filter((a) => !a.startsWith("--"));
      if (!id) return usage("resource");
      if (!resourceIds(cib).includes(id)) return err(`Error: Resource '${id}' does not exist`);
      const gone = cib.locations.filter((l) => l.rsc === id && l.id.startsWith("cli-"));
      cib.locations = cib.locations.filter((l) => !gone.includes(l));
      touched(c, ctx, "crm_resource");
      return ok(gone.map((l) => `Removing constraint: ${l.id}\n`).join(""));
    }
    case "cleanup": {
      const [id] = rest.filter((a) => !a.startsWith("--") && !a.includes("="));
      if (id && !resourceIds(cib).includes(id)) return err(`Error: Resource '${id}' does not exist`);
      const prim = id ? (cib.clones.find((x) => x.id === id)?.rsc ?? id) : undefined;
      c.failures = c.failures.filter((f) => prim !== undefined && f.rsc !== prim);
      touched(c, ctx, "crm_resource");
      return ok(
        id
          ? `Cleaned up ${prim} on ${cib.nodes.join(`\nCleaned up ${prim} on `)}\nWaiting for 1 reply from the controller\n... got reply (done)\n`
          : "Cleaned up all resources on all nodes\nWaiting for 1 reply from the controller\n... got reply (done)\n",
      );
    }
    default:
      return usage("resource");
  }
}

const ACTIONS = ["start", "promote", "stop", "demote"] as const;

function constraintList(cib: Cib): string {
  const loc = cib.locations.map((l) =>
    l.rule
      ? `  Resource: ${l.rsc}\n    Constraint: ${l.id}\n      Rule: ${l.role ? `role=${l.role} ` : ""}score=${scoreText(l.score)}\n        Expression: #uname ${l.rule.operation} ${l.rule.value}`
      : `  Resource: ${l.rsc}\n    Enabled on:\n      Node: ${l.node} (score:${scoreText(l.score)})${l.role ? ` (role:${l.role})` : ""}`.replace(
          `Enabled on:\n      Node: ${l.node} (score:-INFINITY)`,
          `Disabled on:\n      Node: ${l.node} (score:-INFINITY)`,
        ),
  );
  const ord = cib.orders.map((o) => `  ${o.firstAction} ${o.first} then ${o.thenAction} ${o.then} (kind:Mandatory)`);
  const col = cib.colocations.map(
    (x) =>
      `  ${x.rsc} with ${x.withRsc} (score:${scoreText(x.score)})${x.rscRole ? ` (rsc-role:${x.rscRole})` : ""}${x.withRole ? ` (with-rsc-role:${x.withRole})` : ""}`,
  );
  const block = (t: string, l: string[]) => `${t}\n${l.length ? `${l.join("\n")}\n` : ""}`;
  return (
    block("Location Constraints:", loc) +
    block("Ordering Constraints:", ord) +
    block("Colocation Constraints:", col) +
    "Ticket Constraints:\n"
  );
}

export function constraintCmd(c: PacemakerCluster, ctx: CommandContext, args: string[]): ExecResult {
  const cib = localCib(c, ctx);
  if ("exitCode" in cib) return cib;
  const force = args.includes("--force");
  const a = args.filter((x) => x !== "--force");
  const [kind, ...rest] = a;
  if (kind === undefined || kind === "config" || kind === "list" || kind === "show") return ok(constraintList(cib));
  if (kind === "colocation") {
    if (rest[0] !== "add") return rest.length === 0 ? ok(constraintList(cib)) : usage("constraint");
    const t = rest.slice(1);
    let i = 0;
    const rscRole = t[i] && parseRole(t[i] as string) ? parseRole(t[i++] as string) : undefined;
    const rsc = t[i++];
    if (t[i++] !== "with") return usage("constraint");
    const withRole = t[i] && parseRole(t[i] as string) ? parseRole(t[i++] as string) : undefined;
    const withRsc = t[i++];
    const scoreArg = t[i];
    if (!rsc || !withRsc) return usage("constraint");
    const score = scoreArg === undefined ? INFINITY : parseScore(scoreArg);
    if (score === undefined) return err(`Error: invalid score '${scoreArg}', use integer or INFINITY or -INFINITY`);
    for (const id of [rsc, withRsc]) {
      const bad = checkTarget(cib, id, force);
      if (bad) return bad;
    }
    if (rsc === withRsc) return err(`Error: Cannot colocate resource with itself`);
    cib.colocations.push({
      id: `colocation-${rsc}-${withRsc}-${scoreText(score)}`,
      rsc,
      withRsc,
      score,
      ...(rscRole ? { rscRole } : {}),
      ...(withRole ? { withRole } : {}),
    });
    touched(c, ctx);
    return ok();
  }
  if (kind === "order") {
    if (rest.length === 0) return ok(constraintList(cib));
    const t = [...rest];
    const act = (): Order["firstAction"] =>
      (ACTIONS as readonly string[]).includes(t[0] ?? "") ? (t.shift() as Order["firstAction"]) : "start";
    const firstAction = act();
    const first = t.shift();
    if (t.shift() !== "then") return usage("constraint");
    const thenAction = act();
    const then = t.shift();
    if (!first || !then) return usage("constraint");
    for (const id of [first, then]) {
      const bad = checkTarget(cib, id, force);
      if (bad) return bad;
    }
    cib.orders.push({ id: `order-${first}-${then}-mandatory`, first, firstAction, then, thenAction });
    touched(c, ctx);
    return ok(
      `Adding ${first} ${then} (kind: Mandatory) (Options: first-action=${firstAction} then-action=${thenAction})\n`,
    );
  }
  if (kind === "delete" || kind === "remove") {
    if (rest.length === 0) return usage("constraint");
    for (const id of rest) {
      const n = cib.locations.length + cib.colocations.length + cib.orders.length;
      cib.locations = cib.locations.filter((l) => l.id !== id);
      cib.colocations = cib.colocations.filter((l) => l.id !== id);
      cib.orders = cib.orders.filter((l) => l.id !== id);
      if (cib.locations.length + cib.colocations.length + cib.orders.length === n)
        return err(`Error: Unable to find constraint - '${id}'`);
    }
    touched(c, ctx);
    return ok();
  }
  if (kind === "location" && rest[1] === "rule")
    return locationRule(c, ctx, cib, rest[0] as string, rest.slice(2), force);
  if (kind === "location") {
    const [rsc, verb, ...nodes] = rest;
    if (!rsc || (verb !== "prefers" && verb !== "avoids") || nodes.length === 0) return usage("constraint");
    const bad = checkTarget(cib, rsc, force);
    if (bad) return bad;
    for (const spec of nodes) {
      const [node, s] = spec.split("=");
      if (!node || !cib.nodes.includes(node))
        return err(`Error: Node '${node}' does not seem to be in the cluster, use --force to override`);
      const score = s === undefined ? INFINITY : parseScore(s);
      if (score === undefined) return err(`Error: invalid score '${s}', use integer or INFINITY or -INFINITY`);
      const v = verb === "avoids" ? -score : score;
      cib.locations.push({ id: `location-${rsc}-${node}-${scoreText(v)}`, rsc, node, score: v });
    }
    touched(c, ctx);
    return ok();
  }
  return usage("constraint");
}

/**
 * `pcs constraint location RSC rule [role=Promoted] [constraint-id=ID] [score=S] #uname eq|ne NODE`:
 * the one rule form the lab models (crm-fence-peer.9.sh places such a constraint).
 */
function locationRule(
  c: PacemakerCluster,
  ctx: CommandContext,
  cib: Cib,
  rsc: string,
  t: string[],
  force: boolean,
): ExecResult {
  const bad = checkTarget(cib, rsc, force);
  if (bad) return bad;
  let role: Role | undefined;
  let id: string | undefined;
  let score = INFINITY;
  const expr: string[] = [];
  for (const w of t) {
    const m = /^(role|constraint-id|score|id)=(.*)$/.exec(w);
    if (!m || expr.length > 0) {
      expr.push(w);
      continue;
    }
    const v = m[2] as string;
    if (m[1] === "role") {
      role = parseRole(v);
      if (!role || role === "Started")
        return err(`Error: invalid role value '${v}', allowed values are: Promoted, Unpromoted`);
    } else if (m[1] === "score") {
      const s = parseScore(v);
      if (s === undefined) return err(`Error: invalid score '${v}', use integer or INFINITY or -INFINITY`);
      score = s;
    } else if (m[1] === "constraint-id") id = v;
  }
  const [attr, op, value, ...extra] = expr;
  if (attr !== "#uname" || (op !== "eq" && op !== "ne") || !value || extra.length > 0)
    return err(`Error: '${expr.join(" ")}' is not a valid rule expression (the lab models '#uname eq|ne NODE')`);
  const cid = id ?? `location-${rsc}`;
  if (resourceIds(cib).includes(cid) || [...cib.locations, ...cib.colocations, ...cib.orders].some((x) => x.id === cid))
    return err(`Error: '${cid}' already exists`);
  cib.locations.push({
    id: cid,
    rsc,
    node: "",
    score,
    ...(role ? { role } : {}),
    rule: { id: `${cid}-rule`, exprId: `${cid}-rule-expr`, operation: op, value },
  });
  touched(c, ctx);
  return ok();
}
