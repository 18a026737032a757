package org.gridpacs.replication.transfer;

import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.HeaderEncoder;
import org.gridpacs.archive.index.HierarchyConflictException;
import org.gridpacs.archive.index.InstanceHeader;
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

    /** Applies a batch; returns the studies whose copies changed here. */
    public Set<String> apply(List<Announcement> batch) {
        Set<String> changed = new LinkedHashSet<>();
        for (Announcement a : batch) {
            try {
                if (a.kind() == Announcement.Kind.DROP) {
                    catalog.removeCopy(a.storageId(), a.sopInstanceUID());
                    continue;
                }
                InstanceHeader header = HeaderEncoder.decode(a.copy().encodedHeader(), a.copy().transferSyntaxUID());
                if (catalog.addCopy(header, a.copy().sourceAETitle(), a.copy().location())) {
                    changed.add(header.studyInstanceUID());
                }
            } catch (HierarchyConflictException | IllegalArgumentException e) {
                LOG.warn("Ignored what node {} said of {}: {}", a.storageId(), a.sopInstanceUID(), e.getMessage());
            } catch (SQLException e) {
                throw new java.io.UncheckedIOException(new java.io.IOException(
                        "the index could not record a copy on " + a.storageId() + " of " + a.sopInstanceUID(), e));
            }
        }
        return changed;
    }
}
