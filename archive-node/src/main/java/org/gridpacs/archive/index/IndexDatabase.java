package org.gridpacs.archive.index;

import java.io.Closeable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index database: a connection pool on a JDBC URL, the schema brought up to date on open (Flyway, the
 * archive's scripts and those other modules contribute: {@link SchemaMigrations}), and transactions
 * that are retried when the database says a concurrent transaction got in the way (as Orthanc retries its index
 * transactions). Plain JDBC and portable SQL, so that PostgreSQL can replace the embedded H2 default.
 */
public final class IndexDatabase implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexDatabase.class);

    /**
     * H2 settings for an index that must not lose an acknowledged store. WRITE_DELAY=0: H2 2.3's MVStore then
     * writes the changes of every commit to the database file before COMMIT returns (TransactionStore ends a
     * transaction with a synchronous MVStore.commit() instead of leaving it to the background writer, which
     * otherwise runs every 500 ms), so a committed transaction survives kill -9 of the process. It does not
     * fsync: the write sits in the operating system's cache, so a power failure may still lose the last commits;
     * the cluster's write quorum (copies on other nodes) covers that. LOCK_TIMEOUT: concurrent stores into one
     * study queue on the study row for as long as the commits ahead of them take; H2's default of one second is
     * short for a busy node, and a timeout is retried anyway.
     *
     * <p>Each of these commits costs 0.2-0.6 ms of CPU (MVStore serialises every B-tree page the transaction
     * changed into a new chunk) and, until the database is closed, 25-40 KB of file. Do not trade that for H2's
     * write delay and its background writer, even with the startup repair indexing again what a crash lost:
     * H2 2.3.232 then does not recover transactions whole after kill -9. Killing a process inserting from 16
     * threads left an index with study and series counts disagreeing with the instance rows, or an instance
     * without its location, in 5 of 23 kills (with WRITE_DELAY=0: 0 of 20; test sources: CrashConsistencyCheck);
     * CrashRecoveryTest failed for 2 of 36 seeds, once on the counts and once on a secondary index missing a row.
     * H2 2.5.252's write delay is no better (counts off after a kill), and 2.5.252 even with WRITE_DELAY=0
     * once recovered an index whose study rows every UPDATE then spun on for good, and in a second round left study
     * counts off the rows after 2 of 55 kills and hung after 2 more (2.3.232: 0 of 50); 2.4.240 failed
     * CrashRecoveryTest once (a lock timeout after the restart): the build stays on 2.3.232
     * (docs/architecture.md, "Dependency versions").
     *
     * <p>QUERY_CACHE_SIZE: each session keeps this many parsed statements. H2's default of 8 is the store
     * transaction's own count (8 statements for an instance of a known series, more for a new one), so with the
     * queries of other work on the same pooled connection a C-STORE parsed and planned some of its statements
     * again every time (about 4% of a store's index CPU in a profile).
     */
    public static final String H2_SETTINGS = ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64";

    /** SQLStates meaning "another transaction got in the way; running again will likely work". */
    private static final Set<String> TRANSIENT = Set.of(
            "40001", // serialization failure; H2's deadlock
            "40P01", // PostgreSQL deadlock
            "HYT00", // lock timeout (H2)
            "55P03", // lock not available (PostgreSQL)
            "90131"); // H2: concurrent update of a row
    /** Unique-constraint violation: a concurrent transaction inserted the same patient, study, series or instance. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int MAX_ATTEMPTS = 30;
    /**
     * Retries stop after this long: a C-STORE waits for its transaction on the association's reader thread, and
     * a sender's own response timeout (often 30-60 s) must not run out first.
     */
    private static final long RETRY_BUDGET_NANOS = 20_000_000_000L;

    private final HikariDataSource pool;
    /** Each module's schema version after the migrations ran on open, the archive's first. */
    private final Map<String, Integer> schemaVersions;

    private IndexDatabase(HikariDataSource pool, List<SchemaMigrations> contributions) throws SQLException {
        this.pool = pool;
        try {
            List<SchemaMigrations> modules = new ArrayList<>();
            modules.add(SchemaMigrations.ARCHIVE);
            modules.addAll(contributions);
            this.schemaVersions = Map.copyOf(Migrations.migrate(pool, modules));
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The JDBC URL of the default index: an H2 file database "index" in {@code directory}. */
    public static String h2FileUrl(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve("index") + H2_SETTINGS;
    }

    /** Opens (creating or migrating) the default embedded index in {@code directory}: the archive's tables only. */
    public static IndexDatabase openH2(Path directory) throws SQLException {
        return openH2(directory, List.of());
    }

    /**
     * Opens (creating or migrating) the default embedded index in {@code directory}, with the tables of the
     * modules that {@code contributions} come from as well as the archive's.
     */
    public static IndexDatabase openH2(Path directory, List<SchemaMigrations> contributions) throws SQLException {
        return open(h2FileUrl(directory), "sa", "", 16, contributions);
    }

    /** Opens a pool of at most {@code maxConnections} on {@code jdbcUrl} and migrates the archive's schema. */
    public static IndexDatabase open(String jdbcUrl, String user, String password, int maxConnections)
            throws SQLException {
        return open(jdbcUrl, user, password, maxConnections, List.of());
    }

    /**
     * Opens a pool of at most {@code maxConnections} on {@code jdbcUrl} and migrates the schema: the archive's
     * scripts, then those of each of {@code contributions} in order (the modules above {@code archive-node} that
     * keep tables in the index). Refuses an index whose schema is newer than the scripts of this build.
     */
    public static IndexDatabase open(String jdbcUrl, String user, String password, int maxConnections,
                                     List<SchemaMigrations> contributions) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(1);
        config.setPoolName("index");
        // Every use is an explicit transaction; READ COMMITTED is the default of both H2 and PostgreSQL, and what
        // the insert logic is written for (a statement sees what committed before it started).
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        try {
            return new IndexDatabase(new HikariDataSource(config), List.copyOf(contributions));
        } catch (RuntimeException e) {
            // Hikari reports a failing first connection as an unchecked PoolInitializationException
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw e;
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The archive's schema version after the migrations ran on open. */
    public int schemaVersion() {
        return schemaVersion(SchemaMigrations.ARCHIVE.module());
    }

    /** The schema version of {@code module} after the migrations ran on open; 0 if they were not given to open. */
    public int schemaVersion(String module) {
        return schemaVersions.getOrDefault(module, 0);
    }

    /**
     * Runs {@code work} in a transaction and commits; on a transient conflict (serialization failure, deadlock,
     * lock timeout) rolls back, waits a short random time and runs it again.
     */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        return inTransaction(work, false);
    }

    /**
     * As {@link #inTransaction(SqlWork)}; with {@code retryOnUniqueViolation}, a unique-constraint violation is
     * retried too. Find-or-create logic uses this: the losing transaction of an insert race is rolled back as a
     * whole (PostgreSQL cannot go on in a transaction after an error anyway) and its retry finds the row the
     * winner committed.
     */
    public <T> T inTransaction(SqlWork<T> work, boolean retryOnUniqueViolation) throws SQLException {
        long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt >= MAX_ATTEMPTS || System.nanoTime() > deadline || !isRetryable(e, retryOnUniqueViolation)) {
                    throw e;
                }
                LOG.debug("index transaction attempt {} failed ({}), retrying", attempt, e.getSQLState());
                if (!backOff(attempt)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Runs {@code work} once in a transaction of its own: for queries, which must not be repeated once they have
     * handed out results. Ended by a commit (it changed nothing), a rollback only when it failed: H2 empties a
     * session's cache of parsed statements on every rollback, so each query would be parsed and planned again, which
     * cost more than half of a WADO-RS frame request (a lookup by SOP Instance UID).
     */
    public <T> T read(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
            c.commit();
            return result;
        }
    }

    private static boolean isRetryable(SQLException e, boolean uniqueViolation) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException n = s; n != null; n = n.getNextException()) {
                    String state = n.getSQLState();
                    if (state != null && (TRANSIENT.contains(state) || uniqueViolation && UNIQUE_VIOLATION.equals(state))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Random, growing wait so that the transactions that collided do not collide again in lockstep. */
    private static boolean backOff(int attempt) {
        int ceiling = Math.min(100, 2 << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, ceiling + 1));
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException r) {
            cause.addSuppressed(r);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
