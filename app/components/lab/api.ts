import type { ClusterView } from "@/lib/labs/cluster-view";
import type { ExecStreamMessage } from "@/lib/labs/http";
import type { ExecReply, LabSnapshot } from "@/lib/labs/service";
import type { TabView } from "@/lib/labs/tabs";
import { readNdjson } from "@/lib/ndjson";

export type { ClusterView, ExecReply, LabSnapshot, TabView };

/** An API refusal, with the French message to show in the terminal. */
export class LabApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new LabApiError(data.error ?? `Erreur du serveur (${res.status}).`, res.status);
  return data as T;
}

export const openLab = (labId: string, mode: "resume" | "reset" | "previous") =>
  post<LabSnapshot>(`/api/labs/${encodeURIComponent(labId)}`, { mode });
export const execCommand = (sessionId: string, terminal: string, input: string) =>
  post<ExecReply>(`/api/labs/sessions/${sessionId}/exec`, { terminal, input });
/**
 * Runs a command and follows it (NDJSON): `onOutput` gets the output as it is printed,
 * `onCluster` the cluster while it runs; resolves with the reply once the command is over.
 */
export async function execStreamed(
  sessionId: string,
  terminal: string,
  input: string,
  on: { onOutput: (text: string) => void; onCluster: (cluster: ClusterView) => void },
): Promise<ExecReply> {
  const res = await fetch(`/api/labs/sessions/${sessionId}/exec`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ terminal, input, stream: true }),
  });
  if (!res.ok || !res.body) {
    const data = (await res.json().catch(() => ({}))) as { error?: string };
    throw new LabApiError(data.error ?? `Erreur du serveur (${res.status}).`, res.status);
  }
  const reply = await readNdjson(res.body, (m: ExecStreamMessage) => {
    if (m.type === "output") on.onOutput(m.text);
    else if (m.type === "cluster") on.onCluster(m.cluster);
    else if (m.type === "done") return m.reply;
    else throw new LabApiError(m.error, 500);
    return undefined;
  });
  if (!reply) throw new LabApiError("Connexion au lab interrompue.", 0);
  return reply;
}
export const advanceLab = (sessionId: string, ms: number) =>
  post<{ cluster: ClusterView; tabs: TabView[] }>(`/api/labs/sessions/${sessionId}/advance`, { ms });
export const interruptLab = (sessionId: string) =>
  post<{ interrupted: boolean }>(`/api/labs/sessions/${sessionId}/interrupt`, {});
