/** `initdb -D DIR`: lays the cluster template into DIR (see template.ts), as real initdb's output. */
import { US_PER_S } from "../../../core/clock";
import type { CommandSpec } from "../../../world/types";
import { absPath, fail, getopt, ok, pgOf, strerror, userOf } from "../common";
import { SHARED_BUFFERS } from "../pglite";
import { dataDirTemplate } from "../template";

const ROOT_REFUSAL =
  'initdb: error: cannot be run as root\ninitdb: hint: Please log in (using, e.g., "su") as the (unprivileged) user that will own the server process.';

export const initdbCommand: CommandSpec = {
  name: "initdb",
  where: "node",
  async run(ctx) {
    const g = getopt(
      ctx.args,
      {
        "-D": "D",
        "--pgdata": "D",
        "-U": "U",
        "--username": "U",
        "-E": "E",
        "--encoding": "E",
        "-A": "A",
        "--auth": "A",
      },
      { "-k": "k", "--data-checksums": "k" },
    );
    if (g.error) return fail(`initdb: ${g.error}\ninitdb: hint: Try "initdb --help" for more information.`);
    if (userOf(ctx) === "root") return fail(ROOT_REFUSAL);
    const given = g.opts.D ?? g.rest[0] ?? ctx.env.PGDATA;
    if (!given)
      return fail(
        "initdb: error: no data directory specified\ninitdb: hint: You must identify the directory where the data for this database system will reside.  Do this with either the invocation option -D or the environment variable PGDATA.",
      );
    const dir = absPath(ctx.cwd, given);
    const fs = ctx.fs;
    let existed = false;
    try {
      if (await fs.exists(dir)) {
        existed = true;
        const st = await fs.stat(dir);
        if (!st.isDirectory) return fail(`initdb: error: could not access directory "${dir}": Not a directory`);
        if ((await fs.readdir(dir)).length > 0)
          return fail(
            `initdb: error: directory "${dir}" exists but is not empty\ninitdb: hint: If you want to create a new database system, either remove or empty the directory "${dir}" or run initdb with an argument other than "${dir}".`,
          );
      } else await fs.mkdir(dir, { recursive: true });
    } catch (e) {
      return fail(`initdb: error: could not ${existed ? "access" : "create"} directory "${dir}": ${strerror(e)}`);
    }
    const user = userOf(ctx);
    let out =
      `The files belonging to this database system will be owned by user "${user}".\nThis user must also own the server process.\n\n` +
      'The database cluster will be initialized with locale "C.UTF-8".\nThe default database encoding has accordingly been set to "UTF8".\nThe default text search configuration will be set to "english".\n\n';
    out += existed ? `fixing permissions on existing directory ${dir} ... ok\n` : `creating directory ${dir} ... ok\n`;
    const t = await dataDirTemplate();
    try {
      await fs.chmod(dir, 0o700);
      for (const d of t.dirs) await fs.mkdir(`${dir}${d}`, { recursive: true });
      out += "creating subdirectories ... ok\n";
      // a copy: a filesystem that keeps the array (not a block device) would let the server's
      // writes patch the process-wide template in place
      for (const [p, data] of t.files) await fs.writeFile(`${dir}${p}`, data.slice());
    } catch (e) {
      return fail(
        `initdb: error: could not write to file "${dir}": ${strerror(e)}\ninitdb: removing contents of data directory "${dir}"`,
        1,
        out,
      );
    }
    out +=
      "selecting dynamic shared memory implementation ... posix\n" +
      'selecting default "max_connections" ... 100\n' +
      `selecting default "shared_buffers" ... ${SHARED_BUFFERS}\n` +
      "selecting default time zone ... Etc/UTC\n" +
      "creating configuration files ... ok\n" +
      "running bootstrap script ... ok\n" +
      "performing post-bootstrap initialization ... ok\n" +
      "syncing data to disk ... ok\n\n" +
      `\nSuccess. You can now start the database server using:\n\n    pg_ctl -D ${dir} -l logfile start\n\n`;
    ctx.world.clock.advanceBy(2 * US_PER_S);
    pgOf(ctx).noteInitdb();
    const warn =
      'initdb: warning: enabling "trust" authentication for local connections\ninitdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.\n';
    // real initdb prints the warning between "syncing" and "Success" on stderr
    return ok(out, warn);
  },
};
