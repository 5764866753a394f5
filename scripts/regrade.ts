// `npm run regrade -- --class ID --exercise ID`: re-run the class's stored submissions of one
// exercise (lab ones by replaying their event logs) through the current grader. Adds gradings,
// never deletes; prints the report as JSON. Exit 1 on usage errors or an unknown class/exercise.
import { parseArgs } from "node:util";
import { getExercise } from "../graders/index";
import { databaseUrl } from "../lib/database-url";
import { createDb } from "../lib/db";
import { regradeExercise } from "../lib/grading/regrade";

const { values } = parseArgs({ options: { class: { type: "string" }, exercise: { type: "string" } } });
if (!values.class || !values.exercise) {
  console.error("Usage : npm run regrade -- --class ID_CLASSE --exercise ID_EXERCICE");
  process.exit(1);
}
if (!getExercise(values.exercise)) {
  console.error(`Exercice inconnu : ${values.exercise}`);
  process.exit(1);
}
const db = createDb(databaseUrl());
try {
  const cohort = await db.cohort.findUnique({ where: { id: values.class } });
  if (!cohort) {
    console.error(`Classe inconnue : ${values.class}`);
    process.exitCode = 1;
  } else {
    console.log(JSON.stringify(await regradeExercise(db, cohort.id, values.exercise), null, 2));
  }
} finally {
  await db.$disconnect();
}
