import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements } from "better-auth/plugins/admin/access";

export const ROLES = ["student", "instructor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  student: "Étudiant·e",
  instructor: "Formateur·rice",
  admin: "Administrateur·rice",
};

/** Unknown or missing roles count as the least privileged one. */
export function roleOf(user: { role?: string | null }): Role {
  return (ROLES as readonly string[]).includes(user.role ?? "") ? (user.role as Role) : "student";
}

export const ac = createAccessControl(defaultStatements);

// Instructors get no permission on better-auth's admin HTTP endpoints: those cannot express
// "only the students of my own classes". Instructor actions (password reset) go through
// server actions that check class ownership first (lib/password-reset.ts).
export const accessRoles = {
  admin: adminAc,
  instructor: ac.newRole({ user: [], session: [] }),
  student: ac.newRole({ user: [], session: [] }),
};
