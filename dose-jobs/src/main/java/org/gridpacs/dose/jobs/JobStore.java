package org.gridpacs.dose.jobs;

import java.nio.charset.StandardCharsets;
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
import java.util.function.Consumer;

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
            + " uncertainty_reached, eta_seconds, result_dose_uid, result_error_uid, result_plan_uid, error, attempts,"
            + " owner_epoch";

    private final IndexDatabase db;
    private final String owner;
    /** Told the id of a job whose state or owner changed here (not of progress, not of rows merged from peers). */
    private volatile Consumer<String> changes = id -> {
    };

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

    /** Who hears of this node's changes of state and owner (the cluster's job replication). */
    void onChange(Consumer<String> listener) {
        this.changes = listener;
    }

    private void changed(String id) {
        try {
            changes.accept(id);
        } catch (RuntimeException e) {
            // best effort: the change is durable here; peers learn it at their next catch-up
            org.slf4j.LoggerFactory.getLogger(JobStore.class).warn("Could not pass on the change of dose job {}: {}",
                    id, e.toString());
        }
    }

    /**
     * The id of the on-arrival job of a plan: a name-based UUID of the plan's SOP Instance UID, the same on every
     * node, so that the plan stored on two nodes is one job of the cluster (the rows merge by id).
     */
    public static String arrivalJobId(String planUid) {
        return UUID.nameUUIDFromBytes(("dose-job/on-arrival/" + planUid).getBytes(StandardCharsets.UTF_8)).toString();
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
        changed(id);
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
        String id = arrivalJobId(request.plan());
        String made = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM dose_job WHERE arrival_plan_uid = ? OR id = ?")) {
                ps.setString(1, request.plan());
                ps.setString(2, id);
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
        if (created) {
            changed(id);
        }
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
        List<String> ids = idsOf("SELECT id FROM dose_job WHERE state = 'RUNNING' AND owner_node = ?", owner);
        int n = update("UPDATE dose_job SET state = 'QUEUED', detail = 'requeued after a restart of the node',"
                + " updated = ? WHERE state = 'RUNNING' AND owner_node = ?", Timestamp.from(now()), owner);
        ids.forEach(this::changed);
        return n;
    }

    /**
     * Takeover: the open jobs of {@code left} (a node that left the cluster) become this node's, QUEUED to rerun
     * from the start, one attempt and one owner epoch more. @return the ids adopted
     */
    public List<String> adopt(String left, String detail) throws SQLException {
        List<String> ids = db.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM dose_job WHERE owner_node = ?"
                    + " AND state IN ('QUEUED', 'RUNNING') ORDER BY created, id FOR UPDATE")) {
                ps.setString(1, left);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE dose_job SET owner_node = ?, state = 'QUEUED',"
                    + " detail = ?, attempts = attempts + 1, owner_epoch = owner_epoch + 1, histories_done = 0,"
                    + " uncertainty_reached = NULL, eta_seconds = NULL, updated = ? WHERE id = ?")) {
                for (String id : out) {
                    ps.setString(1, owner);
                    ps.setString(2, detail);
                    ps.setTimestamp(3, Timestamp.from(now()));
                    ps.setString(4, id);
                    ps.executeUpdate();
                }
            }
            return out;
        });
        ids.forEach(this::changed);
        return ids;
    }

    /** The nodes other than this one that own open jobs (candidates for a takeover). */
    public List<String> openOwnersOtherThanSelf() throws SQLException {
        return idsOf("SELECT DISTINCT owner_node FROM dose_job WHERE state IN ('QUEUED', 'RUNNING')"
                + " AND owner_node <> ? ORDER BY owner_node", owner);
    }

    /** What a peer is sent to catch up: every open job, and the newest {@code limit} of all. */
    public List<JobRecord> forPeers(int limit) throws SQLException {
        java.util.Map<String, JobRecord> out = new java.util.LinkedHashMap<>();
        query("SELECT " + COLUMNS + " FROM dose_job WHERE state IN ('QUEUED', 'RUNNING') ORDER BY created, id", null)
                .forEach(j -> out.put(j.id(), j));
        list(null, limit).forEach(j -> out.putIfAbsent(j.id(), j));
        return new ArrayList<>(out.values());
    }

    /** The result of merging a peer's row: whether it was taken, and the row held before (null: none). */
    public record Merged(boolean taken, JobRecord before) {
    }

    /**
     * Merges a peer's row of a job into this node's table by {@link JobMerge}: inserted when unknown, replaced when
     * newer, else left. The row's {@code created} is kept exactly (the job's DerivedIds depend on it).
     */
    public Merged merge(JobRecord theirs) throws SQLException {
        return db.inTransaction(c -> {
            JobRecord mine = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dose_job WHERE id = ?"
                    + " FOR UPDATE")) {
                ps.setString(1, theirs.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        mine = row(rs);
                    }
                }
            }
            if (!JobMerge.takeTheirs(mine, theirs)) {
                return new Merged(false, mine);
            }
            if (mine != null) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM dose_job WHERE id = ?")) {
                    ps.setString(1, theirs.id());
                    ps.executeUpdate();
                }
            }
            String arrivalPlan = theirs.arrivalPlanUid();
            if (arrivalPlan != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM dose_job WHERE arrival_plan_uid = ? AND id <> ?")) {
                    ps.setString(1, arrivalPlan);
                    ps.setString(2, theirs.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            // a job made for the plan before job ids were derived from the plan: both kept, the
                            // unique plan column stays with the older row
                            arrivalPlan = null;
                        }
                    }
                }
            }
            insertRow(c, theirs, arrivalPlan);
            return new Merged(true, mine);
        }, true);
    }

    private void insertRow(Connection c, JobRecord j, String arrivalPlan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dose_job (" + COLUMNS + ", arrival_plan_uid)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            JobRequest r = j.request();
            int i = 1;
            ps.setString(i++, j.id());
            ps.setString(i++, j.state().name());
            ps.setString(i++, j.detail());
            ps.setString(i++, j.origin().name());
            ps.setString(i++, r.study());
            ps.setString(i++, r.plan());
            ps.setString(i++, r.beams().isEmpty() ? null : JobJson.beamsToJson(r.beams()));
            setDouble(ps, i++, r.uncertainty());
            if (r.histories() == null) {
                ps.setNull(i++, Types.BIGINT);
            } else {
                ps.setLong(i++, r.histories());
            }
            ps.setLong(i++, r.seed() != null ? r.seed() : 0);
            ps.setTimestamp(i++, j.waitCtUntil() == null ? null : Timestamp.from(j.waitCtUntil()));
            ps.setTimestamp(i++, Timestamp.from(j.created()));
            ps.setTimestamp(i++, Timestamp.from(j.updated()));
            ps.setString(i++, j.owner());
            ps.setLong(i++, j.historiesDone());
            ps.setLong(i++, j.historiesPlanned());
            setDouble(ps, i++, j.uncertaintyReached());
            setDouble(ps, i++, j.etaSeconds());
            ps.setString(i++, j.doseUid());
            ps.setString(i++, j.errorDoseUid());
            ps.setString(i++, j.generatedPlanUid());
            ps.setString(i++, j.error());
            ps.setInt(i++, j.attempts());
            ps.setInt(i++, j.ownerEpoch());
            ps.setString(i, arrivalPlan);
            ps.executeUpdate();
        }
    }

    private List<String> idsOf(String sql, String param) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, param);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    /**
     * QUEUED -> RUNNING, one attempt more. @return false when the job is no longer QUEUED here (cancelled, or taken
     * by another node)
     */
    public boolean start(String id, String detail) throws SQLException {
        return changedIf(id, update("UPDATE dose_job SET state = 'RUNNING', detail = ?, attempts = attempts + 1,"
                + " histories_done = 0,"
                + " uncertainty_reached = NULL, eta_seconds = NULL, updated = ? WHERE id = ? AND state = 'QUEUED'"
                + " AND owner_node = ?", detail, Timestamp.from(now()), id, owner) == 1);
    }

    private boolean changedIf(String id, boolean changed) {
        if (changed) {
            changed(id);
        }
        return changed;
    }

    /** What an open job is doing now ("waiting for the CT series", "reading CT 45/90"). */
    public void detail(String id, String detail) throws SQLException {
        if (update("UPDATE dose_job SET detail = ?, updated = ? WHERE id = ? AND state IN ('QUEUED', 'RUNNING')"
                + " AND owner_node = ?", detail, Timestamp.from(now()), id, owner) > 0) {
            changed(id); // so that every node shows what the job does (HAProxy may send the next GET anywhere)
        }
    }

    /** Progress of a RUNNING job (the throttle calls it at most once a second); passed on to the peers too. */
    public void progress(String id, long done, long planned, Double uncertaintyPercent, Double eta)
            throws SQLException {
        int rows = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE dose_job SET histories_done = ?,"
                    + " histories_planned = ?, uncertainty_reached = ?, eta_seconds = ?, updated = ?"
                    + " WHERE id = ? AND state = 'RUNNING' AND owner_node = ?")) {
                ps.setLong(1, done);
                ps.setLong(2, planned);
                setDouble(ps, 3, uncertaintyPercent);
                setDouble(ps, 4, eta);
                ps.setTimestamp(5, Timestamp.from(now()));
                ps.setString(6, id);
                ps.setString(7, owner);
                return ps.executeUpdate();
            }
        });
        if (rows > 0) {
            changed(id);
        }
    }

    /** RUNNING -> DONE with the UIDs stored. @return false when the job was not RUNNING here */
    public boolean done(String id, String doseUid, String errorDoseUid, String planUid, String detail)
            throws SQLException {
        return changedIf(id, update("UPDATE dose_job SET state = 'DONE', detail = ?, result_dose_uid = ?,"
                + " result_error_uid = ?,"
                + " result_plan_uid = ?, eta_seconds = 0, error = NULL, updated = ? WHERE id = ? AND state = 'RUNNING'"
                + " AND owner_node = ?", detail, doseUid, errorDoseUid, planUid, Timestamp.from(now()), id,
                owner) == 1);
    }

    /** An open job of this node -> FAILED with the error in words. @return false when it had ended or moved */
    public boolean fail(String id, String error) throws SQLException {
        String e = error.length() > 4000 ? error.substring(0, 3997) + "..." : error;
        return changedIf(id, update("UPDATE dose_job SET state = 'FAILED', detail = 'failed', error = ?,"
                + " eta_seconds = NULL, updated = ? WHERE id = ? AND state IN ('QUEUED', 'RUNNING') AND owner_node = ?",
                e, Timestamp.from(now()), id, owner) == 1);
    }

    /** An open job (of any owner: a cancel the owner cannot be told) -> CANCELLED. @return false when it had ended */
    public boolean cancel(String id) throws SQLException {
        return changedIf(id, update("UPDATE dose_job SET state = 'CANCELLED', detail = 'cancelled', eta_seconds = NULL,"
                + " updated = ? WHERE id = ? AND state IN ('QUEUED', 'RUNNING')", Timestamp.from(now()), id) == 1);
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
                rs.getInt("attempts"), rs.getInt("owner_epoch"));
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
