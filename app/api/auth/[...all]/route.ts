import { getAuth } from "@/lib/auth";

// better-auth's HTTP API (sign-in, sign-out, session, admin). Sign-up is disabled here: it
// needs a class join code and goes through the /inscription server action.
export async function GET(request: Request) {
  return getAuth().handler(request);
}

export async function POST(request: Request) {
  return getAuth().handler(request);
}
