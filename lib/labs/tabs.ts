import type { Lab } from "@/engine/index";

/** One terminal tab per machine; `terminal` is the engine terminal its commands go to. */
export interface TabView {
  machine: string;
  terminal: string;
  prompt: string;
}

/**
 * The machine tabs of a lab. A node's tab types into a host terminal that entered that node
 * (`docker exec -it drbd-node1 bash` in the host tab, as in the workshop) while that session
 * lasts, else into a shell of its own; the host tab types into the first host terminal still
 * on the host (a terminal busy inside a node is the node's tab now: the workshop's "second
 * terminal" for node2 is `host#t2`).
 */
export function tabsOf(lab: Lab): TabView[] {
  const terminals = lab.terminalStates(); // not lab.state(): that serialises the whole lab, every command
  const onMachine = (key: string) => terminals[key]?.machine ?? key.split("#")[0];
  const hostKey = (() => {
    for (let i = 1; ; i++) {
      const key = i === 1 ? "host" : `host#t${i}`;
      if (onMachine(key) === "host") return key;
    }
  })();
  const nodes = lab.world.topology.nodes.map((n) => n.name);
  const tabs: TabView[] = [{ machine: "host", terminal: hostKey, prompt: lab.session(hostKey).prompt }];
  for (const name of nodes) {
    const entered = Object.keys(terminals)
      .sort()
      .find((k) => k.split("#")[0] !== name && terminals[k]?.machine === name);
    const terminal = entered ?? name;
    tabs.push({ machine: name, terminal, prompt: lab.session(terminal).prompt });
  }
  return tabs;
}
