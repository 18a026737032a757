package org.gridpacs.replication.conflict;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy catalog replication uses, deciding duplicate SOP Instance UID conflicts where copies meet: every copy
 * recorded here (announced by a peer, found by repair, pushed to or by this node) is compared with the copies the
 * index holds. When its object differs (another checksum), {@link ConflictRule} picks the winner, the same on every
 * node; the losing object's copies stop counting: a peer's is forgotten here, this node's own is kept aside (its
 * location gets status CONFLICT: never served, counted or compared, and its file stays), the conflict is
 * recorded ({@link ConflictRecords}) and logged once. When the incoming object wins, the instance's index entry
 * becomes that object's (header, receipt time), and repair then makes its copies up to the replication factor.
 *
 * <p>It also keeps each instance's receipt time the cluster's (when the node that took it from its sender received
 * it: announcements and pushes carry it), which is what REJECT and REPLACE compare.
 */
public final class ConflictResolver implements CopyCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ConflictResolver.class);
    static final String CONFLICT = "CONFLICT";

    private final CopyCatalog delegate;
    private final IndexDatabase db;
    private final InstanceIndex index;
    private final StorageRegistry storages;
    private final String ownStorage;
    private final DuplicatePolicy policy;
    private final ConflictRecords records;
    /** Striped by SOP Instance UID: two copies of one instance are decided one after the other. */
    private final Object[] locks = new Object[64];

    public ConflictResolver(CopyCatalog delegate, IndexDatabase db, InstanceIndex index, StorageRegistry storages,
                            String ownStorage, DuplicatePolicy policy) throws SQLException {
        this.delegate = delegate;
        this.db = db;
        this.index = index;
        this.storages = storages;
        this.ownStorage = ownStorage;
        this.policy = policy;
        this.records = new ConflictRecords(db);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    public ConflictRecords records() {
        return records;
    }

    @Override
    public boolean addCopy(InstanceHeader header, String sourceAETitle, IndexedInstance.Location location)
            throws SQLException {
        return addCopy(header, sourceAETitle, location, null);
    }

    @Override
    public boolean addCopy(InstanceHeader header, String sourceAETitle, IndexedInstance.Location location,
                           Instant received) throws SQLException {
        String sop = header.sopInstanceUID();
        if (location.checksum() == null) {
            return delegate.addCopy(header, sourceAETitle, location);
        }
        synchronized (locks[Math.floorMod(sop.hashCode(), locks.length)]) {
            Entry entry = entry(sop);
            if (entry == null) {
                boolean added = delegate.addCopy(header, sourceAETitle, location);
                setReceived(sop, received, false);
                return added;
            }
            Optional<Conflict> lost = records.lost(sop, location.checksum());
            if (lost.isPresent()) {
                // a known loser: noted where it is, never counted as a copy
                records.record(with(lost.get(), Set.of(), nodes(location)));
                return false;
            }
            IndexedInstance.Location other = entry.locations.stream()
                    .filter(l -> "OK".equals(l.status()) && l.checksum() != null
                            && !l.checksum().equals(location.checksum()))
                    .findFirst().orElse(null);
            if (other == null) {
                boolean added = delegate.addCopy(header, sourceAETitle, location);
                setReceived(sop, received, true);
                return added;
            }
            ConflictRule.Candidate incoming = new ConflictRule.Candidate(location.checksum(), received);
            ConflictRule.Candidate existing = new ConflictRule.Candidate(other.checksum(), entry.received);
            List<IndexedInstance.Location> existingCopies = entry.locations.stream()
                    .filter(l -> "OK".equals(l.status()) && other.checksum().equals(l.checksum())).toList();
            if (!ConflictRule.wins(policy, incoming, existing)) {
                report(new Conflict(0, sop, entry.study, policy.name(), existing.checksum(), existing.received(),
                        nodes(existingCopies), incoming.checksum(), incoming.received(), nodes(location), null, null,
                        Instant.now(), "OPEN"), false);
                return false;
            }
            IndexedInstance.Location own = existingCopies.stream()
                    .filter(l -> l.storageId().equals(ownStorage)).findFirst().orElse(null);
            report(new Conflict(0, sop, entry.study, policy.name(), incoming.checksum(), incoming.received(),
                    nodes(location), existing.checksum(), existing.received(), nodes(existingCopies),
                    own == null ? null : own.storageKey(), own == null ? null : own.size(), Instant.now(), "OPEN"),
                    own != null);
            // the entry becomes the winner's (its header, its only copy known so far); this node's losing copy
            // stays listed, with status CONFLICT, so that it is announced (peers learn of the conflict) but never
            // served or counted
            index.replace(header, new StoredObject(location.storageId(), location.storageKey(), location.size(),
                    location.checksum()), sourceAETitle);
            keepAside(sop, own, received);
            return true;
        }
    }

    /**
     * This node's copy of an instance, for announcing it: its kept-aside losing copy first while it has one (so
     * that every peer learns of the conflict, even one that never saw the losing object), with that object's time.
     */
    @Override
    public Optional<CopyRecord> copy(String storageId, String sopInstanceUID) throws SQLException {
        Optional<CopyRecord> r = delegate.copy(storageId, sopInstanceUID);
        return r.isPresent() ? Optional.of(withLoserTime(r.get())) : r;
    }

    @Override
    public List<CopyRecord> copies(String storageId, String studyInstanceUID) throws SQLException {
        List<CopyRecord> out = new ArrayList<>();
        for (CopyRecord r : delegate.copies(storageId, studyInstanceUID)) {
            out.add(withLoserTime(r));
        }
        return out;
    }

    /**
     * Copies a catching-up index records by the thousand: those that cannot conflict (an instance not indexed yet, or
     * one whose usable copies hold the same object, and no known loser) in one transaction; the others one by one
     * through {@link #addCopy(InstanceHeader, String, IndexedInstance.Location, Instant)}, which decides.
     */
    @Override
    public int addCopies(List<NewCopy> copies) throws SQLException {
        List<NewCopy> plain = new ArrayList<>(copies.size());
        List<Boolean> known = new ArrayList<>(copies.size());
        int changed = 0;
        for (NewCopy n : copies) {
            String checksum = n.location().checksum();
            Entry entry = checksum == null ? null : entry(n.header().sopInstanceUID());
            boolean mayConflict = entry != null && (records.lost(n.header().sopInstanceUID(), checksum).isPresent()
                    || entry.locations.stream().anyMatch(l -> "OK".equals(l.status()) && l.checksum() != null
                            && !l.checksum().equals(checksum)));
            if (mayConflict) {
                changed += addCopy(n.header(), n.sourceAETitle(), n.location(), n.received()) ? 1 : 0;
            } else {
                plain.add(n);
                known.add(entry != null);
            }
        }
        changed += delegate.addCopies(plain);
        db.inTransaction(c -> {
            for (int i = 0; i < plain.size(); i++) {
                setReceived(c, plain.get(i).header().sopInstanceUID(), plain.get(i).received(), known.get(i));
            }
            return null;
        });
        return changed;
    }

    @Override
    public boolean withdrawCopy(String storageId, String sopInstanceUID, String storageKey) throws SQLException {
        return delegate.withdrawCopy(storageId, sopInstanceUID, storageKey);
    }

    @Override
    public void removeCopy(String storageId, String sopInstanceUID) throws SQLException {
        delegate.removeCopy(storageId, sopInstanceUID);
    }

    @Override
    public Map<String, StudyDigest> digests(String storageId) throws SQLException {
        return delegate.digests(storageId);
    }

    @Override
    public Map<Integer, BucketDigest> bucketDigests(String storageId) throws SQLException {
        return delegate.bucketDigests(storageId);
    }

    @Override
    public Map<String, StudyDigest> digests(String storageId, int bucket) throws SQLException {
        return delegate.digests(storageId, bucket);
    }

    @Override
    public List<String> studies() throws SQLException {
        return delegate.studies();
    }

    @Override
    public List<String> studies(String after, int limit) throws SQLException {
        return delegate.studies(after, limit);
    }

    @Override
    public List<StudyChange> changedStudies(String after, int limit) throws SQLException {
        return delegate.changedStudies(after, limit);
    }

    @Override
    public void clearChange(StudyChange change) throws SQLException {
        delegate.clearChange(change);
    }

    @Override
    public List<IndexedInstance> instances(String studyInstanceUID) throws SQLException {
        return delegate.instances(studyInstanceUID);
    }

    /** A kept-aside copy's record says when its own object was received (the entry's time is the winner's). */
    private CopyRecord withLoserTime(CopyRecord r) throws SQLException {
        if (!CONFLICT.equals(r.location().status()) || r.location().checksum() == null) {
            return r;
        }
        Instant t = records.lost(r.sopInstanceUID(), r.location().checksum()).map(Conflict::loserReceived)
                .orElse(null);
        return new CopyRecord(r.sopInstanceUID(), r.studyInstanceUID(), r.transferSyntaxUID(), r.sourceAETitle(),
                r.encodedHeader(), r.location(), t);
    }

    private void report(Conflict c, boolean ownCopyAside) throws SQLException {
        if (records.record(c)) {
            LOG.warn("Duplicate SOP Instance UID {} (study {}): two different objects were stored in the cluster;"
                            + " policy {} keeps checksum {} (received {}, on {}) and sets aside checksum {} (received {},"
                            + " on {}){}", c.sopInstanceUID(), c.studyInstanceUID(), c.policy(), c.winnerChecksum(),
                    c.winnerReceived(), c.winnerNodes(), c.loserChecksum(), c.loserReceived(), c.loserNodes(),
                    ownCopyAside ? "; this node keeps its losing copy aside as " + c.loserKey()
                            + " (GET /api/conflicts)" : "");
        }
    }

    /** After the entry became the winner's: its receipt time, and this node's losing copy listed as CONFLICT. */
    private void keepAside(String sop, IndexedInstance.Location own, Instant winnerReceived) throws SQLException {
        db.inTransaction(c -> {
            Long pk = Jdbc.queryLong(c, "SELECT pk FROM instance WHERE sop_uid = ?", sop);
            if (pk == null) {
                return null;
            }
            if (winnerReceived != null) {
                Jdbc.update(c, "UPDATE instance SET received = ? WHERE pk = ?", utc(winnerReceived), pk);
            }
            if (own != null && Jdbc.queryLong(c, "SELECT pk FROM location WHERE storage_id = ? AND storage_key = ?",
                    own.storageId(), own.storageKey()) == null) {
                Jdbc.insert(c, "INSERT INTO location (instance_fk, storage_id, storage_key, object_size, checksum,"
                                + " status, created) VALUES (?, ?, ?, ?, ?, ?, ?)", pk, own.storageId(), own.storageKey(),
                        own.size(), own.checksum(), CONFLICT, OffsetDateTime.now(ZoneOffset.UTC));
            }
            return null;
        });
    }

    /**
     * Keeps the entry's receipt time the cluster's: a new entry takes the announced time; a known object keeps the
     * earliest time heard for it (the node that received it from its sender recorded the first).
     */
    private void setReceived(String sop, Instant received, boolean earliest) throws SQLException {
        if (received == null) {
            return;
        }
        db.inTransaction(c -> setReceived(c, sop, received, earliest));
    }

    private static int setReceived(java.sql.Connection c, String sop, Instant received, boolean earliest)
            throws SQLException {
        if (received == null) {
            return 0;
        }
        return Jdbc.update(c, "UPDATE instance SET received = ? WHERE sop_uid = ?" + (earliest ? " AND received > ?" : ""),
                earliest ? new Object[] {utc(received), sop, utc(received)} : new Object[] {utc(received), sop});
    }

    private Set<String> nodes(IndexedInstance.Location l) {
        return nodes(List.of(l));
    }

    private Set<String> nodes(List<IndexedInstance.Location> copies) {
        Set<String> out = new LinkedHashSet<>();
        for (IndexedInstance.Location l : copies) {
            storages.nodeOf(l.storageId()).ifPresent(out::add);
        }
        return out;
    }

    private static Conflict with(Conflict c, Set<String> winners, Set<String> losers) {
        return new Conflict(c.pk(), c.sopInstanceUID(), c.studyInstanceUID(), c.policy(), c.winnerChecksum(),
                c.winnerReceived(), winners, c.loserChecksum(), c.loserReceived(), losers, null, null, c.detected(),
                c.state());
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    /** An instance's index entry: its study, receipt time and copies. */
    private record Entry(String study, Instant received, List<IndexedInstance.Location> locations) {
    }

    private Entry entry(String sop) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT st.study_uid, i.received, l.storage_id,"
                    + " l.storage_key, l.object_size, l.checksum, l.status FROM instance i"
                    + " JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk"
                    + " LEFT JOIN location l ON l.instance_fk = i.pk WHERE i.sop_uid = ? ORDER BY l.pk")) {
                Jdbc.bind(ps, sop);
                try (ResultSet rs = ps.executeQuery()) {
                    Entry e = null;
                    List<IndexedInstance.Location> locations = new ArrayList<>();
                    while (rs.next()) {
                        if (e == null) {
                            OffsetDateTime t = rs.getObject(2, OffsetDateTime.class);
                            e = new Entry(rs.getString(1), t == null ? null : t.toInstant(), locations);
                        }
                        if (rs.getString(3) != null) {
                            locations.add(new IndexedInstance.Location(rs.getString(3), rs.getString(4), rs.getLong(5),
                                    rs.getString(6), rs.getString(7)));
                        }
                    }
                    return e;
                }
            }
        });
    }
}
