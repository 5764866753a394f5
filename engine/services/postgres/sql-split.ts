/**
 * Split a psql script into statements the way psql's lexer does for the common cases: `;`
 * ends a statement outside quotes, dollar quotes and comments; a backslash command takes the
 * rest of its line.
 */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let cur = "";
  let i = 0;
  const push = () => {
    if (cur.trim() !== "") out.push(cur.trim());
    cur = "";
  };
  while (i < script.length) {
    const c = script[i] as string;
    const rest = script.slice(i);
    if (cur.trim() === "" && c === "\\") {
      const end = script.indexOf("\n", i);
      const line = end < 0 ? rest : script.slice(i, end);
      out.push(line.trim());
      i += line.length;
      cur = "";
      continue;
    }
    if (rest.startsWith("--")) {
      const end = script.indexOf("\n", i);
      i = end < 0 ? script.length : end;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = script.indexOf(c, i + 1);
      const stop = end < 0 ? script.length : end + 1;
      cur += script.slice(i, stop);
      i = stop;
      continue;
    }
    const dollar = /^\$[A-Za-z_]*\$/.exec(rest);
    if (dollar) {
      const tag = dollar[0];
      const end = script.indexOf(tag, i + tag.length);
      const stop = end < 0 ? script.length : end + tag.length;
      cur += script.slice(i, stop);
      i = stop;
      continue;
    }
    cur += c;
    i++;
    if (c === ";") push();
  }
  push();
  return out;
}
