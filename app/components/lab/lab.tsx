import { LabPanel } from "./lab-panel";

/** `<Lab id="tp1" />` in a chapter: the lab in the page. */
export function Lab({ id }: { id: string }) {
  return <LabPanel labId={id} anchorId={`lab-${id}`} />;
}
