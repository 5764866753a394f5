/**
 * psql at its prompt in a lab terminal: prompts (=, -, *, !, !?), statements ended by `;`,
 * backslash commands, an open transaction that stays the session's own, and the lost server.
 */
import { describe, expect, it } from "vitest";
import { createLab, type Lab, replayLab } from "../../lab";

const T = 120_000;

async function run(l: Lab, target: string, line: string, code = 0): Promise<string> {
  const r = await l.exec(target, line);
  if (r.exitCode !== code)
    throw new Error(`${target}$ ${line} → ${r.exitCode} (wanted ${code})\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Types a line and returns what the terminal shows after it: output, then the prompt. */
async function typed(l: Lab, target: string, line: string): Promise<{ out: string; err: string; prompt: string }> {
  const r = await l.exec(target, line);
  return { out: r.stdout, err: r.stderr, prompt: r.session.prompt };
}

const pgc = (sql: string) => `su - postgres -c "psql -d testdb -t -A -c \\"${sql}\\""`;

/** A server on node1's own disk (no DRBD needed here), with testdb and its table. */
async function server(): Promise<Lab> {
  const l = await createLab({ scenario: "fresh", seed: 3 });
  await run(l, "host", "cd drbd-workshop && docker-compose up -d");
  await run(l, "node1", "mkdir -p /srv/pg && chown postgres:postgres /srv/pg && chmod 700 /srv/pg");
  await run(l, "node1", 'su - postgres -c "initdb -D /srv/pg"');
  await run(l, "node1", 'su - postgres -c "pg_ctl -D /srv/pg start"');
  await run(l, "node1", `su - postgres -c "psql -c 'CREATE DATABASE testdb;'"`);
  await run(l, "node1", `su - postgres -c "psql -d testdb -c 'CREATE TABLE test (id SERIAL PRIMARY KEY, data TEXT);'"`);
  return l;
}

describe("psql at its prompt", () => {
  it(
    "opens with its banner, shows psql's prompts, runs statements at `;` and leaves with \\q",
    async () => {
      const l = await server();
      expect((await typed(l, "node1", "su - postgres")).prompt).toBe("postgres@node1:~$ ");
      const open = await typed(l, "node1", "psql -d testdb");
      expect(open).toEqual({ out: 'psql (18.6)\nType "help" for help.\n\n', err: "", prompt: "testdb=# " });
      expect(l.session("node1").prompt).toBe("testdb=# ");
      // bash does not see these lines: `whoami` is SQL here (and not a complete statement)
      expect(await typed(l, "node1", "whoami")).toEqual({ out: "", err: "", prompt: "testdb-# " });
      expect((await typed(l, "node1", "\\r")).out).toBe("Query buffer reset (cleared).\n");
      expect(await typed(l, "node1", "SELECT 1 AS x; SELECT 'a' AS y;")).toEqual({
        out: " x \n---\n 1\n(1 row)\n\n y \n---\n a\n(1 row)\n\n",
        err: "",
        prompt: "testdb=# ",
      });
      // continuation: inside parentheses and quotes psql's PROMPT2 says which
      expect((await typed(l, "node1", "INSERT INTO test (data) VALUES (")).prompt).toBe("testdb(# ");
      expect((await typed(l, "node1", "'a;")).prompt).toBe("testdb'# ");
      expect(await typed(l, "node1", "b')")).toMatchObject({ out: "", prompt: "testdb-# " });
      expect(await typed(l, "node1", ";")).toEqual({ out: "INSERT 0 1\n", err: "", prompt: "testdb=# " });
      expect((await typed(l, "node1", "SELECT length(data) FROM test;")).out).toContain("      4\n");
      // a transaction block, then a failed one
      expect(await typed(l, "node1", "BEGIN;")).toEqual({ out: "BEGIN\n", err: "", prompt: "testdb=*# " });
      expect((await typed(l, "node1", "INSERT INTO test (data)")).prompt).toBe("testdb-*# ");
      expect((await typed(l, "node1", "VALUES ('c');")).prompt).toBe("testdb=*# ");
      const bad = await typed(l, "node1", "SELECT nope;");
      expect(bad).toEqual({
        out: "",
        err: 'ERROR:  column "nope" does not exist\nLINE 1: SELECT nope;\n               ^\n',
        prompt: "testdb=!# ",
      });
      expect((await typed(l, "node1", "SELECT 1;")).err).toBe(
        "ERROR:  current transaction is aborted, commands ignored until end of transaction block\n",
      );
      expect(await typed(l, "node1", "ROLLBACK;")).toEqual({ out: "ROLLBACK\n", err: "", prompt: "testdb=# " });
      expect((await typed(l, "node1", "SELECT count(*) FROM test;")).out).toContain("     1\n");
      // backslash commands
      expect((await typed(l, "node1", "\\dt")).out).toBe(
        "        List of relations\n Schema | Name | Type  |  Owner   \n--------+------+-------+----------\n public | test | table | postgres\n(1 row)\n\n",
      );
      const d = (await typed(l, "node1", "\\d test")).out;
      expect(d).toContain('Table "public.test"');
      expect(d).toContain(" id     | integer |           | not null | nextval('test_id_seq'::regclass)\n");
      expect(d).toContain('Indexes:\n    "test_pkey" PRIMARY KEY, btree (id)\n');
      expect((await typed(l, "node1", "\\d nope")).err).toBe('Did not find any relation named "nope".\n');
      expect((await typed(l, "node1", "\\l")).out).toMatch(/List of databases[\s\S]* testdb /);
      expect((await typed(l, "node1", "\\conninfo")).out).toMatch(/ Database +\| testdb\n Client User +\| postgres\n/);
      expect(await typed(l, "node1", "\\x")).toEqual({
        out: "",
        err: "invalid command \\x\nTry \\? for help.\n",
        prompt: "testdb=# ",
      });
      expect((await typed(l, "node1", "\\?")).out).toContain('connect to new database (currently "testdb")');
      expect((await typed(l, "node1", "\\timing")).out).toBe("Timing is on.\n");
      expect((await typed(l, "node1", "SELECT 2;")).out).toMatch(/\(1 row\)\n\nTime: \d+\.\d{3} ms\n$/);
      expect((await typed(l, "node1", "\\c postgres")).out).toBe(
        'You are now connected to database "postgres" as user "postgres".\n',
      );
      expect((await typed(l, "node1", "\\c nodb")).err).toBe(
        'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "nodb" does not exist\nPrevious connection kept\n',
      );
      expect(l.session("node1").prompt).toBe("postgres=# ");
      // \q gives the terminal back to the shell it was typed in
      expect(await typed(l, "node1", "\\q")).toEqual({ out: "", err: "", prompt: "postgres@node1:~$ " });
      expect(await run(l, "node1", "whoami")).toBe("postgres\n");
      // `exit` and `quit` leave too, and `su - postgres -c "psql testdb"` opens the prompt as well
      await run(l, "node1", "exit");
      expect((await typed(l, "node1", 'su - postgres -c "psql testdb"')).prompt).toBe("testdb=# ");
      expect((await typed(l, "node1", "quit")).prompt).toBe("root@node1:~# ");
      expect((await typed(l, "node1", 'su - postgres -c "psql testdb"')).prompt).toBe("testdb=# ");
      expect((await typed(l, "node1", "exit")).prompt).toBe("root@node1:~# ");
      // with a script on stdin psql reads it and ends: no prompt
      const here = await l.exec("node1", 'su - postgres -c "psql -d testdb" <<EOF\nSELECT count(*) FROM test;\nEOF');
      expect(here.stdout).toBe(" count \n-------\n     1\n(1 row)\n\n");
      expect(here.session.prompt).toBe("root@node1:~# ");
      // from the host, through docker exec -it
      const dx = await typed(l, "host", 'docker exec -it drbd-node1 su - postgres -c "psql testdb"');
      expect(dx).toMatchObject({ out: 'psql (18.6)\nType "help" for help.\n\n', prompt: "testdb=# " });
      expect((await typed(l, "host", "SELECT current_database();")).out).toContain(" testdb\n");
      expect((await typed(l, "host", "\\q")).prompt).toBe("student@docker-host:~/drbd-workshop$ ");
      // without a terminal (-i only) psql reads stdin, empty here: nothing to do
      expect((await typed(l, "host", 'docker exec -i drbd-node1 su - postgres -c "psql testdb"')).out).toBe("");
      expect(l.session("host").prompt).toBe("student@docker-host:~/drbd-workshop$ ");
    },
    T,
  );

  it(
    "keeps an open transaction its own: other clients neither see its rows nor end it",
    async () => {
      const l = await server();
      await run(l, "node1#t2", "su - postgres -c 'psql testdb'");
      await run(l, "node1#t2", "INSERT INTO test (data) VALUES ('committed');");
      await run(l, "node1#t2", "BEGIN;");
      expect(await run(l, "node1#t2", "INSERT INTO test (data) SELECT 'open ' || generate_series(1, 5);")).toBe(
        "INSERT 0 5\n",
      );
      // another terminal's psql -c sees the committed row only
      expect(await run(l, "node1", pgc("SELECT count(*) FROM test;"))).toBe("1\n");
      expect(await run(l, "node1", pgc("INSERT INTO test (data) VALUES ('other');"))).toBe("INSERT 0 1\n");
      // the session still has its transaction and its own rows, and goes on
      expect(l.session("node1#t2").prompt).toBe("testdb=*# ");
      expect(await run(l, "node1#t2", "SELECT count(*) FROM test;")).toContain("     7\n");
      await run(l, "node1#t2", "INSERT INTO test (data) VALUES ('open 6');");
      expect(await run(l, "node1", pgc("SELECT count(*) FROM test WHERE data LIKE 'open%';"))).toBe("0\n");
      expect(await run(l, "node1#t2", "COMMIT;")).toBe("COMMIT\n");
      expect(l.session("node1#t2").prompt).toBe("testdb=# ");
      expect(await run(l, "node1", pgc("SELECT count(*) FROM test;"))).toBe("8\n");
      // a second session's open transaction is kept apart from the first one's
      await run(l, "node1#t2", "BEGIN;");
      await run(l, "node1#t2", "DELETE FROM test;");
      await run(l, "node1#t3", "su - postgres -c 'psql testdb'");
      expect(await run(l, "node1#t3", "SELECT count(*) FROM test;")).toContain("     8\n");
      // its database dropped from another terminal: the session is gone, psql says so
      await run(l, "node1#t4", "su - postgres -c 'psql postgres'");
      await run(l, "node1#t4", "CREATE DATABASE scratch;");
      await run(l, "node1#t4", "\\c scratch");
      // the files the server made for it are postgres's (dropdb as postgres may remove them)
      expect(await run(l, "node1", "stat -c %U /srv/pg/base/$(ls /srv/pg/base | sort -n | tail -1)")).toBe(
        "postgres\n",
      );
      await run(l, "node1", `su - postgres -c "dropdb scratch"`);
      const gone = await typed(l, "node1#t4", "SELECT 1;");
      expect(gone.err).toMatch(/^FATAL: {2}database "scratch" does not exist\nserver closed the connection/);
      expect(gone.prompt).toBe("!?> ");
      // leaving psql ends its transaction: rolled back
      await run(l, "node1#t2", "\\q");
      expect(await run(l, "node1", pgc("SELECT count(*) FROM test;"))).toBe("8\n");
    },
    T,
  );

  it(
    "replays: the same lines typed at psql's prompt give the same outputs and state",
    async () => {
      const l = await server();
      for (const line of [
        "su - postgres -c 'psql testdb'",
        "BEGIN;",
        "INSERT INTO test (data) SELECT 'r' || generate_series(1, 3) RETURNING id, now();",
      ])
        await run(l, "node1", line);
      await run(l, "node1#t2", pgc("INSERT INTO test (data) VALUES ('other');"));
      await run(l, "node1", "INSERT INTO test (data) VALUES ('mine') RETURNING id;");
      const events = l.events();
      const again = await replayLab({ scenario: "fresh", seed: 3, events });
      expect(again.events()).toEqual(events);
      expect(again.session("node1").prompt).toBe("testdb=*# ");
      expect(again.state()).toEqual(l.state());
    },
    T,
  );

  it(
    "reports the lost server at the next statement, then works again once reconnected",
    async () => {
      const l = await server();
      await run(l, "node1#t2", "su - postgres -c 'psql testdb'");
      await run(l, "node1#t2", "BEGIN;");
      await run(l, "node1#t2", "INSERT INTO test (data) VALUES ('x');");
      await run(l, "node1", 'su - postgres -c "pg_ctl -D /srv/pg stop"');
      const lost = await typed(l, "node1#t2", "SELECT count(*) FROM test;");
      expect(lost).toEqual({
        out: "",
        err: "FATAL:  terminating connection due to administrator command\nserver closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\nThe connection to the server was lost. Attempting reset: Failed.\n",
        prompt: "!?> ",
      });
      expect(await typed(l, "node1#t2", "SELECT 1;")).toEqual({
        out: "",
        err: "You are currently not connected to a database.\n",
        prompt: "!?> ",
      });
      await run(l, "node1", 'su - postgres -c "pg_ctl -D /srv/pg start"');
      expect((await typed(l, "node1#t2", "\\c testdb")).prompt).toBe("testdb=# ");
      // the uncommitted row did not survive the stop
      expect(await run(l, "node1#t2", "SELECT count(*) FROM test;")).toContain("     0\n");
      // a restart in between: psql reconnects at once
      await run(l, "node1", 'su - postgres -c "pg_ctl -D /srv/pg restart"');
      const reset = await typed(l, "node1#t2", "SELECT 1;");
      expect(reset.out).toBe("");
      expect(reset.err).toMatch(
        /^FATAL: [^\n]*\nserver closed the connection unexpectedly\n[\s\S]*Attempting reset: Succeeded\.\n$/,
      );
      expect(reset.prompt).toBe("testdb=# ");
      expect((await typed(l, "node1#t2", "SELECT 1;")).out).toContain("(1 row)");
      // a crash of the server (immediate stop): no word from it; the committed row survives it
      await run(l, "node1#t2", "INSERT INTO test (data) VALUES ('kept');");
      await run(l, "node1#t2", "BEGIN;");
      await run(l, "node1#t2", "INSERT INTO test (data) VALUES ('lost');");
      await run(l, "node1", 'su - postgres -c "pg_ctl -D /srv/pg stop -m immediate"');
      await run(l, "node1", 'su - postgres -c "pg_ctl -D /srv/pg start"');
      const crashed = await typed(l, "node1#t2", "SELECT data FROM test;");
      expect(crashed.err).toMatch(
        /^server closed the connection unexpectedly\n[\s\S]*Attempting reset: Succeeded\.\n$/,
      );
      expect((await typed(l, "node1#t2", "SELECT data FROM test;")).out).toBe(" data \n------\n kept\n(1 row)\n\n");
      // the container stops: the terminal's shells and psql are gone with it
      await run(l, "host", "docker stop --time=0 drbd-node1");
      expect((await typed(l, "node1#t2", "SELECT 1;")).err).toMatch(/container \w+ is not running/);
      await run(l, "host", "docker start drbd-node1");
      expect(l.session("node1#t2").prompt).toBe("root@node1:~# ");
      // no server at all: psql's connection error, and the terminal stays in bash
      const none = await l.exec("node1", "su - postgres -c psql");
      expect(none.exitCode).toBe(2);
      expect(none.stderr).toBe(
        'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n',
      );
      expect(none.session.prompt).toBe("root@node1:~# ");
    },
    T,
  );
});
