package org.gridpacs.archive.index;

import java.io.Closeable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index database: a connection pool on a JDBC URL, the schema brought up to date on open, and transactions
 * that are retried when the database says a concurrent transaction got in the way (as Orthanc retries its index
 * transactions). Plain JDBC and portable SQL, so that PostgreSQL can replace the embedded H2 default.
 */
public final class IndexDatabase implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexDatabase.class);

    /**
     * H2 settings of the embedded index. H2's own write delay (500 ms) is kept: its background writer then
     * writes committed changes to the database file some half a second later (a kill -9 measured losing the
     * commits of the last 0.2 to 0.7 s; more right after a cold start), and compacts the file as it goes. With WRITE_DELAY=0 every COMMIT serialised all the B-tree pages it changed into a new chunk of the
     * file (about 0.5 ms of CPU per stored instance, and 40 KB of file per instance that nothing compacted
     * while the node ran). What must be in the file before a caller is told it is done, {@link #inTransaction}
     * writes there itself (see {@link Durability}). LOCK_TIMEOUT: concurrent stores into one study queue on the
     * study row for as long as the commits ahead of them take; H2's default of one second is short for a busy
     * node, and a timeout is retried anyway.
     */
    public static final String H2_SETTINGS = ";LOCK_TIMEOUT=10000";

    /**
     * What a committed transaction must have become before {@link #inTransaction} returns. For H2 neither
     * forces the database file to disk (no fsync): what is written survives kill -9 of the node, not
     * necessarily a power cut (the copies that the cluster keeps on other nodes cover that).
     */
    public enum Durability {
        /**
         * Written to the database file (for H2, its MVStore committed to the file; PostgreSQL's COMMIT does
         * that itself). Concurrent transactions share one write (group commit): a transaction waits for a
         * write that started after its commit, and one write takes all of them.
         */
        WRITTEN,
        /**
         * Committed, and left to H2's background writer (some {@code WRITE_DELAY} later): only for changes
         * that the startup repair makes again from storage when a crash loses them, that is indexing an object
         * already durable in storage (StartupRepair indexes every complete object that no index row names).
         * A change that removes or replaces what storage holds is never this.
         */
        REDONE_BY_REPAIR
    }

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
    private final int schemaVersion;
    /** Null when a COMMIT is written to the database by itself (PostgreSQL, H2 in memory). */
    private final GroupWrite groupWrite;

    private IndexDatabase(HikariDataSource pool, String jdbcUrl) throws SQLException {
        this.pool = pool;
        this.groupWrite = GroupWrite.needed(jdbcUrl) ? new GroupWrite() : null;
        try {
            this.schemaVersion = Migrations.migrate(pool);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The JDBC URL of the default index: an H2 file database "index" in {@code directory}. */
    public static String h2FileUrl(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve("index") + H2_SETTINGS;
    }

    /** Opens (creating or migrating) the default embedded index in {@code directory}. */
    public static IndexDatabase openH2(Path directory) throws SQLException {
        return open(h2FileUrl(directory), "sa", "", 16);
    }

    /** Opens a pool of at most {@code maxConnections} on {@code jdbcUrl} and migrates the schema. */
    public static IndexDatabase open(String jdbcUrl, String user, String password, int maxConnections)
            throws SQLException {
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
            return new IndexDatabase(new HikariDataSource(config), jdbcUrl);
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

    /** The schema version after the migrations run on open. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /**
     * Runs {@code work} in a transaction and commits, {@link Durability#WRITTEN written} to the database file
     * when this returns; on a transient conflict (serialization failure, deadlock, lock timeout) rolls back,
     * waits a short random time and runs it again.
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
        return inTransaction(work, retryOnUniqueViolation, Durability.WRITTEN);
    }

    /** As {@link #inTransaction(SqlWork, boolean)}, with the durability the change needs when this returns. */
    public <T> T inTransaction(SqlWork<T> work, boolean retryOnUniqueViolation, Durability durability)
            throws SQLException {
        long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
        for (int attempt = 1; ; attempt++) {
            boolean committed = false;
            try (Connection c = pool.getConnection()) {
                T result;
                try {
                    result = work.run(c);
                    c.commit();
                    committed = true;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
                if (groupWrite != null && durability == Durability.WRITTEN) {
                    groupWrite.await(c);
                }
                return result;
            } catch (SQLException e) {
                // committed, but not written: not a conflict, and running the work again would do it twice
                if (committed || attempt >= MAX_ATTEMPTS || System.nanoTime() > deadline || !isRetryable(e, retryOnUniqueViolation)) {
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
     * Runs {@code work} once in a transaction that is rolled back at the end: for queries, which must not be
     * repeated once they have handed out results.
     */
    public <T> T read(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            try {
                return work.run(c);
            } finally {
                c.rollback();
            }
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

    /**
     * Group commit for an H2 file database that runs with a write delay: writing what is committed to the file
     * is H2's CHECKPOINT (MVStore.commit(), which serialises every changed page into one new chunk of the file;
     * no fsync). Each committed transaction takes a ticket; one thread at a time writes, and a writer takes every
     * transaction committed before it started, so the transactions that committed while a write ran are all
     * covered by the next one, and any of them that finds its ticket covered returns without writing.
     */
    private static final class GroupWrite {
        private final AtomicLong committed = new AtomicLong();
        /** Guarded by this: every transaction whose ticket is at most this is in the file. */
        private long written;

        static boolean needed(String jdbcUrl) {
            String url = jdbcUrl.toLowerCase(java.util.Locale.ROOT);
            return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") && !url.contains(";write_delay=0");
        }

        /** Called after a COMMIT on {@code c}: returns when that commit is in the database file. */
        void await(Connection c) throws SQLException {
            long ticket = committed.incrementAndGet();
            synchronized (this) {
                if (written >= ticket) {
                    return; // a write that started after our commit has finished
                }
                long upTo = committed.get();
                try (Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT");
                }
                written = upTo;
            }
        }
    }
}
