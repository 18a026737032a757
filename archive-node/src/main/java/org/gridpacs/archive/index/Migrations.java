package org.gridpacs.archive.index;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with Flyway, one module after the other ({@link SchemaMigrations}): the archive's
 * own scripts first, then each contribution in the order given. Each module has its own history table, so each
 * numbers its scripts from 1 and no module needs to know another's versions.
 *
 * <p>An index made before Flyway (its archive versions in a table {@code schema_version}) is baselined at the
 * version that table names: those scripts are not run again, later ones are. The old table is left as it was.
 * An index whose history names a version this build does not have (written by a newer release) is refused.
 *
 * <p>Why Flyway rather than the few dozen lines that ran a hard-coded list before: a module adds a script by
 * putting a file in its folder (Flyway lists class path folders, in jars too), an edited released script is
 * caught by its checksum, and a newer schema is refused. It costs about 0.3 s on a cold start (its classes) and
 * some 20 ms per further module. Each script runs in a transaction, but H2 commits DDL at once: a script that
 * fails halfway on H2 leaves its first statements applied and is recorded as failed, and the index does not
 * open until that is repaired by hand; keep scripts small.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    /** Where the archive's versions were kept before Flyway (version INT, script, applied). */
    static final String LEGACY_TABLE = "schema_version";

    private Migrations() {
    }

    /** Runs the scripts not yet applied, module by module; returns each module's schema version reached. */
    static Map<String, Integer> migrate(DataSource ds, List<SchemaMigrations> modules) throws SQLException {
        Map<String, Integer> versions = new LinkedHashMap<>();
        for (SchemaMigrations m : modules) {
            if (versions.containsKey(m.module())) {
                throw new IllegalArgumentException("schema migrations of module " + m.module() + " given twice");
            }
            versions.put(m.module(), migrate(ds, m));
        }
        return versions;
    }

    private static int migrate(DataSource ds, SchemaMigrations m) throws SQLException {
        try {
            if (m.module().equals(SchemaMigrations.ARCHIVE.module())) {
                baselineLegacy(ds, m);
            }
            MigrateResult result = configure(ds, m).load().migrate();
            for (MigrateOutput applied : result.migrations) {
                LOG.info("index schema: {} now at version {} ({})", m.module(), applied.version, applied.description);
            }
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            try {
                return version == null ? 0 : Integer.parseInt(version);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("index schema of module " + m.module() + ": versions are whole numbers"
                        + " (V<n>__<what>.sql), not " + version, e);
            }
        } catch (FlywayException e) {
            String newer = newerThanKnown(ds, m);
            throw new SQLException(newer != null ? newer
                    : "index schema of module " + m.module() + ": " + e.getMessage(), e);
        }
    }

    /** Flyway set up for {@code m}'s scripts and history table. */
    static FluentConfiguration configure(DataSource ds, SchemaMigrations m) {
        return Flyway.configure(m.classLoader())
                .dataSource(ds)
                .locations("classpath:" + m.folder())
                .table(m.historyTable())
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                // the index holds other modules' tables: a module's first run starts its history at 0 and runs V1 on
                .baselineOnMigrate(true)
                .baselineVersion("0")
                // Flyway's default ignores applied versions it has no script for ("*:future"): a schema written
                // by a newer release would be opened silently
                .ignoreMigrationPatterns("")
                .loggers("slf4j");
    }

    /**
     * An index made before Flyway: its {@code schema_version} table says up to which script the archive's
     * schema is; Flyway's history starts there.
     */
    private static void baselineLegacy(DataSource ds, SchemaMigrations m) throws SQLException {
        int legacy;
        try (Connection c = ds.getConnection()) {
            if (tableExists(c, m.historyTable()) || !tableExists(c, LEGACY_TABLE)) {
                return;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + LEGACY_TABLE)) {
                rs.next();
                legacy = rs.getInt(1);
            }
            c.rollback();
        }
        if (legacy <= 0) {
            return;
        }
        LOG.info("index schema: {} was at version {} before Flyway ({}); baselined there", m.module(), legacy, LEGACY_TABLE);
        configure(ds, m).baselineVersion(Integer.toString(legacy))
                .baselineDescription("from " + LEGACY_TABLE + " (before Flyway)")
                .load().baseline();
    }

    private static boolean tableExists(Connection c, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        for (String n : new String[] {name, name.toUpperCase(java.util.Locale.ROOT)}) {
            try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), n, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A message if the index has versions of {@code m} applied that are newer than its latest script, else null. */
    private static String newerThanKnown(DataSource ds, SchemaMigrations m) {
        try {
            MigrationInfo[] all = configure(ds, m).load().info().all();
            MigrationVersion applied = null;
            MigrationVersion known = null;
            for (MigrationInfo i : all) {
                if (i.getVersion() == null) {
                    continue;
                }
                if (i.getState() == MigrationState.FUTURE_SUCCESS || i.getState() == MigrationState.FUTURE_FAILED) {
                    applied = max(applied, i.getVersion());
                } else if (i.getState().isResolved()) {
                    known = max(known, i.getVersion());
                }
            }
            if (applied == null) {
                return null;
            }
            return "the index's " + m.module() + " schema is at version " + applied + ", newer than this build knows ("
                    + (known == null ? "none" : known) + "): it was opened by a newer GridPACS release; refusing to open"
                    + " it, since this one cannot know what the newer one changed";
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static MigrationVersion max(MigrationVersion a, MigrationVersion b) {
        return a == null || b.compareTo(a) > 0 ? b : a;
    }
}
