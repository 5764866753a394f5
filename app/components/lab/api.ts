import type { ClusterView } from "@/lib/labs/cluster-view";
import type { ExecReply, LabSnapshot } from "@/lib/labs/service";
import type { TabView } from "@/lib/labs/tabs";

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
export const advanceLab = (sessionId: string, ms: number) =>
  post<{ cluster: ClusterView; tabs: TabView[] }>(`/api/labs/sessions/${sessionId}/advance`, { ms });
export const interruptLab = (sessionId: string) =>
  post<{ interrupted: boolean }>(`/api/labs/sessions/${sessionId}/interrupt`, {});
