package org.gridpacs.archive.index;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migrations as they were before Flyway (commit 415b92e), kept verbatim but for the name: they make an index
 * exactly as a node of that release left it ({@code schema_version} with one row per script), for the test that
 * such an index opens with the Flyway migrations without losing anything.
 */
final class MigrationsBeforeFlyway {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationsBeforeFlyway.class);

    /** Every migration, oldest first. Add new ones at the end; never edit one that has been released. */
    static final List<String> SCRIPTS = List.of("V1__schema.sql");

    private MigrationsBeforeFlyway() {
    }

    /** Runs the scripts not yet applied; returns the schema version reached. */
    static int migrate(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, script VARCHAR(200) NOT NULL,"
                        + " applied TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            }
            c.commit();
            int current = currentVersion(c);
            for (String script : SCRIPTS) {
                int version = versionOf(script);
                if (version <= current) {
                    continue;
                }
                LOG.info("index schema: applying {}", script);
                try (Statement s = c.createStatement()) {
                    for (String sql : statements(read(script))) {
                        s.execute(sql);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (version, script) VALUES (?, ?)")) {
                    ps.setInt(1, version);
                    ps.setString(2, script);
                    ps.executeUpdate();
                }
                // A second node migrating the same PostgreSQL database at the same time fails here on the primary
                // key and rolls its DDL back (PostgreSQL DDL is transactional); an embedded H2 file has one owner.
                c.commit();
                current = version;
            }
            return current;
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static int versionOf(String script) {
        int sep = script.indexOf("__");
        if (!script.startsWith("V") || sep < 2) {
            throw new IllegalStateException("migration script not named V<n>__<what>.sql: " + script);
        }
        return Integer.parseInt(script.substring(1, sep));
    }

    private static String read(String script) {
        try (InputStream in = MigrationsBeforeFlyway.class.getResourceAsStream("db/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration script missing from the class path: db/" + script);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script into statements: comments dropped, one statement per ';'. */
    static List<String> statements(String script) {
        StringBuilder sb = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            sb.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        List<String> out = new ArrayList<>();
        for (String stmt : sb.toString().split(";")) {
            if (!stmt.isBlank()) {
                out.add(stmt.trim());
            }
        }
        return out;
    }
}
