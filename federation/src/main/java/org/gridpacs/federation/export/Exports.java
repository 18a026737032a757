package org.gridpacs.federation.export;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.Permission;
import org.gridpacs.federation.site.RemoteSite;

/**
 * What {@code pacs export} and {@code POST /api/federation/exports} ask for: checks the request (the site known,
 * ours to send to, the study here, the profile valid) before anything is queued, so the user hears of a mistake at
 * once and not from a FAILED export later.
 */
public final class Exports {
    /** A request that cannot be queued; {@code httpStatus} says which kind (400, 403, 404). */
    public static final class Refused extends Exception {
        private final int httpStatus;

        Refused(int httpStatus, String message) {
            super(message);
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final ExportQueue queue;
    private final FederationSettings sites;
    private final RetrieveService retrieve;
    private final Runnable queued;

    /** {@code queued}: told when an export was queued (the sender's wake). */
    public Exports(ExportQueue queue, FederationSettings sites, RetrieveService retrieve, Runnable queued) {
        this.queue = queue;
        this.sites = sites;
        this.retrieve = retrieve;
        this.queued = queued;
    }

    /**
     * Queues the study for the site (name or id) under the profile (null: none); an export of the same study, site
     * and profile that is DONE or FAILED is queued again, one QUEUED or SENDING is returned as it is.
     */
    public Export request(String studyUid, String site, String profileText) throws Refused, SQLException {
        if (studyUid == null || studyUid.isBlank() || !studyUid.strip().matches("[0-9]+(\\.[0-9]+)*")
                || studyUid.strip().length() > 64) {
            throw new Refused(400, "'" + studyUid + "' is not a Study Instance UID (digits and dots, at most 64)");
        }
        if (site == null || site.isBlank()) {
            throw new Refused(400, "no destination site (to)");
        }
        RemoteSite to = sites.remote(site.strip()).orElseThrow(() -> new Refused(404, "unknown site '" + site.strip()
                + "': conf/federation.properties lists " + (sites.remotes().isEmpty() ? "no remote site"
                : String.join(", ", sites.remotes().stream().map(RemoteSite::name).toList()))));
        if (!to.mayThere(Permission.SEND)) {
            throw new Refused(403, "we may not send to " + to.name() + ": its federation.remote." + to.id()
                    + ".may-there lacks send");
        }
        ExportProfile profile;
        try {
            profile = profileText == null || profileText.isBlank() ? ExportProfile.NONE : ExportProfile.parse(profileText);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, e.getMessage());
        }
        String study = studyUid.strip();
        if (!studyExists(study)) {
            throw new Refused(404, "unknown study " + study + ": not in this archive");
        }
        Export e = queue.add(study, to.name(), profile.name(), "cli", true);
        queued.run();
        return e;
    }

    private boolean studyExists(String study) throws SQLException {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, study);
        try {
            return !retrieve.resolve(QueryModel.STUDY_ROOT, keys).isEmpty();
        } catch (QueryException e) {
            throw new SQLException("the index could not be searched: " + e.getMessage(), e);
        }
    }

    public Optional<Export> get(long id) throws SQLException {
        return queue.get(id);
    }

    public List<Export> list(int max) throws SQLException {
        return queue.list(max);
    }
}
