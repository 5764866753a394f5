import { describe, expect, it } from "vitest";
import {
  generateJoinCode,
  isWellFormedJoinCode,
  JOIN_CODE_ALPHABET,
  joinCodeSchema,
  normalizeJoinCode,
} from "./join-code";

describe("join codes", () => {
  it("generates DRBD-XXXX codes from the unambiguous alphabet", () => {
    for (let i = 0; i < 200; i++) {
      const code = generateJoinCode();
      expect(code).toMatch(/^DRBD-[A-Z2-9]{4}$/);
      expect(isWellFormedJoinCode(code)).toBe(true);
      for (const ch of code.slice(5)) expect(JOIN_CODE_ALPHABET).toContain(ch);
    }
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[01ILO]/);
  });

  it("uses the random source it is given", () => {
    expect(generateJoinCode(() => 0)).toBe("DRBD-AAAA");
    expect(generateJoinCode((n) => n - 1)).toBe("DRBD-9999");
  });

  it("normalizes what people type", () => {
    expect(normalizeJoinCode(" drbd-7k2q ")).toBe("DRBD-7K2Q");
    expect(normalizeJoinCode("drbd 7k2q")).toBe("DRBD-7K2Q");
    expect(normalizeJoinCode("DRBD7K2Q")).toBe("DRBD-7K2Q");
  });

  it("accepts a well-formed code and rejects the others in French", () => {
    expect(joinCodeSchema.parse("drbd-7k2q")).toBe("DRBD-7K2Q");
    const cases = ["", "   ", "DRBD-7K2", "DRBD-7K2QQ", "DRBD-0000", "ABCD-7K2Q", "DRBD-IIII"];
    for (const input of cases) {
      const result = joinCodeSchema.safeParse(input);
      expect(result.success, input).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/code/i);
    }
  });
});
