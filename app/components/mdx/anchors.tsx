// Where a lab or an exercise mounts in a chapter. The interactive components that replace
// these anchors are registered under the same names by the lab and exercise features.
export function LabAnchor({ id }: { id: string }) {
  return <div id={`lab-${id}`} data-lab={id} />;
}

export function ExerciseAnchor({ id }: { id: string }) {
  return <div id={`exercise-${id}`} data-exercise={id} />;
}
