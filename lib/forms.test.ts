import { describe, expect, it } from "vitest";
import { formValues } from "./forms";

describe("form values", () => {
  it("reads the named fields of a form", () => {
    const form = new FormData();
    form.set("email", "a@b.fr");
    form.set("extra", "ignored");
    expect(formValues(form, ["email", "password"])).toEqual({ email: "a@b.fr", password: "" });
  });

  it("reads anything else (a hand-made server action call) as an empty form instead of throwing", () => {
    for (const junk of [{}, null, "text", 42, ["$K1"]]) {
      expect(formValues(junk as unknown as FormData, ["email"])).toEqual({ email: "" });
    }
  });
});
