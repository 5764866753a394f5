import { ExercisePanel } from "./exercise-panel";

/** `<Exercise id="ex1.2" />` in a chapter (client panel: the chapter's render is cached for everyone). */
export function Exercise({ id }: { id: string }) {
  return <ExercisePanel exerciseId={id} />;
}
