import { describe, expect, it } from "vitest";
import { needsMoreInput } from "./continuation";

describe("needsMoreInput: when bash shows its continuation prompt", () => {
  it.each([
    ["cat >> /etc/postgresql/14/main/postgresql.conf << EOF"],
    ["cat >> f << EOF\nlisten_addresses = '*'"],
    ["cat > f <<-'FIN'\n\tligne"],
    ['echo "ligne1'],
    ["echo 'it"],
    ["ls \\"],
    ["ls -l \\\n  /etc \\"],
    ["ls |"],
    ["true &&"],
    ["false ||"],
    ["if true; then"],
    ["if true; then\necho oui\nelse"],
    ["for i in 1 2 3; do"],
    ["while true; do\necho x"],
    ["case $1 in\na) echo a;;"],
    ["f() {"],
    ["{ echo a"],
    ["( cd /tmp"],
    ["echo $(date"],
    ['echo "$(hostname'],
    ["echo `date"],
    ["cat << A << B\na\nA\nb"],
    ["x=$((1 +"],
    ["[[ -f /etc/drbd.conf"],
    ['echo "${HOME'],
    ["while true"],
    ["case $1 in a) echo a"],
    ["if true; then\n  cat > f << EOF\nfi\nEOF"],
    ["echo hi |&"],
  ])("waits for more after %j", (text) => {
    expect(needsMoreInput(text)).toBe(true);
  });

  it.each([
    ["drbdadm status r0"],
    ["cat >> f << EOF\nlisten_addresses = '*'\nEOF"],
    ["cat > f <<-'FIN'\n\tligne\n\tFIN"],
    ['cat << EOF | wc -l\nun "deux\nEOF'],
    ['echo "ligne1\nligne2"'],
    ["ls \\\n-l"],
    ["ls | wc -l"],
    ["true && echo ok"],
    ["sleep 1 &"],
    ["if true; then echo oui; fi"],
    ["for i in 1 2 3; do\necho $i\ndone"],
    ["case $1 in\na) echo a;;\n*) echo autre;;\nesac"],
    ["f() { echo a; }"],
    ["( cd /tmp && ls )"],
    ["echo $(date) $((1 + 2)) $HOME"],
    ["echo a # it's a comment"],
    ["echo }"],
    ["echo if then do"],
    ["cat <<< 'mot'"],
    ["ls 2>&1 >/dev/null"],
    [""],
    ["# un commentaire"],
    ["cat > f << 'EOF'\n$HOME\nEOF"],
    ["if true; then\n  cat > f << EOF\nfi\nEOF\nfi"],
    ["[[ -f /etc/drbd.conf ]] && echo oui"],
  ])("runs %j at once", (text) => {
    expect(needsMoreInput(text)).toBe(false);
  });

  it("lets bash report what cannot be completed by more lines", () => {
    expect(needsMoreInput("fi")).toBe(false);
    expect(needsMoreInput("echo )")).toBe(false);
    expect(needsMoreInput("done")).toBe(false);
    expect(needsMoreInput("if true; then fi")).toBe(false);
    expect(needsMoreInput("echo a; }")).toBe(false);
  });
});
