package org.gridpacs.replication.transfer;

import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.HeaderEncoder;
import org.gridpacs.archive.index.HierarchyConflictException;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies announcements to this node's index, in order, each idempotently: a copy already known changes nothing,
 * a drop of a copy not known changes nothing. One that contradicts the index (a series in another study) is
 * logged and skipped: the sender's view of that instance is not taken.
 */
public final class AnnouncementApplier {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementApplier.class);
    private final CopyCatalog catalog;

    public AnnouncementApplier(CopyCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Applies a batch; returns the studies whose copies changed here. On the SQL index the whole batch is one
     * transaction (one commit, where there was one per announcement), each announcement under a savepoint so that
     * one the index refuses is undone alone.
     */
    public Set<String> apply(List<Announcement> batch) {
        if (catalog instanceof SqlCopyCatalog sql) {
            try {
                return sql.inOneTransaction(c -> {
                    Set<String> changed = new LinkedHashSet<>();
                    for (Announcement a : batch) {
                        Savepoint before = c.setSavepoint();
                        try {
                            if (a.kind() == Announcement.Kind.DROP) {
                                sql.removeCopy(c, a.storageId(), a.sopInstanceUID());
                            } else {
                                InstanceHeader header = header(a);
                                if (sql.addCopy(c, header, a.copy().sourceAETitle(), a.copy().location())) {
                                    changed.add(header.studyInstanceUID());
                                }
                            }
                        } catch (HierarchyConflictException | IllegalArgumentException e) {
                            c.rollback(before);
                            ignored(a, e);
                        }
                    }
                    return changed;
                });
            } catch (SQLException e) {
                throw new java.io.UncheckedIOException(new java.io.IOException(
                        "the index could not record " + batch.size() + " announced copies", e));
            }
        }
        Set<String> changed = new LinkedHashSet<>();
        for (Announcement a : batch) {
            try {
                if (a.kind() == Announcement.Kind.DROP) {
                    catalog.removeCopy(a.storageId(), a.sopInstanceUID());
                    continue;
                }
                InstanceHeader header = header(a);
                if (catalog.addCopy(header, a.copy().sourceAETitle(), a.copy().location())) {
                    changed.add(header.studyInstanceUID());
                }
            } catch (HierarchyConflictException | IllegalArgumentException e) {
                ignored(a, e);
            } catch (SQLException e) {
                throw new java.io.UncheckedIOException(new java.io.IOException(
                        "the index could not record a copy on " + a.storageId() + " of " + a.sopInstanceUID(), e));
            }
        }
        return changed;
    }

    private static InstanceHeader header(Announcement a) {
        return HeaderEncoder.decode(a.copy().encodedHeader(), a.copy().transferSyntaxUID());
    }

    private static void ignored(Announcement a, Exception e) {
        LOG.warn("Ignored what node {} said of {}: {}", a.storageId(), a.sopInstanceUID(), e.getMessage());
    }
}
