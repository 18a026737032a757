package org.gridpacs.dose.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SchemaMigrations;

/**
 * The dose jobs, durable in the node's index (table {@code dose_job}, created by this module's migrations
 * {@link #SCHEMA}). Every change of state is one short transaction; a change that finds the job in another state
 * than it expects does nothing and says so (a cancel racing the end of a run).
 */
public final class JobStore {
    /** This module's tables in the index: pass it to {@link IndexDatabase#open} among the migrations. */
    public static final SchemaMigrations SCHEMA = SchemaMigrations.of("dose_jobs", JobStore.class,
            "org/gridpacs/dose/jobs/db");

    private static final String COLUMNS = "id, state, detail, origin, study_uid, plan_uid, beams_json, uncertainty,"
            + " histories, seed, wait_ct_until, created, updated, owner_node, histories_done, histories_planned,"
            + " uncertainty_reached, eta_seconds, result_dose_uid, result_error_uid, result_plan_uid, error, attempts";

    private final IndexDatabase db;
    private final String owner;

    /**
     * @param db    the index, opened with {@link #SCHEMA}
     * @param owner this node's name: the owner of the jobs it creates
     */
    public JobStore(IndexDatabase db, String owner) {
        if (db.schemaVersion(SCHEMA.module()) < 1) {
            throw new IllegalStateException("the index was opened without the dose job tables: pass JobStore.SCHEMA "
                    + "to IndexDatabase.open");
        }
        this.db = db;
        this.owner = owner;
    }

    public String owner() {
        return owner;
    }

    /** A new QUEUED job with a random id; {@code waitCtUntil} for an on-arrival job, else null. */
    public JobRecord create(JobRequest request, JobOrigin origin, long seed, Instant waitCtUntil, String detail)
            throws SQLException {
        String id = UUID.randomUUID().toString();
        // millisecond times: what the database keeps, so the DerivedIds of a rerun read back the same time
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        db.inTransaction(c -> {
            insert(c, id, request, origin, seed, waitCtUntil, detail, now,
                    origin == JobOrigin.ON_ARRIVAL ? request.plan() : null);
            return null;
        });
        return get(id).orElseThrow();
    }

