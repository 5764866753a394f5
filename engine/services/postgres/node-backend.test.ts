/**
 * A data directory on a node's own (memory) filesystem rather than on a block device: the
 * server must not write to it but through apply(), or a crash keeps writes it never made.
 */
import { expect, it } from "vitest";
import { createLab } from "../../lab";

it("recovers a data directory on the root filesystem after an immediate stop", async () => {
  const l = await createLab({ scenario: "fresh", seed: 5 });
  await l.exec("host", "cd drbd-workshop && docker-compose up -d");
  const lines = [
    "mkdir -p /srv/pg && chown postgres:postgres /srv/pg && chmod 700 /srv/pg",
    'su - postgres -c "initdb -D /srv/pg"',
    'su - postgres -c "pg_ctl -D /srv/pg start"',
    `su - postgres -c "psql -c 'CREATE DATABASE testdb;'"`,
    `su - postgres -c "psql -d testdb -c 'CREATE TABLE test (id SERIAL PRIMARY KEY, data TEXT);'"`,
    `su - postgres -c "psql -d testdb -c \\"INSERT INTO test (data) VALUES ('a');\\""`,
    'su - postgres -c "pg_ctl -D /srv/pg stop -m immediate"',
    'su - postgres -c "pg_ctl -D /srv/pg start"',
  ];
  for (const line of lines) expect((await l.exec("node1", line)).exitCode, line).toBe(0);
  const r = await l.exec("node1", `su - postgres -c "psql -d testdb -t -A -c 'SELECT data FROM test;'"`);
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("a\n");
}, 120_000);
