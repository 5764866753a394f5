/** Test helpers: a lab and a terse way to run lines in it. */
import { createLab, type Lab } from "../lab";

export async function lab(scenario = "running", seed = 1, topology?: string): Promise<Lab> {
  return createLab({ scenario, seed, ...(topology ? { topology } : {}) });
}

/** Run a line and return stdout (throws with the whole result if the exit code differs). */
export async function out(l: Lab, target: string, line: string, expectCode = 0): Promise<string> {
  const r = await l.exec(target, line);
  if (r.exitCode !== expectCode)
    throw new Error(
      `${target}$ ${line} → exit ${r.exitCode} (wanted ${expectCode})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
    );
  return r.stdout;
}

/** Two nodes with r0 up, node1 Primary (tty and Ctrl-C tests need a running dashboard). */
export async function labWithR0(seed = 1): Promise<Lab> {
  const l = await lab("running", seed);
  await out(l, "node1", "drbdadm create-md r0 && drbdadm up r0 && drbdadm primary --force r0");
  await out(l, "node2", "drbdadm create-md r0 && drbdadm up r0");
  return l;
}
