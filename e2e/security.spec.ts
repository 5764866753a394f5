import { expect, test } from "@playwright/test";
import { demoClass, INSTRUCTOR, signIn, student } from "./helpers";

// The front server (lib/server/front.ts) in front of the real app: headers, origins, content
// types, body limits, and the course pages still working under the Content-Security-Policy.
test("pages carry the security headers and run under the CSP (lab terminal, Monaco, MDX)", async ({ page }) => {
  test.setTimeout(120_000);
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto("/connexion");
  const headers = res?.headers() ?? {};
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["strict-transport-security"]).toBeUndefined(); // the e2e server is http

  await signIn(page, student(2));
  await page.goto("/cours/tp1");
  const lab = page.getByRole("region", { name: "Lab tp1" });
  await lab.getByRole("button", { name: "Ouvrir le lab" }).click();
  await expect(page.getByTestId("terminal-host").locator(".xterm-rows")).toContainText("@docker-host:~$");
  await page.getByTestId("terminal-host").click();
  await page.keyboard.type("echo csp-ok");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("terminal-host").locator(".xterm-rows")).toContainText("csp-ok");
  await lab.getByRole("button", { name: "Éditeur de configuration" }).click();
  await expect(lab.locator(".monaco-editor .view-lines")).toContainText("resource r0", { timeout: 60_000 });
  expect(violations).toEqual([]);
});

test("state-changing requests: foreign or null Origin 403, non-JSON 415, oversized 413", async ({ page }) => {
  await signIn(page, INSTRUCTOR);
  const { href } = await demoClass(page);
  const id = href.split("/").pop() ?? "";
  const api = page.request;
  const overrides = `/api/formateur/classes/${id}/overrides`;
  const body = JSON.stringify({ submissionId: "x", score: 1, comment: "non" });
  for (const origin of ["http://evil.example", "null"]) {
    const r = await api.post(overrides, { headers: { origin, "content-type": "application/json" }, data: body });
    expect(r.status(), origin).toBe(403);
  }
  const base = test.info().project.use.baseURL as string;
  const same = await api.post(`/api/formateur/classes/${id}/regrade`, {
    headers: { origin: base, "content-type": "application/json" },
    data: JSON.stringify({ exercise: "ex1.2" }),
  });
  expect(same.status()).toBe(200);
  const plain = await api.post(`/api/formateur/classes/${id}/regrade`, {
    headers: { origin: base, "content-type": "text/plain" },
    data: JSON.stringify({ exercise: "ex1.2" }),
  });
  expect(plain.status()).toBe(415);
  const big = await api.post(`/api/formateur/classes/${id}/regrade`, {
    headers: { origin: base, "content-type": "application/json" },
    data: `{"exercise":"${"x".repeat(2 * 1024 * 1024)}"}`,
  });
  expect(big.status()).toBe(413);
  // a server action with a malformed body: a 4xx, never a 500
  const action = await api.post("/connexion", {
    headers: { origin: base, "next-action": "0".repeat(42), "content-type": "multipart/form-data; boundary=x" },
    data: "nonsense",
  });
  expect(action.status()).toBe(400);
});
