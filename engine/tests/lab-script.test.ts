import { describe, expect, it } from "vitest";
import { createLab } from "../lab";
import { checkTargets, parseLabScript, runLabScriptSteps } from "../lab-script";

describe("lab script parsing", () => {
  it("reads targets, comments, waits, headers and heredoc continuations", () => {
    const p = parseLabScript(`# scenario: running
# seed: 9
# a comment
node1$ cat > /tmp/x.conf <<'EOF'
# not a comment: inside the heredoc
value 1;
EOF
wait 1.5s
node2#t2$ for i in 1 2; do
  echo $i
done
host$ docker ps
`);
    expect(p.errors).toEqual([]);
    expect(p.scenario).toBe("running");
    expect(p.seed).toBe(9);
    expect(p.steps.map((s) => s.kind)).toEqual(["exec", "wait", "exec", "exec"]);
    expect(p.steps[0]).toMatchObject({
      target: "node1",
      command: "cat > /tmp/x.conf <<'EOF'\n# not a comment: inside the heredoc\nvalue 1;\nEOF",
    });
    expect(p.steps[1]).toMatchObject({ kind: "wait", ms: 1500 });
    expect(p.steps[2]).toMatchObject({ target: "node2#t2", command: "for i in 1 2; do\n  echo $i\ndone" });
  });

  it("rejects stray text and unclosed heredocs", () => {
    expect(parseLabScript("just text\n").errors).toEqual([
      'line 1: expected "TARGET$ COMMAND", "wait DURATION" or a # comment, got: just text',
    ]);
    expect(parseLabScript("node1$ cat <<END\nabc\n").errors).toEqual([
      'line 1: here-document delimited by "END" is not closed',
    ]);
  });

  it("checks targets against the lab's machines", async () => {
    const lab = await createLab({ scenario: "fresh" });
    const p = parseLabScript("node3$ hostname\nhost$ hostname\n");
    expect(checkTargets(lab, p.steps)).toEqual(['line 1: unknown target "node3" (known: host, node1, node2)']);
  });

  it("a heredoc written by a script lands in the file, and the transcript echoes the command", async () => {
    const lab = await createLab({ scenario: "running" });
    const text = "node1$ cat > /tmp/a.txt <<EOF\nline one\n# line two\nEOF\nnode1$ cat /tmp/a.txt; ls /nope\n";
    const t = await runLabScriptSteps(lab, parseLabScript(text).steps);
    expect(t).toBe(
      "node1$ cat > /tmp/a.txt <<EOF\nline one\n# line two\nEOF\nnode1$ cat /tmp/a.txt; ls /nope\nline one\n# line two\nls: cannot access '/nope': No such file or directory\n",
    );
  });
});
