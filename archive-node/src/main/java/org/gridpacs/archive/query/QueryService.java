package org.gridpacs.archive.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceRows;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.CompiledQuery.ReturnKey;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DateTimes;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * Queries of the Patient Root and Study Root Query/Retrieve models over the index: C-FIND matching and return
 * keys ({@link #find}), and the instances a C-MOVE or C-GET identifier names ({@link #resolve}). The DIMSE and
 * DICOMweb adapters are thin layers over this.
 */
public final class QueryService {
    /** Rows fetched per round trip: results stream, memory stays bounded whatever the number of matches. */
    private static final int FETCH_SIZE = 200;

    private final IndexDatabase db;
    private final String retrieveAETitle;
    private final SqlInstanceIndex instances;
    private final ReadBarrier barrier;

    public QueryService(IndexDatabase db) {
        this(db, null);
    }

    /** With {@code retrieveAETitle}, every response carries Retrieve AE Title (0008,0054) with that value. */
    public QueryService(IndexDatabase db, String retrieveAETitle) {
        this(db, retrieveAETitle, ReadBarrier.NONE);
    }

    /**
     * With {@code barrier}, each {@link #find} first waits for what other nodes acknowledged to be in this index
     * (the cluster's read-after-write promise); {@link #resolve} and {@link #instance} leave that to their caller
     * (the retrieve service passes it before each resolve, and for a single instance only when it is missing).
     */
    public QueryService(IndexDatabase db, String retrieveAETitle, ReadBarrier barrier) {
        this.db = db;
        this.barrier = barrier;
        this.instances = new SqlInstanceIndex(db);
        this.retrieveAETitle = retrieveAETitle == null || retrieveAETitle.isBlank() ? null : retrieveAETitle.trim();
    }

    public void find(QueryModel model, DataSet identifier, Predicate<DataSet> onMatch) throws QueryException {
        find(model, identifier, QueryOptions.DEFAULT, onMatch);
    }

    /**
     * Hands each match to {@code onMatch}, in a stable order (by primary key of the query level), until it
     * returns false (the requester cancelled) or the matches run out; with paging options, only the matches from
     * {@code offset} on, at most {@code limit} of them.
     *
     * @throws QueryException with status A900 for an identifier that does not fit the model (missing or wrong
     *                        level, missing unique keys of the levels above in a hierarchical query, a key value
     *                        that does not parse), C000 when the index fails
     */
    public void find(QueryModel model, DataSet identifier, QueryOptions options, Predicate<DataSet> onMatch)
            throws QueryException {
        QueryLevel level = QueryLevel.of(identifier, model);
        CompiledQuery q = QueryBuilder.build(level, identifier, options);
        barrier.await();
        try {
            db.read(c -> {
                run(c, q, onMatch);
                return null;
            });
        } catch (SQLException e) {
            throw new QueryException(QueryException.UNABLE_TO_PROCESS, "index query failed: " + e.getMessage(), e);
        }
    }

    /** The barrier this service's finds pass (for callers that look instances up by their UIDs). */
    public ReadBarrier readBarrier() {
        return barrier;
    }

    private void run(Connection c, CompiledQuery q, Predicate<DataSet> onMatch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(q.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
             HeaderSource headers = q.needsHeader() ? new HeaderSource(c, q.level()) : null) {
            ps.setFetchSize(FETCH_SIZE);
            Jdbc.bind(ps, q.params());
            long skip = q.offset();
            long left = q.limit();
            try (ResultSet rs = ps.executeQuery()) {
                while (left != 0 && rs.next()) {
                    DataSet header = headers != null ? headers.header(rs.getLong(1)) : null;
                    if (!q.headerMatches().stream().allMatch(t -> t.test(header))) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    if (left > 0) {
                        left--;
                    }
                    if (!onMatch.test(response(rs, q, header))) {
                        return;
                    }
                }
            }
        }
    }

    private DataSet response(ResultSet rs, CompiledQuery q, DataSet header) throws SQLException {
        ResponseBuilder r = new ResponseBuilder();
        r.text(Tag.QueryRetrieveLevel, VR.CS, q.level().name());
        if (retrieveAETitle != null) {
            r.text(Tag.RetrieveAETitle, VR.AE, retrieveAETitle);
        }
        for (ReturnKey k : q.returnKeys()) {
            switch (k.source()) {
                case COLUMN -> r.text(k.tag(), k.vr(), columnValue(rs, k));
                case HEADER -> r.copy(header, k.tag(), k.vr());
                case EMPTY -> r.empty(k.tag(), k.vr());
                case AVAILABILITY -> r.text(k.tag(), k.vr(), "ONLINE");
            }
        }
        return r.build();
    }

    /** A column as the DICOM string of its attribute. */
    private static String columnValue(ResultSet rs, ReturnKey k) throws SQLException {
        int col = k.column();
        return switch (k.kind()) {
            case DATE -> {
                LocalDate d = rs.getObject(col, LocalDate.class);
                yield d == null ? null : DateTimes.formatDate(d);
            }
            case TIME -> {
                LocalTime t = rs.getObject(col, LocalTime.class);
                yield t == null ? null : DateTimes.formatTime(t);
            }
            case INTEGER, COUNT -> {
                long n = rs.getLong(col);
                yield rs.wasNull() ? null : Long.toString(n);
            }
            default -> rs.getString(col);
        };
    }

    /**
     * The instances a C-MOVE or C-GET identifier names, with their locations, ordered by study, series and
     * instance number: PATIENT level by Patient ID (and Issuer of Patient ID when given), STUDY, SERIES and IMAGE
     * levels by the UID (or list of UIDs) of the level. Unique keys of the levels above, when given, narrow the
     * selection.
     *
     * @throws QueryException A900 when the level or its unique key is missing, or a unique key holds a wildcard
     */
    public List<IndexedInstance> resolve(QueryModel model, DataSet identifier) throws QueryException {
        QueryLevel level = QueryLevel.of(identifier, model);
        Where where = new Where();
        for (QueryLevel l : QueryLevel.values()) {
            if (model.topLevel().isAtOrAbove(l) && l.isAtOrAbove(level)) {
                uniqueKeyCondition(where, identifier, l, l == level);
            }
        }
        String issuer = identifier.getString(Tag.IssuerOfPatientID);
        if (level == QueryLevel.PATIENT && issuer != null && !issuer.isBlank()) {
            where.add("p.issuer = ?", issuer.trim());
        }
        String sql = "SELECT " + InstanceRows.COLUMNS + " FROM " + InstanceRows.FROM + where.sql()
                + " ORDER BY st.pk, se.pk, i.instance_number NULLS LAST, i.pk, l.pk";
        try {
            return db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setFetchSize(FETCH_SIZE);
                    Jdbc.bind(ps, where.params());
                    try (ResultSet rs = ps.executeQuery()) {
                        return InstanceRows.collect(rs);
                    }
                }
            });
        } catch (SQLException e) {
            throw new QueryException(QueryException.UNABLE_TO_PROCESS, "index query failed: " + e.getMessage(), e);
        }
    }

    /**
     * The instance with this SOP Instance UID, with its locations: one lookup by the index's unique key, for the
     * callers that name a single instance per request (WADO-RS frames: a viewer sends one per slice), where
     * building and running a {@link #resolve} identifier costs more than reading the frame.
     */
    public Optional<IndexedInstance> instance(String sopInstanceUID) throws QueryException {
        try {
            return instances.find(sopInstanceUID);
        } catch (SQLException e) {
            throw new QueryException(QueryException.UNABLE_TO_PROCESS, "index query failed: " + e.getMessage(), e);
        }
    }

    private static void uniqueKeyCondition(Where where, DataSet identifier, QueryLevel level, boolean required)
            throws QueryException {
        int tag = level.uniqueKey();
        List<String> values = new ArrayList<>();
        for (String v : identifier.getStrings(tag)) {
            if (!v.isBlank()) {
                values.add(v.trim());
            }
        }
        String name = ElementDictionary.keywordOf(tag) + " " + ElementDictionary.toString(tag);
        if (values.isEmpty()) {
            if (required) {
                throw QueryException.badIdentifier(level + " level retrieve without " + name);
            }
            return;
        }
        if (values.stream().anyMatch(Wildcards::has)) {
            throw QueryException.badIdentifier("wildcards are not allowed in " + name + " of a retrieve");
        }
        String expr = KeyCatalog.column(tag).match();
        where.add(values.size() == 1 ? expr + " = ?" : expr + " IN (" + "?, ".repeat(values.size() - 1) + "?)",
                values.toArray());
    }
}
