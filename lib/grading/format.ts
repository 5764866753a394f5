/** Scores as French writes them (5,5, not 5.5): the graders' formatter, safe in client components. */
export { frNumber } from "@/graders/format";
