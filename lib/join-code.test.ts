import { describe, expect, it } from "vitest";
import {
  generateJoinCode,
  isWellFormedJoinCode,
  JOIN_CODE_ALPHABET,
  joinCodeSchema,
  normalizeJoinCode,
} from "./join-code";

describe("join codes", () => {
  it("generates DRBD-XXXX-XXXX codes from the unambiguous alphabet (8 symbols: guessing is hopeless)", () => {
    for (let i = 0; i < 200; i++) {
      const code = generateJoinCode();
      expect(code).toMatch(/^DRBD-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(isWellFormedJoinCode(code)).toBe(true);
      for (const ch of code.slice(5).replace("-", "")) expect(JOIN_CODE_ALPHABET).toContain(ch);
    }
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[01ILO]/);
  });

  it("uses the random source it is given", () => {
    expect(generateJoinCode(() => 0)).toBe("DRBD-AAAA-AAAA");
    expect(generateJoinCode((n) => n - 1)).toBe("DRBD-9999-9999");
    expect(JOIN_CODE_ALPHABET.length ** 8).toBeGreaterThan(8e11);
  });

  it("normalizes what people type", () => {
    expect(normalizeJoinCode(" drbd-7k2q-m4xt ")).toBe("DRBD-7K2Q-M4XT");
    expect(normalizeJoinCode("drbd 7k2q m4xt")).toBe("DRBD-7K2Q-M4XT");
    expect(normalizeJoinCode("DRBD7K2QM4XT")).toBe("DRBD-7K2Q-M4XT");
  });

  it("accepts a well-formed code and rejects the others in French", () => {
    expect(joinCodeSchema.parse("drbd-7k2q-m4xt")).toBe("DRBD-7K2Q-M4XT");
    const cases = [
      "",
      "   ",
      "DRBD-7K2Q", // the old 4-symbol codes are too short
      "DRBD-7K2Q-M4X",
      "DRBD-7K2Q-M4XTT",
      "DRBD-0000-0000",
      "ABCD-7K2Q-M4XT",
      "DRBD-IIII-AAAA",
    ];
    for (const input of cases) {
      const result = joinCodeSchema.safeParse(input);
      expect(result.success, input).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/code/i);
    }
  });
});
