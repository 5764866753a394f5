import type { AnyExercise } from "../types";
import { ex1_1 } from "./ex1.1";
import { ex1_2 } from "./ex1.2";
import { ex2_1 } from "./ex2.1";
import { ex2_2 } from "./ex2.2";
import { ex3_1 } from "./ex3.1";
import { ex3_2 } from "./ex3.2";
import { ex4_1, ex4_2 } from "./ex4";
import { ex5_1 } from "./ex5.1";
import { ex5_2 } from "./ex5.2";
import { ex9_1 } from "./ex9.1";
import { ex9_2 } from "./ex9.2";
import { ex9_3 } from "./ex9.3";
import { ex9_4 } from "./ex9.4";
import { quiz } from "./quiz";
import { tp1 } from "./tp1";
import { tp2 } from "./tp2";
import { tp3 } from "./tp3";
import { tp4 } from "./tp4";
import { tp5 } from "./tp5";

/** Every exercise definition, in course order. */
export const EXERCISES: readonly AnyExercise[] = [
  tp1,
  ex1_1,
  ex1_2,
  tp2,
  ex2_1,
  ex2_2,
  tp3,
  ex3_1,
  ex3_2,
  tp4,
  ex4_1,
  ex4_2,
  tp5,
  ex5_1,
  ex5_2,
  ex9_1,
  ex9_2,
  ex9_3,
  ex9_4,
  quiz,
];

const BY_ID = new Map(EXERCISES.map((e) => [e.id, e]));

export function getExercise(id: string): AnyExercise | undefined {
  return BY_ID.get(id);
}