    /**
     * The on-arrival job of a stored plan: created once per plan SOP Instance UID; a plan stored again finds the
     * job made the first time.
     *
     * @return the job and whether it was created now
     */
    public Created createForPlan(JobRequest request, long seed, Instant waitCtUntil, String detail) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String id = UUID.randomUUID().toString();
        String made = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM dose_job WHERE arrival_plan_uid = ?")) {
                ps.setString(1, request.plan());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return "existing:" + rs.getString(1);
                    }
                }
            }
            insert(c, id, request, JobOrigin.ON_ARRIVAL, seed, waitCtUntil, detail, now, request.plan());
            return id;
        }, true); // a racing insert of the same plan loses on the unique key and finds the winner's row on retry
        boolean created = !made.startsWith("existing:");
        return new Created(get(created ? made : made.substring("existing:".length())).orElseThrow(), created);
    }

    /** A job and whether {@link #createForPlan} created it. */
    public record Created(JobRecord job, boolean created) {
    }

    private void insert(Connection c, String id, JobRequest r, JobOrigin origin, long seed, Instant waitCtUntil,
                        String detail, Instant now, String arrivalPlan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dose_job (id, state, detail, origin, study_uid,"
                + " plan_uid, beams_json, uncertainty, histories, seed, wait_ct_until, created, updated, owner_node,"
                + " arrival_plan_uid) VALUES (?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, detail);
            ps.setString(3, origin.name());
            ps.setString(4, r.study());
            ps.setString(5, r.plan());
            ps.setString(6, r.beams().isEmpty() ? null : JobJson.beamsToJson(r.beams()));
            setDouble(ps, 7, r.uncertainty());
            if (r.histories() == null) {
                ps.setNull(8, Types.BIGINT);
            } else {
                ps.setLong(8, r.histories());
            }
            ps.setLong(9, seed);
            ps.setTimestamp(10, waitCtUntil == null ? null : Timestamp.from(waitCtUntil));
            ps.setTimestamp(11, Timestamp.from(now));
            ps.setTimestamp(12, Timestamp.from(now));
            ps.setString(13, owner);
            ps.setString(14, arrivalPlan);
            ps.executeUpdate();
        }
    }

    public Optional<JobRecord> get(String id) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dose_job WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Jobs newest first, of one state or all (null), at most {@code limit}. */
    public List<JobRecord> list(JobState state, int limit) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM dose_job" + (state != null ? " WHERE state = ?" : "")
                + " ORDER BY created DESC, id FETCH FIRST " + limit + " ROWS ONLY", state != null ? state.name() : null);
    }

    /** This node's QUEUED jobs, oldest first (the run order). */
    public List<JobRecord> queued() throws SQLException {
        return query("SELECT " + COLUMNS + " FROM dose_job WHERE state = 'QUEUED' AND owner_node = ?"
                + " ORDER BY created, id", owner);
    }

    private List<JobRecord> query(String sql, String param) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (param != null) {
                    ps.setString(1, param);
                }
                List<JobRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * At start: this node's RUNNING jobs (a run the node's stop or crash cut short) go back to QUEUED, to rerun from
     * the start. @return how many
     */
    public int requeueRunning() throws SQLException {
        return update("UPDATE dose_job SET state = 'QUEUED', detail = 'requeued after a restart of the node',"
                + " updated = ? WHERE state = 'RUNNING' AND owner_node = ?", Timestamp.from(now()), owner);
    }

    /** QUEUED -> RUNNING, one attempt more. @return false when the job is no longer QUEUED (cancelled) */
    public boolean start(String id, String detail) throws SQLException {
        return update("UPDATE dose_job SET state = 'RUNNING', detail = ?, attempts = attempts + 1, histories_done = 0,"
                + " uncertainty_reached = NULL, eta_seconds = NULL, updated = ? WHERE id = ? AND state = 'QUEUED'",
                detail, Timestamp.from(now()), id) == 1;
    }

    /** What an open job is doing now ("waiting for the CT series", "reading CT 45/90"). */
    public void detail(String id, String detail) throws SQLException {
        update("UPDATE dose_job SET detail = ?, updated = ? WHERE id = ? AND state IN ('QUEUED', 'RUNNING')",
                detail, Timestamp.from(now()), id);
    }

    /** Progress of a RUNNING job. */
    public void progress(String id, long done, long planned, Double uncertaintyPercent, Double eta)
            throws SQLException {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE dose_job SET histories_done = ?,"
                    + " histories_planned = ?, uncertainty_reached = ?, eta_seconds = ?, updated = ?"
                    + " WHERE id = ? AND state = 'RUNNING'")) {
                ps.setLong(1, done);
                ps.setLong(2, planned);
                setDouble(ps, 3, uncertaintyPercent);
                setDouble(ps, 4, eta);
                ps.setTimestamp(5, Timestamp.from(now()));
                ps.setString(6, id);
                return ps.executeUpdate();
            }
        });
    }

    /** RUNNING -> DONE with the UIDs stored. @return false when the job was not RUNNING */
    public boolean done(String id, String doseUid, String errorDoseUid, String planUid, String detail)
            throws SQLException {
        return update("UPDATE dose_job SET state = 'DONE', detail = ?, result_dose_uid = ?, result_error_uid = ?,"
                + " result_plan_uid = ?, eta_seconds = 0, error = NULL, updated = ? WHERE id = ? AND state = 'RUNNING'",
                detail, doseUid, errorDoseUid, planUid, Timestamp.from(now()), id) == 1;
    }

    /** An open job -> FAILED with the error in words. @return false when it had ended already */
    public boolean fail(String id, String error) throws SQLException {
        String e = error.length() > 4000 ? error.substring(0, 3997) + "..." : error;
        return update("UPDATE dose_job SET state = 'FAILED', detail = 'failed', error = ?, eta_seconds = NULL,"
                + " updated = ? WHERE id = ? AND state IN ('QUEUED', 'RUNNING')", e, Timestamp.from(now()), id) == 1;
    }

    /** An open job -> CANCELLED. @return false when it had ended already */
    public boolean cancel(String id) throws SQLException {
        return update("UPDATE dose_job SET state = 'CANCELLED', detail = 'cancelled', eta_seconds = NULL, updated = ?"
                + " WHERE id = ? AND state IN ('QUEUED', 'RUNNING')", Timestamp.from(now()), id) == 1;
    }

    /** An on-arrival job found its CT: it no longer waits (and no longer times out). */
    public void stopWaiting(String id) throws SQLException {
        update("UPDATE dose_job SET wait_ct_until = NULL, updated = ? WHERE id = ?", Timestamp.from(now()), id);
    }

    private int update(String sql, Object... params) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || !Double.isFinite(v)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static JobRecord row(ResultSet rs) throws SQLException {
        String beams = rs.getString("beams_json");
        JobRequest req = new JobRequest(rs.getString("study_uid"), rs.getString("plan_uid"),
                beams == null ? List.of() : JobJson.beamsFromJson(beams), dbl(rs, "uncertainty"),
                lng(rs, "histories"), rs.getLong("seed"));
        Timestamp wait = rs.getTimestamp("wait_ct_until");
        return new JobRecord(rs.getString("id"), JobState.valueOf(rs.getString("state")), rs.getString("detail"),
                JobOrigin.valueOf(rs.getString("origin")), req, wait == null ? null : wait.toInstant(),
                rs.getTimestamp("created").toInstant(), rs.getTimestamp("updated").toInstant(),
                rs.getString("owner_node"), rs.getLong("histories_done"), rs.getLong("histories_planned"),
                dbl(rs, "uncertainty_reached"), dbl(rs, "eta_seconds"), rs.getString("result_dose_uid"),
                rs.getString("result_error_uid"), rs.getString("result_plan_uid"), rs.getString("error"),
                rs.getInt("attempts"));
    }

    private static Double dbl(ResultSet rs, String col) throws SQLException {
        double d = rs.getDouble(col);
        return rs.wasNull() ? null : d;
    }

    private static Long lng(ResultSet rs, String col) throws SQLException {
        long l = rs.getLong(col);
        return rs.wasNull() ? null : l;
    }
}
